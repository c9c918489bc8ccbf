/**
 * What a training script does around {@linkcode runJobs}: a progress display (bars on a
 * terminal, lines otherwise), Ctrl-C that asks every running job to save its state (a second
 * Ctrl-C leaves at once), and the finished results.
 * @module
 */

import { join } from "node:path";
import type { JobConfig } from "../run/config.ts";
import { jobName } from "../run/job_name.ts";
import type { JobResult } from "../run/result.ts";
import type { JobData } from "./job_data.ts";
import { type PoolJob, runJobs } from "./pool.ts";
import { makeProgressDisplay, type ProgressDisplay } from "./progress.ts";

/** Options of {@linkcode runJobsInTerminal}. */
export interface TerminalJobsOptions {
  /** Workers to start (at most one per job). */
  workers: number;
  /** Resume jobs from their folders. */
  resume: boolean;
  /** The display to report on (default: bars on a terminal, lines otherwise). */
  display?: ProgressDisplay;
}

/** What {@linkcode runJobsInTerminal} ends with. */
export interface TerminalJobsOutcome {
  /** The finished jobs' results (not `interrupted`), in the order of the jobs given. */
  finished: JobResult[];
  /** True when Ctrl-C stopped the run or some job did not finish. */
  interrupted: boolean;
}

/**
 * Train every job across Web Workers with a progress display and Ctrl-C handling.
 *
 * @example
 * ```ts ignore
 * import { runJobsInTerminal } from "./train_run.ts";
 * const { finished, interrupted } = await runJobsInTerminal(jobs, { workers: 2, resume: true });
 * ```
 */
export async function runJobsInTerminal(
  jobs: PoolJob[],
  options: TerminalJobsOptions,
): Promise<TerminalJobsOutcome> {
  const stop = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stop);
  const display = options.display ?? makeProgressDisplay();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) Deno.exit(130); // a second Ctrl-C: leave at once
    interrupted = true;
    Atomics.store(stopFlag, 0, 1);
    display.log("interrupted: saving the running jobs' state…");
  };
  Deno.addSignalListener("SIGINT", onSignal);
  const name = (i: number) => jobName(jobs[i]!.config);
  const totalSteps = (i: number) => {
    const { config, data } = jobs[i]!;
    if (config.task || !data) return config.steps ?? 0;
    return config.epochs * Math.ceil(data.train.n / config.batchSize);
  };
  let results: (JobResult | undefined)[];
  try {
    results = await runJobs(jobs, {
      workers: options.workers,
      resume: options.resume,
      stop,
      onStart: (i) => display.start(name(i), totalSteps(i)),
      onProgress: (i, p) => display.update(name(i), p),
      onDone: (i, r) => display.done(name(i), r),
    });
  } finally {
    display.stop();
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  const finished = results.filter((r): r is JobResult =>
    r !== undefined && r.status !== "interrupted"
  );
  return { finished, interrupted: interrupted || finished.length < jobs.length };
}

/**
 * What `deno task train` and `deno task capacity` share: one job per config, in
 * `out/<job name>/` with its length's data, trained by {@linkcode runJobsInTerminal} after a line saying
 * how many jobs run where (`note` is appended in brackets). On Ctrl-C it prints the command's way
 * to continue on stderr and returns `interrupted`.
 *
 * @example
 * ```ts ignore
 * const { finished, interrupted } = await trainRun(configs, data, "runs/x", { workers: 2, resume: false });
 * if (interrupted) Deno.exit(130);
 * ```
 */
export async function trainRun(
  configs: JobConfig[],
  data: Map<number, JobData>,
  out: string,
  options: TerminalJobsOptions,
  note = "",
): Promise<TerminalJobsOutcome> {
  const jobs: PoolJob[] = configs.map((config) => ({
    config,
    data: config.task ? null : data.get(config.length)!,
    dir: join(out, jobName(config)),
  }));
  const workers = Math.min(options.workers, jobs.length);
  console.log(
    `training ${jobs.length} job(s) on ${workers} worker(s) into ${out}/${
      note ? ` (${note})` : ""
    }`,
  );
  const outcome = await runJobsInTerminal(jobs, options);
  if (outcome.interrupted) {
    console.error(
      `error: interrupted; ${outcome.finished.length} of ${jobs.length} job(s) finished and every ` +
        `running job saved its state. Continue with the same flags and --out ${out} --resume`,
    );
  }
  return outcome;
}
