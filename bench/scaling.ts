/**
 * `deno task bench --scaling`: cost curves. The training step (forward + cross-entropy + backward
 * + Adam) and the forward pass of every cell over a grid of hidden sizes, lengths and batch sizes
 * (embedding 32), ours next to PyTorch (one thread) and onnxruntime (forward, one thread); our
 * achieved rate in G multiply-adds/s of the recurrent products; and the peak resident memory of
 * one training job at hidden 256, length 500 (3 steps at batch 8 and an evaluation forward pass at
 * batch 100), ours and PyTorch's. Writes `bench/results/scaling.json` and `.csv` and the log–log
 * figure `docs/figures/scaling.png`.
 *
 * The default grid is the full one (hidden 32–256 × length 10–200 × batch 8 and 100);
 * `--quick` measures three slices of it (hidden at length 35, batch 8 and 100; length at hidden
 * 128, batch 8), which are what the figure shows. Every time is the lowest of `--rounds` round
 * medians, a round calling until `--round-ms` have passed and at least `--min-calls` times; the
 * rounds of ours, PyTorch and onnxruntime take turns, so that the machine's busy spells fall on
 * all of them alike.
 * @module
 */
import { stringify } from "csv-stringify/sync";
import type { CellKind } from "../lib/model/config.ts";
import { CELLS } from "../lib/nn/cells.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { BOOK_MODEL } from "../lib/model/config.ts";
import { exportOnnx } from "../lib/io/onnx.ts";
import { createOnnxSession } from "../lib/io/onnx_run.ts";
import { MT19937 } from "../lib/data/mt19937.ts";
import { renderFigure } from "../lib/plot/render.ts";
import { type ScalingRow, scalingSpec } from "../lib/plot/scaling_spec.ts";
import { type Budget, type GridPoint, median } from "./timing.ts";
import { benchWorker, hasTorch, torchBench } from "./processes.ts";

/** What to measure and how. */
export interface ScalingOptions {
  cells: CellKind[];
  hidden: number[];
  lengths: number[];
  batches: number[];
  /** Three slices of the grid instead of all of it. */
  quick: boolean;
  budget: Budget;
  torch: boolean;
  onnx: boolean;
  /** Measure the peak memory of a job at hidden 256, length 500. */
  rss: boolean;
  /** Also time ours with the LSTM's and GRU's recurrences on two threads (`RecurrentThreads`). */
  team: boolean;
  log: (line: string) => void;
}

/** The points to measure: the full grid, or with `quick` its three slices (deduplicated). */
export function gridPoints(o: ScalingOptions): GridPoint[] {
  const points: GridPoint[] = [];
  const seen = new Set<string>();
  const add = (cell: CellKind, hidden: number, length: number, batch: number) => {
    const key = `${cell} ${hidden} ${length} ${batch}`;
    if (!seen.has(key)) seen.add(key), points.push({ cell, hidden, length, batch });
  };
  for (const cell of o.cells) {
    if (!o.quick) {
      for (const h of o.hidden) {
        for (const t of o.lengths) for (const b of o.batches) add(cell, h, t, b);
      }
      continue;
    }
    for (const h of o.hidden) for (const b of [8, 100]) add(cell, h, 35, b);
    for (const t of o.lengths) add(cell, 128, t, 8);
  }
  return points;
}

/** Multiply-adds of the recurrent products in one forward pass: (T − 1)·B·G·H² (h₀ = 0). */
export function forwardMacs(p: GridPoint): number {
  return (p.length - 1) * p.batch * CELLS[p.cell].gates * p.hidden * p.hidden;
}

function inWorker(points: GridPoint[], budget: Budget, team: boolean): Promise<number[][]> {
  return benchWorker({ kind: "scaling", points, budget, team });
}

async function onnxForwardMs(points: GridPoint[], budget: Budget): Promise<number[]> {
  const out: number[] = [];
  for (const p of points) {
    const model = new SeqClassifier({ ...BOOK_MODEL, cell: p.cell, hidden: p.hidden });
    initParams(model, { init: "torch", seed: 0 });
    const session = await createOnnxSession(
      exportOnnx(model.config, new Map(Object.entries(model.p))),
    );
    const rng = new MT19937(2);
    const digits = Int32Array.from({ length: p.batch * p.length }, () => rng.randint(0, 10));
    await session.run(digits, p.batch, p.length);
    let best = Infinity;
    for (let r = 0; r < budget.rounds; r++) {
      const times: number[] = [];
      const start = performance.now();
      while (times.length < budget.minCalls || performance.now() - start < budget.roundMs) {
        const t0 = performance.now();
        await session.run(digits, p.batch, p.length);
        times.push(performance.now() - t0);
      }
      best = Math.min(best, median(Float64Array.from(times)));
    }
    out.push(best);
    await session.release();
  }
  return out;
}

