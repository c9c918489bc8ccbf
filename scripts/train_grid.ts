/**
 * How `train` and `capacity` run their grid of jobs (not a task of its own): the run's
 * `config.json` checked against the run folder before anything is written, then written, this
 * shard's share of the jobs trained across Web Workers, and the shard's or the run's end.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import {
  formatConfig,
  type JobConfig,
  type JobOptions,
  type RunConfig,
} from "../lib/run/config.ts";
import { checkRunFolder } from "../lib/run/read.ts";
import type { JobResult } from "../lib/run/result.ts";
import type { JobData } from "../lib/train/job_data.ts";
import { type Shard, shardJobs } from "../lib/train/shard.ts";
import { trainRun } from "../lib/train/train_run.ts";
import { endShard } from "./run_end.ts";

/** Where and how a grid runs. */
export interface GridRun {
  /** The run's `config.json` (see {@linkcode gridConfig}). */
  config: RunConfig;
  /** The run folder. */
  out: string;
  /** How many Web Workers train at once. */
  workers: number;
  /** Continue the run in `out`. */
  resume: boolean;
  /** The share of the jobs this process trains, if any. */
  shard?: Shard;
}

/** A training run's `config.json`: the preset's name and options, the grid and the data folder. */
export function gridConfig(
  preset: string,
  options: JobOptions,
  grid: Pick<RunConfig, "cells" | "lengths" | "seeds">,
  data: string,
): RunConfig {
  return { preset, ...options, cells: grid.cells, lengths: grid.lengths, seeds: grid.seeds, data };
}

/** Refuses a run folder that holds a run, unless resuming the same one (before anything is written). */
export function checkGridFolder({ out, config, resume, shard }: GridRun): Promise<void> {
  // shards may share one folder: the run's config.json is the same for all of them
  return checkRunFolder(out, config, resume || shard !== undefined);
}

/**
 * Writes the run's `config.json`, trains this shard's share of `configs` (`note` follows the
 * shard's own on the progress line), and ends: 130 when interrupted, the shard's end for a shard,
 * else `end` with the finished jobs. The exit code.
 */
export async function trainGrid(
  run: GridRun,
  configs: JobConfig[],
  data: Map<number, JobData>,
  note: string,
  end: (finished: JobResult[]) => Promise<number>,
): Promise<number> {
  const { out, workers, resume, shard } = run;
  await writeFileAtomic(join(out, "config.json"), formatConfig(run.config));
  const mine = shard ? shardJobs(configs, shard) : configs;
  const notes = [
    shard ? `shard ${shard.index}/${shard.count} of ${configs.length} jobs` : "",
    note,
  ];
  const progressNote = notes.filter((n) => n !== "").join("; ");
  const { finished, interrupted } = await trainRun(
    mine,
    data,
    out,
    { workers, resume },
    progressNote,
  );
  if (interrupted) return 130;
  if (shard) return endShard(shard, out, finished);
  return await end(finished);
}
