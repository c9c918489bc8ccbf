/**
 * `deno task train`: the book's memory-capacity experiment — every (cell, length, seed) job
 * trained under the book's protocol across Web Workers, with resumable checkpoints, and the
 * book's results table at the end.
 */
import { join } from "node:path";
import { runMain } from "../lib/cli.ts";
import { cellOptionsOf, TRAIN, trainOptions } from "../lib/flags/train.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { jobConfigs, PRESETS } from "../lib/train/config.ts";
import { formatConfig, type RunConfig } from "../lib/run/config.ts";
import { checkRunFolder } from "../lib/run/read.ts";
import { type JobData, readJobData } from "../lib/train/job_data.ts";
import { parseShard, shardJobs } from "../lib/train/shard.ts";
import { trainRun } from "../lib/train/train_run.ts";
import { endShard, endTrainRun } from "./run_end.ts";

await runMain(TRAIN, async ({ flags }) => {
  const presetName = flags.preset;
  const options = trainOptions(flags, PRESETS[presetName]);
  const { lengths, cells, seeds, data: dataDir, resume } = flags;
  const out = flags.out ?? defaultOut();
  const workers = flags.workers ?? navigator.hardwareConcurrency;
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);

  // Read every data set first: a bad file stops the run before anything is written.
  const data = new Map<number, JobData>();
  for (const length of lengths) data.set(length, await readJobData(dataDir, length));

  const runConfig: RunConfig = {
    preset: presetName,
    ...options,
    cells,
    lengths,
    seeds,
    data: dataDir,
  };
  // shards may share one folder: the run's config.json is the same for all of them
  await checkRunFolder(out, runConfig, resume || shard !== undefined);
  await writeFileAtomic(join(out, "config.json"), formatConfig(runConfig));

  const configs = jobConfigs(cells, lengths, seeds, options, cellOptionsOf(flags));
  const mine = shard ? shardJobs(configs, shard) : configs;
  const note = shard ? `shard ${shard.index}/${shard.count} of ${configs.length} jobs` : "";
  const { finished, interrupted } = await trainRun(mine, data, out, { workers, resume }, note);
  if (interrupted) return 130;
  if (shard) return endShard(shard, out, finished);
  return await endTrainRun(out, finished);
});

function defaultOut(): string {
  const now = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return join("runs", `train-${now}`);
}
