/**
 * `deno task bench [--json] [--steps 200] [--rounds 5] [--warmup 50] [--no-torch] [--no-onnx]`:
 * milliseconds of our training step (forward + backward + Adam, batch 8, embed = hidden = 32) for
 * each cell at lengths 10, 20 and 35, and of the LSTM's forward pass at batch 1, 8 and 100
 * (length 35); side by side with PyTorch (one thread, when `/usr/bin/python3 -c "import torch"`
 * works) and onnxruntime-node (one thread), with the ratios. Every number, ours and theirs, is the
 * lowest of `rounds` medians over `steps` timed calls after `warmup` untimed ones: this machine's
 * noise comes in bursts that slow a whole round, and the lowest round is the one least disturbed.
 * Each group of ours runs in a fresh worker.
 *
 * `deno task bench --scaling [--quick] [--cells lstm,gru,srn] [--hidden 32,64,128,256]
 * [--lengths 10,35,100,200] [--batches 8,100] [--rounds 3] [--round-ms 300] [--min-calls 3]
 * [--no-rss] [--team] [--no-torch] [--no-onnx]`: cost curves over a grid of sizes
 * (bench/scaling.ts); `--cells` may add `irnn` (the SRN's kernels with ReLU, PyTorch's
 * `nn.RNN(nonlinearity="relu")`); `--team` adds ours on two threads. `deno task bench --replot FILE` redraws
 * docs/figures/scaling.png from a results file.
 */
import { runMain } from "../lib/cli.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { BOOK_MODEL, CELL_KINDS, type CellKind } from "../lib/model/config.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { exportOnnx } from "../lib/io/onnx.ts";
import { createOnnxSession } from "../lib/io/onnx_run.ts";
import { MT19937 } from "../lib/data/mt19937.ts";
import { median } from "./timing.ts";
import { replotScaling, runScaling } from "./scaling.ts";
import { benchWorker, hasTorch, torchBench } from "./processes.ts";

const CELLS: CellKind[] = ["lstm", "gru", "srn"];

/** The flags of the comparison (the default form). */
const COMPARE_FLAGS = declareFlags({
  json: { type: "switch", help: "print the results as JSON (the log goes to stderr)" },
  steps: { type: "int", default: 200, min: 200, help: "timed calls a round" },
  rounds: {
    type: "int",
    min: 1,
    arg: "5",
    help: "rounds; the lowest median counts (default 5, 3 with --scaling)",
  },
  warmup: { type: "int", default: 50, min: 0, help: "untimed calls before each round" },
  "no-torch": { type: "switch", help: "leave out PyTorch" },
  "no-onnx": { type: "switch", help: "leave out onnxruntime" },
});

/** The flags of the cost curves (`--scaling`). */
const SCALING_FLAGS = declareFlags({
  scaling: { type: "switch", help: "cost curves over a grid of sizes (bench/scaling.ts)" },
  quick: { type: "switch", help: "a small grid" },
  cells: {
    type: "choices",
    choices: CELL_KINDS,
    default: CELLS,
    arg: "lstm,gru,srn",
    help: "the cells",
  },
  hidden: { type: "ints", default: [32, 64, 128, 256], min: 1, max: 4096, help: "hidden sizes" },
  lengths: { type: "ints", default: [10, 35, 100, 200], min: 2, max: 100_000, help: "lengths" },
  batches: { type: "ints", default: [8, 100], min: 1, max: 100_000, help: "batch sizes" },
  "round-ms": { type: "int", default: 300, min: 0, help: "milliseconds a round" },
  "min-calls": { type: "int", default: 3, min: 1, help: "calls a round at least" },
  "no-rss": { type: "switch", help: "leave out the memory figures" },
  team: { type: "switch", help: "add ours on two threads" },
  replot: {
    type: "path",
    arg: "bench/results/scaling.json",
    help: "redraw docs/figures/scaling.png from a results file",
  },
});

/** The declaration of `deno task bench`: three forms, one set of flags. */
const BENCH = {
  name: "deno task bench",
  flags: { ...COMPARE_FLAGS, ...SCALING_FLAGS },
  usage: [
    "deno task bench [--json] [--steps 200] [--rounds 5] [--warmup 50] [--no-torch] [--no-onnx]",
    "       deno task bench --scaling [--quick] [--cells lstm,gru,srn] [--hidden 32,64,128,256] " +
    "[--lengths 10,35,100,200] [--batches 8,100] [--rounds 3] [--round-ms 300] [--min-calls 3] " +
    "[--no-rss] [--team] [--no-torch] [--no-onnx]",
    "       deno task bench --replot bench/results/scaling.json",
  ].join("\n"),
} as const;
type Table = Record<string, Record<string, number>>;

interface Timing {
  steps: number;
  warmup: number;
  rounds: number;
}

function inWorker(cell: CellKind, kind: "train" | "forward", timing: Timing) {
  return benchWorker<Record<string, number>>({ cell, kind, ...timing });
}

