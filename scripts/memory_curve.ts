/**
 * `deno task memory-curve`: the memory curve r²(k) and memory capacity MC = Σ r²(k) of a trained
 * checkpoint or of an untrained network (lib/analysis/memory_curve.ts), as CSV, JSON and a figure.
 *
 * Without `--out`, a checkpoint's files go beside it and an untrained network's into
 * `runs/memory-curve/<cell>-h<hidden>-s<seed>/`.
 */
import { basename, dirname, join } from "node:path";
import { choiceFlag, intFlag, parseFlags, pathFlag, runMain } from "../lib/cli.ts";
import { UsageError } from "../lib/errors.ts";
import { modelMemoryCurve } from "../lib/analysis/memory_curve.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { CELL_KINDS } from "../lib/model/config.ts";
import { GATE_INITS } from "../lib/model/init.ts";
import { memoryCurveSpec } from "../lib/plot/memory_curve_spec.ts";
import { renderFigure } from "../lib/plot/render.ts";
import { CAPACITY_PRESET, IRNN_SETTINGS, jobConfigs } from "../lib/train/config.ts";
import { initialModel } from "../lib/train/gradflow.ts";

const USAGE =
  "deno task memory-curve (--checkpoint FILE | --cell lstm|gru|srn|irnn [--hidden 32] " +
  "[--seed 0] [--gate-init constant|chrono]) [--length 100] [--delays K] [--sequences 4000] " +
  "[--target one-hot|value] [--digit-seed 0] [--out DIR]";

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, {
    checkpoint: { type: "string" },
    cell: { type: "string" },
    hidden: { type: "string" },
    seed: { type: "string" },
    "gate-init": { type: "string" },
    length: { type: "string" },
    delays: { type: "string" },
    sequences: { type: "string" },
    "digit-seed": { type: "string" },
    target: { type: "string" },
    out: { type: "string" },
  });
  const length = intFlag(flags, "length", 100, 2, 100_000);
  const delays = intFlag(flags, "delays", length, 1, length);
  const sequences = intFlag(flags, "sequences", 4000, 8, 10_000_000);
  const digitSeed = intFlag(flags, "digit-seed", 0, 0, 0xffffffff);
  const target = choiceFlag(flags, "target", ["one-hot", "value"] as const, "one-hot");
  const checkpoint = flags.checkpoint === undefined ? null : pathFlag(flags, "checkpoint");
  if ((checkpoint === null) === (flags.cell === undefined)) {
    throw new UsageError("give either --checkpoint FILE or --cell CELL");
  }
  let model, what, out;
  if (checkpoint !== null) {
    for (const flag of ["hidden", "seed", "gate-init"]) {
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} is for an untrained --cell`);
    }
    ({ model } = await loadCheckpoint(checkpoint));
    what = `${basename(dirname(checkpoint))}/${basename(checkpoint)}`;
    out = pathFlag(flags, "out", dirname(checkpoint));
  } else {
    const cell = choiceFlag(flags, "cell", CELL_KINDS, "lstm");
    const hidden = intFlag(flags, "hidden", CAPACITY_PRESET.hidden, 1, 4096);
    const seed = intFlag(flags, "seed", 0, 0, 0xffffffff);
    const gateInit = choiceFlag(flags, "gate-init", GATE_INITS, "constant");
    const options = { ...CAPACITY_PRESET, hidden, gateInit };
    const [config] = jobConfigs([cell], [length], [seed], options, { irnn: IRNN_SETTINGS });
    model = initialModel(config!);
    const name = `${cell}-h${hidden}-s${seed}`;
    what = `an untrained ${cell.toUpperCase()} (${name}${gateInit === "chrono" ? ", chrono" : ""})`;
    out = pathFlag(flags, "out", join("runs", "memory-curve", name));
  }
  const curve = modelMemoryCurve(model, { length, delays, sequences, seed: digitSeed, target });
  const csv = "delay,r2\n" + curve.r2.map((r2, k) => `${k},${r2}`).join("\n") + "\n";
  const json = { source: checkpoint ?? what, target, length, sequences, digitSeed, ...curve };
  await writeFileAtomic(join(out, "memory_curve.csv"), csv);
  await writeFileAtomic(join(out, "memory_curve.json"), JSON.stringify(json, null, 2) + "\n");
  const figure = await renderFigure(memoryCurveSpec(curve, what));
  for (const w of figure.warnings) console.error(`note: memory-curve figure: ${w}`);
  await writeFileAtomic(join(out, "memory_curve.svg"), figure.svg);
  await writeFileAtomic(join(out, "memory_curve.png"), figure.png);
  const half = curve.r2.findIndex((r2) => r2 < 0.5);
  console.log(
    `memory capacity ${curve.capacity.toFixed(2)}, at most ${curve.bound.toFixed(2)} ` +
      `(${curve.units} units, ${target} digits) over delays 0–${delays - 1}` +
      (half >= 0 ? `; r² first below 0.5 at delay ${half}` : "; r² ≥ 0.5 at every delay"),
  );
  console.log(`wrote ${join(out, "memory_curve")}.csv, .json, .svg and .png`);
  return 0;
});
