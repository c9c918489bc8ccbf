/**
 * The Web Worker that runs training jobs for {@linkcode runJobs}: one message in per job, progress
 * messages and one `done` or `error` message out. A shared stop flag lets the main thread ask a
 * running job to save its state and return (Ctrl-C).
 * @module
 */

import { UserError } from "../errors.ts";
import type { JobConfig } from "../run/config.ts";
import { runJob } from "./job.ts";
import type { JobData } from "./job_data.ts";

/** What the main thread sends: one job. */
export interface WorkerRequest {
  /** Index of the job in the caller's list. */
  index: number;
  /** The job's configuration. */
  config: JobConfig;
  /** Its three splits (null for a generated task's job). */
  data: JobData | null;
  /** Its folder. */
  dir: string;
  /** Resume from the folder's state. */
  resume: boolean;
  /** Int32Array[1] over shared memory: non-zero asks the job to stop. */
  stop: SharedArrayBuffer;
  /** Int32Array[1] over shared memory: the pool's idle threads, of which the job may take one. */
  idleThreads: SharedArrayBuffer;
}

/** The worker's global scope, as far as this file uses it (JSR bans `/// <reference lib>`). */
declare const self: {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: unknown): void;
};

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const { index, config, data, dir, resume, stop, idleThreads } = event.data;
  const stopFlag = new Int32Array(stop);
  try {
    const result = runJob(config, data, dir, {
      resume,
      idleThreads: new Int32Array(idleThreads),
      hooks: {
        onProgress: (progress) => self.postMessage({ type: "progress", index, progress }),
        shouldStop: () => Atomics.load(stopFlag, 0) !== 0,
      },
    });
    self.postMessage({ type: "done", index, result });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const stack = err instanceof Error ? err.stack : undefined;
    self.postMessage({ type: "error", index, message, stack, user: err instanceof UserError });
  }
};
