/**
 * `deno task capacity`: the memory-capacity study — how long a sequence can each cell remember?
 * Generates any missing data with the book's generator, trains every (cell, length, seed) job
 * with early stopping across Web Workers (resumable), and writes `capacity.csv`, the `capacity`
 * figure and `capacity.md` (each cell's memory and overall capacity, and its accuracies per
 * length). `--study default|chrono|extended` picks a named grid (`CAPACITY_STUDIES`: its cells,
 * lengths, seeds, gate-bias initialisation and run folder); explicit flags override it.
 *
 * Each job uses the preset's options (default `capacity`: the recommended options with lr 0.003,
 * at most 300 epochs, and early stopping as soon as dev accuracy reaches 1.0, or after
 * `--patience 20` evaluations without a strictly better dev accuracy — 2000 steps at an
 * evaluation every 100 — once `--min-epochs 150` are done); `--patience 0` trains every epoch.
 * Missing data: a book length (5, 10, …, 35) gets the book's own files, any other length L
 * `generateBookDatasets({ lengths: [L] })`, as `deno task gen-data --lengths L` writes it.
 *
 * A task study (`--study copy|copy-chrono|adding|adding-chrono`, or `--task adding|copy` with any
 * grid) trains each job `--steps` steps on fresh batches with the task options (docs/tasks.md)
 * and writes `tasks.csv`, the `capacity` figure (test loss over the baseline against T) and
 * `capacity.md` (each cell's capacity: the longest T with a mean test loss at most a tenth of the
 * baseline's).
 */
import { join } from "node:path";
import { runMain } from "../lib/cli.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import {
  cellOptionsOf,
  INIT_FLAGS,
  TRAIN,
  TRAIN_PRESETS,
  trainOptions,
} from "../lib/flags/train.ts";
import { ensureBookData } from "../lib/io/book_data.ts";
import {
  CAPACITY_STUDIES,
  type CapacityStudy,
  type CapacityStudyName,
} from "../lib/train/capacity.ts";
import { CAPACITY_PRESET, jobConfigs, PRESETS } from "../lib/train/config.ts";
import { type JobData, readJobData } from "../lib/train/job_data.ts";
import { parseShard } from "../lib/train/shard.ts";
import { endCapacityRun } from "./run_end.ts";
import { checkGridFolder, gridConfig, type GridRun, trainGrid } from "./train_grid.ts";

const D = CAPACITY_STUDIES.default;
const T = TRAIN.flags;
const P = CAPACITY_PRESET;

/** The declaration of `deno task capacity`: train's flags, with the study's grid as defaults. */
const CAPACITY = {
  name: "deno task capacity",
  flags: declareFlags({
    study: {
      type: "choice",
      choices: Object.keys(CAPACITY_STUDIES) as CapacityStudyName[],
      default: "default",
      help: "the named grid: cells, lengths, seeds, gate biases and run folder",
    },
    task: {
      ...T.task,
      default: undefined,
      help: "the task (default: the study's; digit-sum for default, chrono and extended)",
    },
    steps: {
      ...T.steps,
      arg: "N",
      help: "training steps of a task study's jobs (default: the study's)",
    },
    cells: { ...T.cells, default: undefined, arg: D.cells.join(","), help: "the study's cells" },
    lengths: {
      ...T.lengths,
      default: undefined,
      arg: D.lengths.join(","),
      help: "the study's lengths",
    },
    seeds: { ...T.seeds, default: undefined, arg: D.seeds.join(","), help: "the study's seeds" },
    preset: {
      type: "choice",
      choices: ["capacity", ...TRAIN_PRESETS],
      default: "capacity",
      help: "every job's options (lib/train/config.ts)",
    },
    epochs: { ...T.epochs, arg: String(P.epochs) },
    patience: { ...T.patience, arg: String(P.patience) },
    "min-epochs": { ...T["min-epochs"], arg: String(P.minEpochs) },
    ...INIT_FLAGS,
    data: T.data,
    out: { ...T.out, arg: D.out, help: "the run folder (default: the study's)" },
    workers: T.workers,
    resume: T.resume,
    shard: T.shard,
  }),
} as const;

await runMain(CAPACITY, async ({ flags }) => {
  const presetName = flags.preset;
  const study: CapacityStudy = CAPACITY_STUDIES[flags.study];
  const task = flags.task ?? study.task ?? "digit-sum";
  const generated = task !== "digit-sum";
  const steps = flags.steps ?? (generated ? study.steps : undefined);
  const options = trainOptions({ ...flags, task, steps }, PRESETS[presetName], study.gateInit);
  const cells = flags.cells ?? [...study.cells];
  const lengths = flags.lengths ?? [...study.lengths];
  const seeds = flags.seeds ?? [...study.seeds];
  const { data: dataDir, resume } = flags;
  const out = flags.out ?? study.out;
  const workers = flags.workers ?? navigator.hardwareConcurrency;
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);

  const config = {
    study: "capacity",
    ...gridConfig(presetName, options, { cells, lengths, seeds }, dataDir),
  };
  const run: GridRun = { config, out, workers, resume, shard };
  // Check the run folder before writing anything (data included).
  await checkGridFolder(run);

  // Read every data set first: a bad file stops the run before training starts.
  const data = new Map<number, JobData>();
  if (!generated) { // a task draws a fresh batch per step: no data files
    await ensureBookData(dataDir, lengths, ({ length, written }) =>
      console.log(
        `generated ${
          join(dataDir, String(length))
        }/ (${written.length} files) with the book's generator`,
      ));
    for (const length of lengths) data.set(length, await readJobData(dataDir, length));
  }

  const stopping = generated
    ? ""
    : options.patience > 0
    ? `early stopping: patience ${options.patience} evaluations = ` +
      `${options.patience * options.evalSteps} steps after epoch ${options.minEpochs} ` +
      `once above chance, or dev accuracy 1.0`
    : "early stopping off";
  const configs = jobConfigs(cells, lengths, seeds, options, cellOptionsOf(flags));
  const settings = { ...options, preset: presetName, seeds };
  return await trainGrid(
    run,
    configs,
    data,
    stopping,
    (finished) => endCapacityRun(out, finished, settings),
  );
});
