/**
 * Shards for batch engines: `--shard K/N` runs the K-th of N deterministic, balanced slices of a
 * run's job list (a Slurm job-array task, a Kubernetes Indexed Job pod), and
 * {@linkcode mergeRuns} rebuilds one run folder from the shards' folders (or checks the folder
 * they shared).
 *
 * The slices: the jobs sorted longest first by {@linkcode jobCost} (ties by job name), each then
 * given to the shard with the least cost so far (ties: the lowest K) — the greedy
 * "longest processing time" rule. It depends only on the job list, so every shard computes the
 * same slices without talking to the others.
 * @module
 */

import { join, resolve } from "node:path";
import { UsageError, UserError } from "../errors.ts";
import { makeDir, writeFileAtomic } from "../io/atomic.ts";
import {
  formatConfig,
  type JobConfig,
  parseRunConfig,
  type RunConfig,
  sameConfig,
} from "../run/config.ts";
import { jobName } from "../run/job_name.ts";
import { type JobResult, parseJobResult } from "../run/result.ts";
import { jobCost } from "./pool.ts";

/** One shard: the K-th (1-based) of N. */
export interface Shard {
  /** K, from 1 to `count`. */
  index: number;
  /** N. */
  count: number;
}

/**
 * Parse `K/N` (1 ≤ K ≤ N ≤ 10000), throwing a {@linkcode UsageError} otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseShard } from "./shard.ts";
 * assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
 * ```
 */
export function parseShard(raw: string): Shard {
  const match = /^(\d{1,5})\/(\d{1,5})$/.exec(raw);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count > 10000 || index > count) {
    throw new UsageError(`--shard expects K/N with 1 <= K <= N <= 10000, got "${raw}"`);
  }
  return { index, count };
}

/**
 * The jobs of `shard`, in the order given (see the module doc for how they are chosen).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_PRESET, jobConfigs } from "../../mod.ts";
 * import { shardJobs } from "./shard.ts";
 * const jobs = jobConfigs(["lstm"], [10, 20, 30], [0], BOOK_PRESET);
 * assert.deepEqual(shardJobs(jobs, { index: 1, count: 2 }).map((j) => j.length), [30]);
 * assert.deepEqual(shardJobs(jobs, { index: 2, count: 2 }).map((j) => j.length), [10, 20]);
 * ```
 */
export function shardJobs<T extends JobConfig>(jobs: readonly T[], shard: Shard): T[] {
  const order = jobs.map((_, i) => i).sort((a, b) =>
    jobCost(jobs[b]!) - jobCost(jobs[a]!) ||
    (jobName(jobs[a]!) < jobName(jobs[b]!) ? -1 : jobName(jobs[a]!) > jobName(jobs[b]!) ? 1 : 0)
  );
  const load = new Array<number>(shard.count).fill(0);
  const mine = new Set<number>();
  for (const i of order) {
    const least = load.indexOf(Math.min(...load));
    load[least]! += jobCost(jobs[i]!);
    if (least === shard.index - 1) mine.add(i);
  }
  return jobs.filter((_, i) => mine.has(i));
}

/** What {@linkcode mergeRuns} gathered. */
export interface MergedRun {
  /** The run's config.json, parsed. */
  config: RunConfig;
  /** Every job's result, in the run's job order. */
  results: JobResult[];
}

/**
 * Gather the shards' folders `inputs` into `out`: every input must hold the same config.json;
 * every job of that config must have finished in one of them (its `result.json`); each job
 * folder is copied to `out` (unless it is already there) and `out/config.json` written. Returns
 * the config and the results, for the caller to write the summary files.
 *
 * @example
 * ```ts ignore
 * const { config, results } = await mergeRuns(["runs/part-1", "runs/part-2"], "runs/all");
 * ```
 */
export async function mergeRuns(inputs: readonly string[], out: string): Promise<MergedRun> {
  if (inputs.length === 0) throw new UsageError("name the shards' run folders to merge");
  const config = await readShardConfig(inputs[0]!);
  for (const input of inputs.slice(1)) {
    if (!sameConfig(await readShardConfig(input), config)) {
      throw new UserError(
        `${join(input, "config.json")} differs from ${
          join(inputs[0]!, "config.json")
        }; only shards of one run merge`,
      );
    }
  }
  if (!inputs.some((input) => resolve(input) === resolve(out))) {
    const path = join(out, "config.json");
    const existing = await Deno.readTextFile(path).catch(() => null);
    if (existing !== null && !sameConfig(parseRunConfig(existing, path), config)) {
      throw new UserError(`${out} already holds another run; choose another --out`);
    }
  }
  const names = jobNamesOf(config, join(inputs[0]!, "config.json"));
  const found = new Map<string, string>(); // job name → the input folder holding its result
  for (const name of names) {
    for (const input of inputs) {
      if (await exists(join(input, name, "result.json"))) {
        found.set(name, input);
        break;
      }
    }
  }
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(", ") + (missing.length > 5 ? ", …" : "");
    throw new UserError(
      `${missing.length} of ${names.length} jobs have no result.json in ${
        inputs.join(", ")
      } (${shown}); run or --resume their shards first`,
    );
  }
  // every result is checked before anything is written into `out`
  const results: JobResult[] = [];
  for (const name of names) {
    const resultPath = join(found.get(name)!, name, "result.json");
    results.push(parseJobResult(await Deno.readTextFile(resultPath), resultPath));
  }
  for (const name of names) {
    const from = join(found.get(name)!, name);
    const to = join(out, name);
    if (resolve(from) !== resolve(to)) await copyJob(from, to);
  }
  await writeFileAtomic(join(out, "config.json"), formatConfig(config));
  return { config, results };
}

/** A shard's run config; a folder without one is a {@linkcode UserError}. */
async function readShardConfig(dir: string): Promise<RunConfig> {
  const path = join(dir, "config.json");
  try {
    return parseRunConfig(await Deno.readTextFile(path), path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(
        `${dir}: no config.json; expected a run folder written by train or capacity`,
      );
    }
    throw err;
  }
}

/** The job names of a run config (its cells × lengths × seeds). */
function jobNamesOf(config: RunConfig, path: string): string[] {
  const { cells, lengths, seeds } = config;
  if (!cells || !lengths || !seeds) {
    throw new UserError(`${path}: cells, lengths and seeds must be lists; expected a run's config`);
  }
  return cells.flatMap((cell) =>
    lengths.flatMap((length) => seeds.map((seed) => jobName({ cell, length, seed })))
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Copy a job folder's files (not temporary ones) into `to`, each atomically. */
async function copyJob(from: string, to: string): Promise<void> {
  await makeDir(to);
  for await (const entry of Deno.readDir(from)) {
    if (!entry.isFile || entry.name.endsWith(".tmp")) continue;
    await writeFileAtomic(join(to, entry.name), await Deno.readFile(join(from, entry.name)));
  }
}
