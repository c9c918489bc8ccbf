/**
 * The messages between the page and the training worker.
 * @module
 */

import type { JobConfig } from "../../lib/run/config.ts";
import type { JobResult } from "../../lib/run/result.ts";
import type { JobProgress } from "../../lib/train/job.ts";

/** Page → worker: train (or resume) one job in a folder held in memory. */
export interface TrainRequest {
  /** The job's configuration, exactly as `deno task train` builds it. */
  config: JobConfig;
  /** The folder's files so far (empty for a new job), by name. */
  files: [string, Uint8Array][];
  /** Continue from `last.safetensors`, like `deno task train --resume`. */
  resume: boolean;
}

/** Worker → page. */
export type WorkerMessage =
  /** A file was written (`append` false: `data` is the whole file) or appended to. */
  | { type: "file"; name: string; data: Uint8Array; append: boolean }
  /** A progress report (every few dozen steps and at each evaluation). */
  | { type: "progress"; progress: JobProgress }
  /** The job ended. */
  | { type: "done"; result: JobResult }
  /** The job failed: one line. */
  | { type: "error"; message: string };