/**
 * A job's memory at hidden 256, length 500 (3 training steps at batch 8, an evaluation forward at
 * batch 100): the highest resident set size, in KiB, sampled after each call. The workspaces stay
 * allocated while the model lives, so the sample after the forward pass is the peak.
 */
function rssJob(): number {
  const [H, T] = [256, 500];
  const model = new SeqClassifier({ ...BOOK_MODEL, hidden: H });
  initParams(model, { init: "torch", seed: 0 });
  const rng = new MT19937(1);
  const digits = Int32Array.from({ length: 100 * T }, () => rng.randint(0, 10));
  const labels = Int32Array.from({ length: 8 }, () => rng.randint(0, 19));
  let peak = Deno.memoryUsage().rss;
  for (let s = 0; s < 3; s++) {
    model.zeroGrad();
    model.lossAndBackward(digits, labels, 8, T);
    peak = Math.max(peak, Deno.memoryUsage().rss);
  }
  model.infer(digits, 100, T);
  return Math.max(peak, Deno.memoryUsage().rss) / 1024;
}

const f = (ms: number | null, digits = 2) => (ms === null ? "—" : ms.toFixed(digits));

/** Measure, print a table, and write the JSON, CSV and figure. */
export async function runScaling(o: ScalingOptions): Promise<void> {
  const points = gridPoints(o);
  const started = new Date();
  const load = Deno.loadavg();
  o.log(`${points.length} grid points; load average ${load.map((l) => l.toFixed(2)).join(" ")}`);
  let rss: Record<string, number | null> | null = null;
  if (o.rss) {
    const before = Deno.memoryUsage().rss / 1024;
    const after = rssJob();
    const torchRss = o.torch && await hasTorch()
      ? Number((await torchBench(["--rss", "256", "500"])).trim())
      : null;
    rss = { ours_before_kib: before, ours_peak_kib: after, torch_peak_kib: torchRss };
    o.log(
      `peak RSS, one LSTM job at hidden 256, length 500: ours ${
        f(after ? after / 1024 : null, 0)
      } MiB ` +
        `(${f(before ? before / 1024 : null, 0)} MiB before the job), PyTorch ${
          f(torchRss ? torchRss / 1024 : null, 0)
        } MiB`,
    );
  }
  // Rounds take turns — ours, PyTorch's, onnxruntime's, then again — so that a busy spell of the
  // machine falls on all of them alike; each time is the lowest over the rounds.
  const ordered = o.cells.flatMap((cell) => points.filter((p) => p.cell === cell));
  const pass: Budget = { ...o.budget, rounds: 1 };
  const lowest = (best: number[][] | null, next: number[][]) =>
    best ? best.map((row, i) => row.map((v, j) => Math.min(v, next[i]![j]!))) : next;
  const withTorch = o.torch && await hasTorch();
  let ours: number[][] | null = null;
  let torchRows: number[][] | null = null;
  let onnx: number[][] | null = null;
  let torch: { torch_version: string; blas: string; threads: number } | null = null;
  for (let round = 1; round <= o.budget.rounds; round++) {
    const mine: number[][] = [];
    for (const cell of o.cells) {
      o.log(`round ${round}: ours, ${cell}`);
      mine.push(...await inWorker(ordered.filter((p) => p.cell === cell), pass, o.team));
    }
    ours = lowest(ours, mine);
    if (withTorch) {
      o.log(`round ${round}: PyTorch`);
      const args = ["--scaling", "--rounds", "1", "--round-ms", String(pass.roundMs)];
      args.push("--min-calls", String(pass.minCalls));
      const out = JSON.parse(await torchBench(args, JSON.stringify(ordered)));
      torch = { torch_version: out.torch_version, blas: out.blas, threads: out.threads };
      torchRows = lowest(torchRows, out.rows);
    }
    if (o.onnx) {
      o.log(`round ${round}: onnxruntime`);
      onnx = lowest(onnx, (await onnxForwardMs(ordered, pass)).map((ms) => [ms]));
    }
  }

  const rows = ordered.map((p, i) => {
    const macs = forwardMacs(p);
    const rate = (m: number, ms: number | null) => (ms === null ? null : m / ms / 1e6);
    const row = {
      ...p,
      ours_train_ms: ours![i]![0]!,
      torch_train_ms: torchRows?.[i]?.[0] ?? null,
      ours_forward_ms: ours![i]![1]!,
      torch_forward_ms: torchRows?.[i]?.[1] ?? null,
      onnx_forward_ms: onnx?.[i]?.[0] ?? null,
      ours_train_gmacs: 0 as number | null,
      ours_forward_gmacs: 0 as number | null,
      ...(o.team
        ? { ours2_train_ms: ours![i]![2] ?? null, ours2_forward_ms: ours![i]![3] ?? null }
        : {}),
    };
    row.ours_train_gmacs = rate(3 * macs, row.ours_train_ms);
    row.ours_forward_gmacs = rate(macs, row.ours_forward_ms);
    return row;
  });

  o.log(
    "ms, lowest of round medians; ratio = theirs / ours (above 1: we are faster); " +
      "G = our recurrent multiply-adds per second (training step: 3·(T−1)·B·G·H²)",
  );
  o.log(
    "cell  hidden length batch |  train ours PyTorch ratio     G | forward ours PyTorch  onnx" +
      (o.team ? " | 2 threads: train forward" : ""),
  );
  const two = (r: { ours2_train_ms?: number | null; ours2_forward_ms?: number | null }) =>
    o.team
      ? ` | ${f(r.ours2_train_ms ?? null).padStart(16)} ${
        f(r.ours2_forward_ms ?? null).padStart(7)
      }`
      : "";
  for (const r of rows) {
    const ratio = r.torch_train_ms === null ? "—" : (r.torch_train_ms / r.ours_train_ms).toFixed(2);
    o.log(
      `${r.cell.padEnd(5)} ${String(r.hidden).padStart(6)} ${String(r.length).padStart(6)} ${
        String(r.batch).padStart(5)
      } | ${f(r.ours_train_ms).padStart(10)} ${f(r.torch_train_ms).padStart(7)} ${
        ratio.padStart(5)
      } ${f(r.ours_train_gmacs).padStart(5)} | ${f(r.ours_forward_ms).padStart(12)} ${
        f(r.torch_forward_ms).padStart(7)
      } ${f(r.onnx_forward_ms).padStart(5)}${two(r)}`,
    );
  }

  const meta = {
    command: `deno task bench --scaling${o.quick ? " --quick" : ""}${o.team ? " --team" : ""}`,
    started: started.toISOString(),
    seconds: Math.round((Date.now() - started.getTime()) / 1000),
    load_average_at_start: load,
    cores: navigator.hardwareConcurrency,
    budget: o.budget,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    torch: torch
      ? { version: torch.torch_version, blas: torch.blas, threads: torch.threads }
      : null,
    onnxruntime: onnx ? { threads: 1 } : null,
    peak_rss: rss,
  };
  const dir = new URL("./results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const base = o.quick ? "scaling_quick" : "scaling";
  await Deno.writeTextFile(
    new URL(`${base}.json`, dir),
    JSON.stringify({ meta, rows }, null, 1) + "\n",
  );
  await Deno.writeTextFile(
    new URL(`${base}.csv`, dir),
    stringify(rows, {
      header: true,
      cast: { number: (v) => (Number.isInteger(v) ? String(v) : v.toPrecision(5)) },
    }),
  );
  await plotScaling(meta, rows as ScalingRow[]);
  o.log(`wrote bench/results/${base}.json, ${base}.csv and docs/figures/scaling.png`);
}

/** What {@linkcode plotScaling} reads of a run's `meta`. */
interface PlotMeta {
  started: string;
  cores: number;
  load_average_at_start: number[];
  budget: Budget;
  torch: { version: string; blas: string } | null;
}

/** Draw `docs/figures/scaling.png` from a run's meta and rows. */
async function plotScaling(meta: PlotMeta, rows: ScalingRow[]): Promise<void> {
  const { torch } = meta;
  const subtitle = `${meta.started.slice(0, 10)}, ${meta.cores} cores (load ${
    meta.load_average_at_start[0]!.toFixed(1)
  }), lowest of ${meta.budget.rounds} round medians; PyTorch ${torch?.version ?? "—"} with ${
    torch ? (torch.blas.match(/openblas/i) ? "OpenBLAS" : torch.blas) : "—"
  }`;
  const figure = await renderFigure(scalingSpec(rows, subtitle), { scale: 2 });
  if (figure.warnings.length) throw new Error(`figure warnings: ${figure.warnings.join("; ")}`);
  await Deno.writeFile(new URL("../docs/figures/scaling.png", import.meta.url), figure.png);
}

/** Redraw the figure from a results file (`--replot bench/results/scaling.json`). */
export async function replotScaling(path: string): Promise<void> {
  const { meta, rows } = JSON.parse(await Deno.readTextFile(path)) as {
    meta: PlotMeta;
    rows: ScalingRow[];
  };
  await plotScaling(meta, rows);
}
