/**
 * `deno task memory-curve`: the memory curve r²(k) and memory capacity MC = Σ r²(k) of a trained
 * checkpoint or of an untrained network (lib/analysis/memory_curve.ts), as CSV, JSON and a figure.
 *
 * Without `--out`, a checkpoint's files go beside it and an untrained network's into
 * `runs/memory-curve/<cell>-h<hidden>-s<seed>/`. With `--run DIR`, every job's best checkpoint:
 * one row each (its capacity and bound) in `DIR/memory_curves.csv`.
 */
import { basename, dirname, join } from "node:path";
import { runMain } from "../lib/cli.ts";
import { UsageError } from "../lib/errors.ts";
import { declareFlags, flagUsage } from "../lib/flags/declare.ts";
import { cellOptionsOf } from "../lib/flags/train.ts";
import { modelMemoryCurve, type ModelMemoryCurveOptions } from "../lib/analysis/memory_curve.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { CELL_KINDS } from "../lib/model/config.ts";
import { sortJobs } from "../lib/run/job_name.ts";
import { listJobs } from "../lib/run/read.ts";
import { GATE_INITS } from "../lib/model/init.ts";
import { memoryCurveSpec } from "../lib/plot/memory_curve_spec.ts";
import { renderFigure } from "../lib/plot/render.ts";
import { CAPACITY_PRESET, jobConfigs } from "../lib/train/config.ts";
import { initialModel } from "../lib/train/gradflow.ts";

/** The flags of an untrained network (instead of `--checkpoint`). */
const UNTRAINED = declareFlags({
  cell: { type: "choice", choices: CELL_KINDS, help: "an untrained network of this cell" },
  hidden: {
    type: "int",
    min: 1,
    max: 4096,
    arg: String(CAPACITY_PRESET.hidden),
    help: "its hidden size",
  },
  seed: { type: "int", min: 0, max: 0xffffffff, arg: "0", help: "its initialisation's seed" },
  "gate-init": { type: "choice", choices: GATE_INITS, help: "its gate biases (default constant)" },
});

const untrainedUsage = Object.entries(UNTRAINED).map(([name, flag]) =>
  name === "cell" ? flagUsage(name, { ...flag, required: true }) : flagUsage(name, flag)
);

/** The declaration of `deno task memory-curve`. */
const MEMORY_CURVE = {
  name: "deno task memory-curve",
  flags: declareFlags({
    checkpoint: {
      type: "path",
      usage: `(--checkpoint FILE | --run DIR | ${untrainedUsage.join(" ")})`,
      help: "a trained checkpoint",
    },
    run: {
      type: "path",
      usage: null,
      help: "every job of a run folder: one row each in DIR/memory_curves.csv",
    },
    // shown in --checkpoint's group
    cell: { ...UNTRAINED.cell, usage: null },
    hidden: { ...UNTRAINED.hidden, usage: null },
    seed: { ...UNTRAINED.seed, usage: null },
    "gate-init": { ...UNTRAINED["gate-init"], usage: null },
    length: { type: "int", default: 100, min: 2, max: 100_000, help: "the sequences' length" },
    delays: {
      type: "int",
      min: 1,
      max: 100_000,
      arg: "K",
      help: "delays 0 to K-1, at most the length (default: the length)",
    },
    sequences: {
      type: "int",
      default: 4000,
      min: 8,
      max: 10_000_000,
      help: "random sequences, half to fit and half to score",
    },
    target: {
      type: "choice",
      choices: ["one-hot", "value"],
      default: "one-hot",
      help: "recall each digit as one-hot or as its value (a dense model recalls its channels)",
    },
    "digit-seed": {
      type: "int",
      default: 0,
      min: 0,
      max: 0xffffffff,
      help: "the seed of the random digits",
    },
    out: { type: "path", arg: "DIR", help: "the output folder (default: see above)" },
  }),
} as const;

