/**
 * Reading a run folder — the one way every reader (plots, report, analysis, eval, serve, merge,
 * resume) finds a run's files:
 *
 * ```text
 * runs/NAME/config.json                        the run's own configuration (RunConfig)
 * runs/NAME/summary.csv, summary.json          one row per job (train), or
 * runs/NAME/capacity.csv                       one row per job (capacity)
 * runs/NAME/<cell>-L<len>-s<seed>/config.json  that job's configuration (JobConfig)
 * runs/NAME/<cell>-L<len>-s<seed>/metrics.csv  step,epoch,train_loss,dev_loss,dev_acc
 * runs/NAME/<cell>-L<len>-s<seed>/result.json  how the job ended (JobResult), once finished
 * runs/NAME/<cell>-L<len>-s<seed>/best.safetensors, last.safetensors   checkpoints
 * ```
 *
 * Anything missing or malformed is a {@linkcode UserError} of one line that names the file (and
 * line), e.g. `runs/x: summary.csv is missing; run deno task train first`.
 * @module
 */

import { join } from "node:path";
import { UserError } from "../errors.ts";
import {
  parseJobConfig,
  parseRunConfig,
  type RunConfig,
  sameConfig,
  type StoredJobConfig,
} from "./config.ts";
import { jobName, parseJobName } from "./job_name.ts";
import { type MetricsRow, parseMetrics } from "./metrics.ts";
import { parseSummaryCsv, type SummaryRow } from "./summary.ts";

/** One job folder of a run. */
export interface RunJob {
  /** The folder's name, e.g. `lstm-L10-s0`. */
  name: string;
  /** Its path. */
  dir: string;
  /** Its `config.json`. */
  config: StoredJobConfig;
}

/** A job of a finished run with its results: what the plots and the report draw. */
export interface JobRecord extends RunJob {
  /** The job's row of `summary.csv`. */
  summary: SummaryRow;
  /** Its `metrics.csv`, one row per step (none for an imported model). */
  metrics: MetricsRow[];
}

/** A finished run read by {@linkcode readRun}. */
export interface RunData {
  /** The run folder as given (without a trailing slash). */
  dir: string;
  /** The run folder's last path component. */
  name: string;
  /** The run's own `config.json`. */
  config: RunConfig;
  /** The rows of `summary.csv`, sorted by cell (lstm, gru, srn, irnn), length, seed. */
  summary: SummaryRow[];
  /** One entry per summary row, in the same order. */
  jobs: JobRecord[];
}

/** A run file's text; `hint` ends the message when it is missing. */
async function readText(dir: string, rel: string, hint = ""): Promise<string> {
  try {
    return await Deno.readTextFile(join(dir, rel));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`${dir}: ${rel} is missing${hint}`);
    }
    if (err instanceof Deno.errors.IsADirectory) {
      throw new UserError(`${dir}: ${rel} is a folder, not a file`);
    }
    throw err;
  }
}

/** The folder `dir` without trailing slashes; a missing one is a {@linkcode UserError}. */
async function runFolder(dir: string): Promise<string> {
  const root = dir.length > 1 ? dir.replace(/\/+$/, "") : dir;
  try {
    if (!(await Deno.stat(root)).isDirectory) throw new UserError(`${root}: is not a folder`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`${root}: no such run folder; run deno task train first`);
    }
    throw err;
  }
  return root;
}

/**
 * A run's own `config.json`, of any format version.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRunConfig } from "./read.ts";
 * const config = await readRunConfig("tests/fixtures/run_analysis/book");
 * assert.deepEqual([config.preset, config.lengths], ["book", [5, 10]]);
 * ```
 */
export async function readRunConfig(run: string): Promise<RunConfig> {
  return parseRunConfig(await readText(run, "config.json"), `${run}: config.json`);
}

