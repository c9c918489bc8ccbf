/**
 * The files a finished run ends with, written by `deno task train` / `deno task capacity` after
 * training and by `deno task merge` from the shards' results: one place for both. Nothing here
 * prints, draws or decides an exit code: the scripts do (scripts/run_end.ts), and they draw the
 * capacity figure with lib/plot, so that training never loads the renderer.
 * @module
 */

import { join } from "node:path";
import { formatTaskCsv, taskCapacityMarkdown } from "./task_summary.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import type { GateInit } from "../model/init.ts";
import type { JobOptions } from "../run/config.ts";
import { taskOf } from "../tasks/task.ts";
import { sortJobs } from "../run/job_name.ts";
import type { JobResult } from "../run/result.ts";
import { formatCapacityCsv, formatSummaryCsv, formatSummaryJson } from "../run/summary.ts";
import { capacityMarkdown } from "./capacity.ts";

/**
 * The messages of the jobs that diverged, one line each (none when every job ended well).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { divergedMessages } from "./run_outputs.ts";
 * const r = { cell: "lstm" as const, length: 5, seed: 0, best_dev_acc: NaN, best_step: 0, test_acc: NaN, test_acc_memory: NaN, test_acc_adjacent: NaN, n_memory: 80, n_adjacent: 20, first_learning_step: NaN, steps: 3, wall_s: 0 };
 * assert.deepEqual(divergedMessages([{ ...r, status: "done" }, { ...r, status: "diverged", message: "lstm-L5-s0: loss NaN" }]), ["lstm-L5-s0: loss NaN"]);
 * ```
 */
export function divergedMessages(results: readonly JobResult[]): string[] {
  return results.filter((r) => r.status === "diverged").map((r) => r.message ?? "diverged");
}

/**
 * `summary.csv` and `summary.json` of a training run, and `tasks.csv` when it trained a generated
 * task ({@linkcode formatTaskCsv}); returns the paths written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeTrainOutputs } from "./run_outputs.ts";
 * const out = await Deno.makeTempDir();
 * assert.deepEqual(await writeTrainOutputs(out, []), [`${out}/summary.csv`, `${out}/summary.json`]);
 * ```
 */
export async function writeTrainOutputs(
  out: string,
  finished: readonly JobResult[],
): Promise<string[]> {
  const rows = sortJobs(finished);
  const files = [join(out, "summary.csv"), join(out, "summary.json")];
  await writeFileAtomic(files[0]!, formatSummaryCsv(rows));
  await writeFileAtomic(files[1]!, formatSummaryJson(rows));
  const tasks = rows.filter((r) => r.task !== undefined);
  if (tasks.length > 0) {
    files.push(join(out, "tasks.csv"));
    await writeFileAtomic(files[2]!, formatTaskCsv(tasks));
  }
  return files;
}

/** The settings a capacity study's report states (as in its config.json). */
export interface CapacitySettings {
  /** The preset's name. */
  preset: string;
  /** At most this many epochs. */
  epochs: number;
  /** Early-stopping patience in evaluations (0: off). */
  patience: number;
  /** Steps between evaluations. */
  evalSteps: number;
  /** Epochs before early stopping may stop a job. */
  minEpochs: number;
  /** The seeds. */
  seeds: number[];
  /** The gate biases of the LSTM and GRU (absent: constant). */
  gateInit?: GateInit;
  /** Chrono's T_max (absent: each job's length, or its task's T_max). */
  chronoTmax?: number;
  /** A task study's task (absent: the digit sum), and what its report states of its training. */
  task?: JobOptions["task"];
  /** A task study's steps per job. */
  steps?: number;
  /** Sequences per step. */
  batchSize?: number;
  /** Hidden size. */
  hidden?: number;
  /** Adam's learning rate. */
  lr?: number;
  /** Gradient-norm clipping. */
  clip?: number;
  /** The LSTM's forget-gate and the GRU's update-gate bias (with constant gate biases). */
  forgetBias?: number;
}

