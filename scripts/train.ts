/**
 * `deno task train`: the book's memory-capacity experiment — every (cell, length, seed) job
 * trained under the book's protocol across Web Workers, with resumable checkpoints, and the
 * book's results table at the end; with `--task adding|copy`, the same grid on a generated task
 * (docs/tasks.md), ending with the task's table against its baseline.
 */
import { join } from "node:path";
import { runMain } from "../lib/cli.ts";
import { cellOptionsOf, TRAIN, trainOptions } from "../lib/flags/train.ts";
import { jobConfigs, PRESETS } from "../lib/train/config.ts";
import { type JobData, readJobData } from "../lib/train/job_data.ts";
import { parseShard } from "../lib/train/shard.ts";
import { endTrainRun } from "./run_end.ts";
import { checkGridFolder, gridConfig, type GridRun, trainGrid } from "./train_grid.ts";

await runMain(TRAIN, async ({ flags }) => {
  const presetName = flags.preset;
  const options = trainOptions(flags, PRESETS[presetName]);
  const { lengths, cells, seeds, data: dataDir, resume } = flags;
  const out = flags.out ?? defaultOut();
  const workers = flags.workers ?? navigator.hardwareConcurrency;
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const config = gridConfig(presetName, options, { cells, lengths, seeds }, dataDir);
  const run: GridRun = { config, out, workers, resume, shard };

  // Read every data set first: a bad file stops the run before anything is written.
  const data = new Map<number, JobData>();
  const generated = flags.task !== "digit-sum"; // a fresh batch per step: no data files
  if (!generated) {
    for (const length of lengths) data.set(length, await readJobData(dataDir, length));
  }
  await checkGridFolder(run);

  const configs = jobConfigs(cells, lengths, seeds, options, cellOptionsOf(flags));
  return await trainGrid(run, configs, data, "", (finished) => endTrainRun(out, finished));
});

function defaultOut(): string {
  const now = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return join("runs", `train-${now}`);
}
