/**
 * Run many training jobs across Web Workers (one per core by default). Each job is deterministic,
 * so the results equal running the jobs one at a time; jobs start longest first. When fewer jobs
 * are left than workers, a running LSTM or GRU job takes an idle worker's core for a second
 * thread in its recurrences (`RecurrentThreads`, bit-identical results).
 * @module
 */

import { UserError } from "../errors.ts";
import { CELLS } from "../nn/cells.ts";
import type { JobConfig } from "../run/config.ts";
import type { JobResult } from "../run/result.ts";
import type { JobProgress } from "./job.ts";
import type { JobData } from "./job_data.ts";
import type { WorkerRequest } from "./worker.ts";

/** One job for {@linkcode runJobs}. */
export interface PoolJob {
  /** Its configuration. */
  config: JobConfig;
  /** Its data (null for a generated task's job). */
  data: JobData | null;
  /** Its folder. */
  dir: string;
}

/** Options of {@linkcode runJobs}. */
export interface PoolOptions {
  /** Workers to start (at most one per job). */
  workers: number;
  /** Resume jobs from their folders. */
  resume: boolean;
  /** Shared stop flag (Int32Array[1]); set it to ask running jobs to save and return. */
  stop: SharedArrayBuffer;
  /** A job started. */
  onStart?: (index: number) => void;
  /** A job reported progress. */
  onProgress?: (index: number, progress: JobProgress) => void;
  /** A job finished (any status). */
  onDone?: (index: number, result: JobResult) => void;
}

type WorkerMessage =
  | { type: "progress"; index: number; progress: JobProgress }
  | { type: "done"; index: number; result: JobResult }
  | { type: "error"; index: number; message: string; stack?: string; user: boolean };

/**
 * A rough cost of a job (epochs × length × the cell's work a step), for starting the longest
 * first and for balancing shards.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_PRESET } from "../../mod.ts";
 * import { jobCost } from "./pool.ts";
 * const job = { ...BOOK_PRESET, cell: "lstm" as const, length: 10, seed: 0 };
 * assert.equal(jobCost({ ...job, length: 20 }), 2 * jobCost(job));
 * ```
 */
export function jobCost(config: JobConfig): number {
  const { gates } = CELLS[config.cell];
  return config.epochs * config.length * (gates * config.hidden + 8) * config.hidden;
}

/**
 * Run every job and return their results in the order given (`undefined` for a job that never
 * started because the stop flag was set). A job that fails with an error sets the stop flag and
 * rejects the whole call once the running jobs have saved and stopped.
 *
 * @example
 * ```ts ignore
 * const results = await runJobs(jobs, { workers: 2, resume: false, stop: new SharedArrayBuffer(4) });
 * ```
 */
export function runJobs(
  jobs: PoolJob[],
  options: PoolOptions,
): Promise<(JobResult | undefined)[]> {
  const order = jobs.map((_, i) => i).sort((a, b) =>
    jobCost(jobs[b]!.config) - jobCost(jobs[a]!.config)
  );
  const results: (JobResult | undefined)[] = new Array(jobs.length);
  const count = Math.max(1, Math.min(options.workers, jobs.length));
  const stopFlag = new Int32Array(options.stop);
  // idle threads a running job may take for its recurrences: workers beyond the jobs, and each
  // worker that finds no job left
  const idleThreads = new SharedArrayBuffer(4);
  const idleCount = new Int32Array(idleThreads);
  Atomics.store(idleCount, 0, Math.max(0, options.workers - count));
  const idle = new Set<Worker>();
  let next = 0;
  let running = 0;
  let failure: Error | null = null;

  return new Promise((resolve, reject) => {
    if (jobs.length === 0) return resolve([]);
    const workers: Worker[] = [];
    const finish = () => {
      for (const w of workers) w.terminate();
      if (failure) reject(failure);
      else resolve(results);
    };
    const feed = (worker: Worker) => {
      if (failure || Atomics.load(stopFlag, 0) !== 0 || next >= order.length) {
        if (!idle.has(worker)) {
          idle.add(worker);
          Atomics.add(idleCount, 0, 1);
        }
        if (running === 0) finish();
        return;
      }
      const index = order[next++]!;
      const job = jobs[index]!;
      running++;
      options.onStart?.(index);
      const request: WorkerRequest = {
        index,
        ...job,
        resume: options.resume,
        stop: options.stop,
        idleThreads,
      };
      worker.postMessage(request);
    };
    for (let w = 0; w < count; w++) {
      const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
      workers.push(worker);
      worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
        const msg = event.data;
        if (msg.type === "progress") {
          options.onProgress?.(msg.index, msg.progress);
          return;
        }
        running--;
        if (msg.type === "done") {
          results[msg.index] = msg.result;
          options.onDone?.(msg.index, msg.result);
        } else if (!failure) {
          failure = msg.user ? new UserError(msg.message) : new Error(msg.stack ?? msg.message);
          Atomics.store(stopFlag, 0, 1); // ask the other jobs to save and stop
        }
        feed(worker);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        running--;
        failure ??= new Error(`worker crashed: ${event.message}`);
        Atomics.store(stopFlag, 0, 1);
        feed(worker);
      };
      feed(worker);
    }
  });
}