async function torchTimes(
  { steps, warmup, rounds }: Timing,
): Promise<{ train_step_ms: Table; forward_ms: Table; version: string } | null> {
  if (!await hasTorch()) return null;
  const args = ["--steps", String(steps), "--warmup", String(warmup), "--rounds", String(rounds)];
  const parsed = JSON.parse(await torchBench(args));
  return {
    train_step_ms: parsed.train_step_ms,
    forward_ms: parsed.forward_ms,
    version: parsed.torch_version,
  };
}

async function onnxTimes({ steps, warmup, rounds }: Timing): Promise<Table> {
  const model = new SeqClassifier(BOOK_MODEL);
  initParams(model, { init: "torch", seed: 0 });
  const session = await createOnnxSession(
    exportOnnx(model.config, new Map(Object.entries(model.p))),
  );
  const out: Record<string, number> = {};
  const rng = new MT19937(2);
  for (const batch of [1, 8, 100]) {
    const digits = Int32Array.from({ length: batch * 35 }, () => rng.randint(0, 10));
    for (let i = 0; i < warmup; i++) await session.run(digits, batch, 35);
    let best = Infinity;
    const times = new Float64Array(steps);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < steps; i++) {
        const t0 = performance.now();
        await session.run(digits, batch, 35);
        times[i] = performance.now() - t0;
      }
      best = Math.min(best, median(times));
    }
    out[`b${batch}`] = best;
  }
  await session.release();
  return { lstm: out };
}

const fmt = (ms: number | undefined) => (ms === undefined ? "—" : ms.toFixed(3));
const ratio = (
  theirs: number | undefined,
  ours: number,
) => (theirs === undefined ? "—" : `${(theirs / ours).toFixed(2)}×`);

await runMain(BENCH, async ({ flags }) => {
  if (flags.replot !== undefined) return await replotScaling(flags.replot);
  if (flags.scaling) {
    return await runScaling({
      cells: flags.cells,
      hidden: flags.hidden,
      lengths: flags.lengths,
      batches: flags.batches,
      quick: flags.quick,
      budget: {
        rounds: flags.rounds ?? 3,
        roundMs: flags["round-ms"],
        minCalls: flags["min-calls"],
      },
      torch: !flags["no-torch"],
      onnx: !flags["no-onnx"],
      rss: !flags["no-rss"],
      team: flags.team,
      log: (line) => console.log(line),
    });
  }
  const timing: Timing = { steps: flags.steps, rounds: flags.rounds ?? 5, warmup: flags.warmup };
  const json = flags.json;
  const log = (line: string) => (json ? console.error(line) : console.log(line));

  const train: Table = {};
  for (const cell of CELLS) train[cell] = await inWorker(cell, "train", timing);
  const forward: Table = { lstm: await inWorker("lstm", "forward", timing) };
  const torch = flags["no-torch"] ? null : await torchTimes(timing);
  const ort = flags["no-onnx"] ? null : await onnxTimes(timing);

  const { steps, rounds, warmup } = timing;
  log(
    `ms, the lowest of ${rounds} medians over ${steps} steps (after ${warmup} warm-up), one thread; ratio = theirs / ours (above 1: we are faster)`,
  );
  log(`training step, batch 8${torch ? ` (PyTorch ${torch.version})` : ""}`);
  log("cell  length      ours   PyTorch   ratio");
  for (const cell of CELLS) {
    for (const length of ["10", "20", "35"]) {
      const ours = train[cell]![length]!;
      const theirs = torch?.train_step_ms[cell]?.[length];
      log(
        `${cell.padEnd(5)} ${length.padStart(6)} ${fmt(ours).padStart(9)} ${
          fmt(theirs).padStart(9)
        } ${ratio(theirs, ours).padStart(7)}`,
      );
    }
  }
  log("forward pass, LSTM, length 35");
  log("batch      ours   PyTorch   ratio  onnxruntime   ratio");
  for (const batch of ["b1", "b8", "b100"]) {
    const ours = forward.lstm![batch]!;
    const theirs = torch?.forward_ms.lstm?.[batch];
    const onnx = ort?.lstm?.[batch];
    log(
      `${batch.slice(1).padStart(5)} ${fmt(ours).padStart(9)} ${fmt(theirs).padStart(9)} ${
        ratio(theirs, ours).padStart(7)
      } ${fmt(onnx).padStart(12)} ${ratio(onnx, ours).padStart(7)}`,
    );
  }
  if (json) {
    const result: Record<string, unknown> = { train_step_ms: train, forward_ms: forward };
    if (torch) {
      result.torch = {
        version: torch.version,
        train_step_ms: torch.train_step_ms,
        forward_ms: torch.forward_ms,
      };
    }
    if (ort) result.onnxruntime = { forward_ms: ort };
    console.log(JSON.stringify(result));
  }
});
