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
 */
import { join } from "node:path";
import {
  choiceFlag,
  choiceListFlag,
  intFlag,
  intListFlag,
  parseFlags,
  pathFlag,
  runMain,
} from "../lib/cli.ts";
import { ensureBookData } from "../lib/data/book_files.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { CELL_KINDS } from "../lib/model/config.ts";
import {
  CAPACITY_DEFAULTS,
  CAPACITY_STUDIES,
  type CapacityStudyName,
} from "../lib/train/capacity.ts";
import { jobConfigs, PRESETS } from "../lib/train/config.ts";
import { formatConfig, type RunConfig } from "../lib/run/config.ts";
import { checkRunFolder } from "../lib/run/read.ts";
import { type JobData, readJobData } from "../lib/train/job_data.ts";
import { parseShard, shardJobs } from "../lib/train/shard.ts";
import { trainRun } from "../lib/train/train_run.ts";
import { endCapacityRun, endShard } from "./run_end.ts";
import {
  cellOptionsOf,
  INIT_FLAG_SPECS,
  INIT_FLAG_USAGE,
  initFlagOptions,
} from "../lib/train/init_flags.ts";

const D = CAPACITY_DEFAULTS;
const STUDIES = Object.keys(CAPACITY_STUDIES) as CapacityStudyName[];
const USAGE = `deno task capacity [--study ${STUDIES.join("|")}] ` +
  `[--cells ${D.cells.join(",")}] [--lengths ${D.lengths.join(",")}] ` +
  `[--seeds ${D.seeds.join(",")}] [--preset capacity|recommended|book|blog] [--epochs 300] ` +
  `[--patience 20] [--min-epochs 150] ${INIT_FLAG_USAGE} [--data datasets] [--out runs/capacity] ` +
  `[--workers N] [--resume] [--shard K/N]`;

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, {
    study: { type: "string" },
    cells: { type: "string" },
    lengths: { type: "string" },
    seeds: { type: "string" },
    preset: { type: "string" },
    epochs: { type: "string" },
    patience: { type: "string" },
    "min-epochs": { type: "string" },
    data: { type: "string" },
    out: { type: "string" },
    workers: { type: "string" },
    resume: { type: "boolean" },
    shard: { type: "string" },
    ...INIT_FLAG_SPECS,
  });
  const presetName = choiceFlag(
    flags,
    "preset",
    Object.keys(PRESETS) as (keyof typeof PRESETS)[],
    "capacity",
  );
  const preset = PRESETS[presetName];
  const study = CAPACITY_STUDIES[choiceFlag(flags, "study", STUDIES, "default")];
  const options = {
    ...preset,
    epochs: intFlag(flags, "epochs", preset.epochs, 1, 1_000_000),
    patience: intFlag(flags, "patience", preset.patience, 0),
    minEpochs: intFlag(flags, "min-epochs", preset.minEpochs, 0),
    ...initFlagOptions(flags, study.gateInit),
  };
  const cells = choiceListFlag(flags, "cells", CELL_KINDS, study.cells);
  const lengths = intListFlag(flags, "lengths", study.lengths, 3, 100_000);
  const seeds = intListFlag(flags, "seeds", study.seeds, 0, 0xffffffff);
  const dataDir = pathFlag(flags, "data", "datasets");
  const out = pathFlag(flags, "out", study.out);
  const workers = intFlag(flags, "workers", navigator.hardwareConcurrency, 1, 256);
  const resume = flags.resume === true;
  const shard = flags.shard === undefined ? undefined : parseShard(pathFlag(flags, "shard"));

  // Check the run folder before writing anything (data included).
  const runConfig: RunConfig = {
    study: "capacity",
    preset: presetName,
    ...options,
    cells,
    lengths,
    seeds,
    data: dataDir,
  };
  // shards may share one folder: the run's config.json is the same for all of them
  await checkRunFolder(out, runConfig, resume || shard !== undefined);

  await ensureBookData(dataDir, lengths, ({ length, written }) =>
    console.log(
      `generated ${
        join(dataDir, String(length))
      }/ (${written.length} files) with the book's generator`,
    ));
  // Read every data set first: a bad file stops the run before training starts.
  const data = new Map<number, JobData>();
  for (const length of lengths) data.set(length, await readJobData(dataDir, length));
  await writeFileAtomic(join(out, "config.json"), formatConfig(runConfig));

  const stopping = options.patience > 0
    ? `early stopping: patience ${options.patience} evaluations = ` +
      `${options.patience * options.evalSteps} steps after epoch ${options.minEpochs} ` +
      `once above chance, or dev accuracy 1.0`
    : "early stopping off";
  const configs = jobConfigs(cells, lengths, seeds, options, cellOptionsOf(flags));
  const mine = shard ? shardJobs(configs, shard) : configs;
  const note = shard ? `shard ${shard.index}/${shard.count} of ${configs.length} jobs; ` : "";
  const { finished, interrupted } = await trainRun(
    mine,
    data,
    out,
    { workers, resume },
    note + stopping,
  );
  if (interrupted) return 130;
  if (shard) return endShard(shard, out, finished);
  return await endCapacityRun(out, finished, { ...options, preset: presetName, seeds });
});
