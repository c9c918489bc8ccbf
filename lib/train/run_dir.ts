/**
 * Reading a run folder back: its jobs (`<cell>-L<len>-s<seed>/config.json`) and their data.
 * @module
 */

import { join } from "node:path";
import { readDigitSum } from "../data/reader.ts";
import { UserError } from "../errors.ts";
import { CELL_KINDS } from "../model/config.ts";
import { CLASSES, type TrainConfig } from "./config.ts";
import type { JobData } from "./job.ts";

const JOB_DIR = new RegExp(`^(${CELL_KINDS.join("|")})-L(\\d+)-s(\\d+)$`);

/** One job folder of a run. */
export interface RunJob {
  /** The folder's name, e.g. `lstm-L10-s0`. */
  name: string;
  /** Its path. */
  dir: string;
  /** Its `config.json`. */
  config: TrainConfig;
}

/**
 * The job folders of a run, sorted by name; a missing run folder, or one without jobs, is a
 * {@linkcode UserError}.
 *
 * @example
 * ```ts ignore
 * import { listRunJobs } from "./run_dir.ts";
 * for (const job of await listRunJobs("runs/default")) console.log(job.name);
 * ```
 */
export async function listRunJobs(run: string): Promise<RunJob[]> {
  const jobs: RunJob[] = [];
  try {
    for await (const entry of Deno.readDir(run)) {
      if (!entry.isDirectory || !JOB_DIR.test(entry.name)) continue;
      const dir = join(run, entry.name);
      const configPath = join(dir, "config.json");
      let config: TrainConfig;
      try {
        config = JSON.parse(await Deno.readTextFile(configPath)) as TrainConfig;
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) throw new UserError(`${configPath} is missing`);
        throw new UserError(`${configPath}: not valid JSON; expected the job's configuration`);
      }
      jobs.push({ name: entry.name, dir, config });
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`${run}: no such run folder; run deno task train first`);
    }
    throw err;
  }
  if (jobs.length === 0) {
    throw new UserError(`${run}: holds no job folders (<cell>-L<len>-s<seed>)`);
  }
  return jobs.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The train, dev and test sets of `length` under `dataDir`, each checked to have that length.
 *
 * @example
 * ```ts
 * import { readJobData } from "./run_dir.ts";
 * const data = await readJobData("datasets", 10);
 * console.log(data.train.n, data.dev.n, data.test.n); // 300 100 100
 * ```
 */
export async function readJobData(dataDir: string, length: number): Promise<JobData> {
  const read = async (split: string) => {
    const path = join(dataDir, String(length), `${split}.txt`);
    const data = await readDigitSum(path, { numClasses: CLASSES });
    if (data.length !== length) {
      throw new UserError(`${path}: sequences have ${data.length} digits, expected ${length}`);
    }
    return data;
  };
  return { train: await read("train"), dev: await read("dev"), test: await read("test") };
}

/**
 * The data folder a run was trained on (its `config.json`'s `data`), or `datasets` when the run
 * does not say.
 *
 * @example
 * ```ts ignore
 * import { runDataDir } from "./run_dir.ts";
 * console.log(await runDataDir("runs/default")); // datasets
 * ```
 */
export async function runDataDir(run: string): Promise<string> {
  try {
    const config = JSON.parse(await Deno.readTextFile(join(run, "config.json"))) as {
      data?: unknown;
    };
    return typeof config.data === "string" ? config.data : "datasets";
  } catch {
    return "datasets";
  }
}

/**
 * Check that `out` may hold a run of these settings (`runConfig`, the text of its config.json):
 * a folder that already holds a run needs `resume`, and the same settings.
 *
 * @example
 * ```ts
 * import { checkRunFolder } from "./run_dir.ts";
 * await checkRunFolder(await Deno.makeTempDir(), "{}\n", false); // an empty folder is fine
 * ```
 */
export async function checkRunFolder(
  out: string,
  runConfig: string,
  resume: boolean,
): Promise<void> {
  const path = join(out, "config.json");
  let existing: string;
  try {
    existing = await Deno.readTextFile(path);
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
  if (existing !== runConfig) {
    throw new UserError(`${path} differs from this command's settings; resume with the same flags`);
  }
}