/**
 * The job folders of a run (`<cell>-L<len>-s<seed>` holding a `config.json`), sorted by name; a
 * missing run folder, or one without jobs, is a {@linkcode UserError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listJobs } from "./read.ts";
 * const jobs = await listJobs("tests/fixtures/run_analysis/default");
 * assert.deepEqual(jobs.map((j) => j.name), ["lstm-L10-s0", "lstm-L10-s1", "lstm-L5-s0", "lstm-L5-s1"]);
 * ```
 */
export async function listJobs(run: string): Promise<RunJob[]> {
  const root = await runFolder(run);
  const jobs: RunJob[] = [];
  for await (const entry of Deno.readDir(root)) {
    if (!entry.isDirectory || parseJobName(entry.name) === null) continue;
    const dir = join(root, entry.name);
    const rel = join(entry.name, "config.json");
    jobs.push({
      name: entry.name,
      dir,
      config: parseJobConfig(await readText(root, rel), `${root}: ${rel}`),
    });
  }
  if (jobs.length === 0) {
    throw new UserError(`${root}: holds no job folders (<cell>-L<len>-s<seed>)`);
  }
  return jobs.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Read and check a whole finished run: its config, `summary.csv`, and each listed job's
 * `config.json` and `metrics.csv`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRun } from "./read.ts";
 * const run = await readRun("tests/fixtures/run_small");
 * assert.deepEqual([run.name, run.jobs.length, run.jobs[0]!.name], ["run_small", 8, "lstm-L5-s0"]);
 * ```
 */
export async function readRun(dir: string): Promise<RunData> {
  const root = await runFolder(dir);
  const summaryText = await readText(root, "summary.csv", "; run deno task train first");
  const summary = parseSummaryCsv(summaryText, `${root}: summary.csv`);
  const config = await readRunConfig(root);
  const jobs: JobRecord[] = [];
  for (const row of summary) {
    const name = jobName(row);
    const hint = ` (summary.csv lists job ${name})`;
    const metricsRel = join(name, "metrics.csv");
    const metrics = parseMetrics(await readText(root, metricsRel, hint), `${root}: ${metricsRel}`);
    const configRel = join(name, "config.json");
    const jobConfig = parseJobConfig(
      await readText(root, configRel, hint),
      `${root}: ${configRel}`,
    );
    jobs.push({ name, dir: join(root, name), config: jobConfig, summary: row, metrics });
  }
  return { dir: root, name: root.split("/").pop() || root, config, summary, jobs };
}

/**
 * The data folder a run was trained on (its `config.json`'s `data`), or `datasets` when the run
 * does not say or has no readable config.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runDataDir } from "./read.ts";
 * assert.equal(await runDataDir("tests/fixtures/run_small"), "datasets");
 * ```
 */
export async function runDataDir(run: string): Promise<string> {
  try {
    return (await readRunConfig(run)).data ?? "datasets";
  } catch {
    return "datasets";
  }
}

/**
 * Check that `out` may hold a run of `config`: a folder that already holds a run needs `resume`,
 * and the same settings ({@linkcode sameConfig}, whatever format version the stored one has).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRunFolder } from "./read.ts";
 * const run = "tests/fixtures/run_analysis/book";
 * await assert.rejects(checkRunFolder(run, {}, false), { message: `${run} already holds a run; pass --resume to continue it, or choose another --out` });
 * await checkRunFolder(await Deno.makeTempDir(), {}, false); // an empty folder is fine
 * ```
 */
export async function checkRunFolder(
  out: string,
  config: RunConfig,
  resume: boolean,
): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(out, "config.json"));
  } catch (err) {
    // absent, or a file on the way: the run's first write names it
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return;
    throw err;
  }
  if (!resume) {
    throw new UserError(
      `${out} already holds a run; pass --resume to continue it, or choose another --out`,
    );
  }
  const path = join(out, "config.json");
  if (!sameConfig(parseRunConfig(text, path), config)) {
    throw new UserError(`${path} differs from this command's settings; resume with the same flags`);
  }
}
