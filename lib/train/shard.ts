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
import { CELL_KINDS, type CellKind } from "../model/config.ts";
import { jobName, type TrainConfig } from "./config.ts";
import { type JobResult, readJobResult } from "./job.ts";
import { jobCost } from "./pool.ts";
import { reportDiverged } from "./run_outputs.ts";

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
 * import { parseShard } from "./shard.ts";
 * console.log(parseShard("2/3")); // { index: 2, count: 3 }
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
 * import { BOOK_PRESET, jobConfigs, shardJobs } from "../../mod.ts";
 * const jobs = jobConfigs(["lstm"], [10, 20, 30], [0], BOOK_PRESET);
 * console.log(shardJobs(jobs, { index: 1, count: 2 }).map((j) => j.length)); // [30]
 * console.log(shardJobs(jobs, { index: 2, count: 2 }).map((j) => j.length)); // [10, 20]
 * ```
 */
export function shardJobs<T extends TrainConfig>(jobs: readonly T[], shard: Shard): T[] {
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

/**
 * What a shard prints when its jobs are done (no summary: that needs every shard); the exit code,
 * 1 when one of its jobs diverged.
 *
 * @example
 * ```ts ignore
 * return shardDone({ index: 2, count: 3 }, "runs/part-2", finished);
 * ```
 */
export function shardDone(shard: Shard, out: string, finished: readonly JobResult[]): number {
  console.log(
    `shard ${shard.index}/${shard.count}: ${finished.length} job(s) finished in ${out}/; once every ` +
      `shard is done: deno task merge --out runs/NAME <the shards' folders> ` +
      `(or deno task merge ${out} when they share it)`,
  );
  return reportDiverged(finished);
}

/** What {@linkcode mergeRuns} gathered. */
export interface MergedRun {
  /** The run's config.json, parsed. */
  config: Record<string, unknown>;
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
  const configText = await readRunConfig(inputs[0]!);
  for (const input of inputs.slice(1)) {
    if (await readRunConfig(input) !== configText) {
      throw new UserError(
        `${join(input, "config.json")} differs from ${
          join(inputs[0]!, "config.json")
        }; only shards of one run merge`,
      );
    }
  }
  if (!inputs.some((input) => resolve(input) === resolve(out))) {
    const existing = await Deno.readTextFile(join(out, "config.json")).catch(() => null);
    if (existing !== null && existing !== configText) {
      throw new UserError(`${out} already holds another run; choose another --out`);
    }
  }
  let config: Record<string, unknown> | null = null;
  try {
    config = JSON.parse(configText);
  } catch { /* refused below */ }
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new UserError(
      `${join(inputs[0]!, "config.json")}: not a JSON object; expected a run's config`,
    );
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
    results.push(readJobResult(resultPath, await Deno.readTextFile(resultPath)));
  }
  for (const name of names) {
    const from = join(found.get(name)!, name);
    const to = join(out, name);
    if (resolve(from) !== resolve(to)) await copyJob(from, to);
  }
  await writeFileAtomic(join(out, "config.json"), configText);
  return { config, results };
}

async function readRunConfig(dir: string): Promise<string> {
  try {
    return await Deno.readTextFile(join(dir, "config.json"));
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
function jobNamesOf(config: Record<string, unknown>, path: string): string[] {
  const { cells, lengths, seeds } = config as { cells: unknown; lengths: unknown; seeds: unknown };
  const list = <T>(v: unknown, ok: (x: unknown) => boolean): T[] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every(ok)) {
      throw new UserError(
        `${path}: cells, lengths and seeds must be lists; expected a run's config`,
      );
    }
    return v as T[];
  };
  const isCell = (x: unknown) => CELL_KINDS.includes(x as CellKind);
  const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  return list<CellKind>(cells, isCell).flatMap((cell) =>
    list<number>(lengths, isCount).flatMap((length) =>
      list<number>(seeds, isCount).map((seed) => jobName({ cell, length, seed }))
    )
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