/** The settings line of a task study's capacity.md. */
function taskSettings(options: CapacitySettings, rows: readonly JobResult[]): string {
  const task = taskOf(options.task!);
  const tmax = task.chronoTmax(100) / 100;
  const gates = options.gateInit === "chrono"
    ? `chrono gate biases for the LSTM and GRU (T_max ${
      options.chronoTmax ?? (tmax === 1 ? "T" : `${tmax}·T`)
    })`
    : `forget (update) gate bias ${options.forgetBias}`;
  const irnn = rows.some((r) => r.cell === "irnn") ? " (the IRNN: its own lr and clipping)" : "";
  return `Task \`${task.name}\`: ${options.steps} steps of ${options.batchSize} fresh sequences, ` +
    `hidden ${options.hidden}, Adam lr ${options.lr}, gradient clipping ${options.clip}${irnn}, ` +
    `${gates}; the checkpoint of the lowest dev loss (every ${options.evalSteps} steps) is ` +
    `tested on 1,000 sequences; seeds ${options.seeds.join(", ")}; ${rows.length} job(s), ${
      trainedMinutes(rows).toFixed(1)
    } min of training summed over jobs.`;
}

/** Minutes of training summed over the jobs. */
function trainedMinutes(rows: readonly JobResult[]): number {
  return rows.reduce((s, r) => s + r.wall_s, 0) / 60;
}

/**
 * `capacity.csv` and `capacity.md` of a capacity study — for a task study, `tasks.csv` and its
 * `capacity.md` ({@linkcode taskCapacityMarkdown}) — returns the markdown and the paths written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeCapacityOutputs } from "./run_outputs.ts";
 * const out = await Deno.makeTempDir();
 * const r = { cell: "lstm" as const, length: 5, seed: 0, best_dev_acc: 1, best_step: 10, test_acc: 0.95, test_acc_memory: 1, test_acc_adjacent: 0.8, n_memory: 80, n_adjacent: 20, first_learning_step: 10, steps: 30, wall_s: 60, status: "done" as const };
 * const settings = { preset: "capacity", epochs: 300, patience: 0, evalSteps: 100, minEpochs: 0, seeds: [0] };
 * const { markdown, files } = await writeCapacityOutputs(out, [r], settings);
 * assert.match(markdown, /^Preset `capacity`, at most 300 epochs, early stopping off; seeds 0; 1 job\(s\), 1\.0 min/m);
 * assert.deepEqual(files, [`${out}/capacity.csv`, `${out}/capacity.md`]);
 * ```
 */
export async function writeCapacityOutputs(
  out: string,
  finished: readonly JobResult[],
  options: CapacitySettings,
): Promise<{ markdown: string; files: string[] }> {
  const rows = sortJobs(finished);
  if (options.task) {
    const files = [join(out, "tasks.csv"), join(out, "capacity.md")];
    await writeFileAtomic(files[0]!, formatTaskCsv(rows));
    const markdown = taskCapacityMarkdown(rows, { settings: taskSettings(options, rows) });
    await writeFileAtomic(files[1]!, markdown);
    return { markdown, files };
  }
  const files = [join(out, "capacity.csv"), join(out, "capacity.md")];
  await writeFileAtomic(files[0]!, formatCapacityCsv(rows));
  const trainedMin = trainedMinutes(rows);
  const chrono = options.gateInit === "chrono"
    ? `, chrono gate biases for the LSTM and GRU (T_max ${options.chronoTmax ?? "= the length"})`
    : "";
  const settings =
    `Preset \`${options.preset}\`${chrono}, at most ${options.epochs} epochs, early stopping ` +
    (options.patience > 0
      ? `after ${options.patience} evaluations (${
        options.patience * options.evalSteps
      } steps) without a better dev accuracy once ${options.minEpochs} epochs are done and dev ` +
        `accuracy has beaten answering the most common label (chance), or at dev accuracy 1.0`
      : "off") +
    `; seeds ${options.seeds.join(", ")}; ${rows.length} job(s), ${
      trainedMin.toFixed(1)
    } min of training summed over jobs.`;
  const markdown = capacityMarkdown(rows, { settings });
  await writeFileAtomic(files[1]!, markdown);
  return { markdown, files };
}