await runMain(MEMORY_CURVE, async ({ flags }) => {
  const { length, sequences, "digit-seed": digitSeed, target } = flags;
  const delays = flags.delays ?? length;
  if (delays > length) {
    throw new UsageError(`--delays expects an integer in [1, ${length}], got "${delays}"`);
  }
  const checkpoint = flags.checkpoint ?? null;
  const sources = [checkpoint, flags.run, flags.cell].filter((x) => x !== null && x !== undefined);
  if (sources.length !== 1) {
    throw new UsageError("give one of --checkpoint FILE, --run DIR or --cell CELL");
  }
  if (flags.run !== undefined) {
    for (const flag of ["hidden", "seed", "gate-init", "out"] as const) {
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} does not go with --run`);
    }
    return await runCurves(flags.run, { length, delays, sequences, seed: digitSeed, target });
  }
  let model, what, out;
  if (checkpoint !== null) {
    for (const flag of ["hidden", "seed", "gate-init"] as const) {
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} is for an untrained --cell`);
    }
    ({ model } = await loadCheckpoint(checkpoint));
    what = `${basename(dirname(checkpoint))}/${basename(checkpoint)}`;
    out = flags.out ?? dirname(checkpoint);
  } else {
    const cell = flags.cell ?? "lstm";
    const hidden = flags.hidden ?? CAPACITY_PRESET.hidden;
    const seed = flags.seed ?? 0;
    const gateInit = flags["gate-init"] ?? "constant";
    const options = { ...CAPACITY_PRESET, hidden, gateInit };
    const [config] = jobConfigs([cell], [length], [seed], options, cellOptionsOf({}));
    model = initialModel(config!);
    const name = `${cell}-h${hidden}-s${seed}`;
    what = `an untrained ${cell.toUpperCase()} (${name}${gateInit === "chrono" ? ", chrono" : ""})`;
    out = flags.out ?? join("runs", "memory-curve", name);
  }
  const curve = modelMemoryCurve(model, { length, delays, sequences, seed: digitSeed, target });
  const dense = model.config.input === "dense"; // the adding problem's channels, U[0, 1) each
  const recalled = dense ? "channels" : target;
  const csv = "delay,r2\n" + curve.r2.map((r2, k) => `${k},${r2}`).join("\n") + "\n";
  const json = {
    source: checkpoint ?? what,
    target: recalled,
    length,
    sequences,
    digitSeed,
    ...curve,
  };
  await writeFileAtomic(join(out, "memory_curve.csv"), csv);
  await writeFileAtomic(join(out, "memory_curve.json"), JSON.stringify(json, null, 2) + "\n");
  const figure = await renderFigure(memoryCurveSpec(curve, what));
  for (const w of figure.warnings) console.error(`note: memory-curve figure: ${w}`);
  await writeFileAtomic(join(out, "memory_curve.svg"), figure.svg);
  await writeFileAtomic(join(out, "memory_curve.png"), figure.png);
  const half = curve.r2.findIndex((r2) => r2 < 0.5);
  console.log(
    `memory capacity ${curve.capacity.toFixed(2)}, at most ${curve.bound.toFixed(2)} ` +
      `(${curve.units} units, ${
        dense ? `${model.config.vocab} U[0, 1) channels` : `${target} digits`
      }) over delays 0–${delays - 1}` +
      (half >= 0 ? `; r² first below 0.5 at delay ${half}` : "; r² ≥ 0.5 at every delay"),
  );
  console.log(`wrote ${join(out, "memory_curve")}.csv, .json, .svg and .png`);
  return 0;
});

/**
 * The memory capacity of every job's best checkpoint in `run`: `memory_curves.csv` (cell, length,
 * seed, units, bound, capacity, capacity over the bound) and a line per job on stdout.
 */
async function runCurves(run: string, options: ModelMemoryCurveOptions): Promise<number> {
  const lines = ["cell,length,seed,units,bound,capacity,share_of_bound"];
  const jobs = sortJobs((await listJobs(run)).map((job) => ({ ...job, ...job.config })));
  for (const job of jobs) {
    const { model } = await loadCheckpoint(join(job.dir, "best.safetensors"));
    const curve = modelMemoryCurve(model, options);
    const share = curve.capacity / curve.bound;
    const number = (x: number) => String(Number(x.toPrecision(6)));
    lines.push(
      [job.cell, job.length, job.seed, curve.units, number(curve.bound), number(curve.capacity)]
        .concat(number(share)).join(","),
    );
    console.log(
      `${job.name}: MC ${curve.capacity.toFixed(2)} of at most ${curve.bound.toFixed(2)} ` +
        `(${(100 * share).toFixed(1)} %)`,
    );
  }
  const path = join(run, "memory_curves.csv");
  await writeFileAtomic(path, lines.join("\n") + "\n");
  console.log(`wrote ${path}`);
  return 0;
}
