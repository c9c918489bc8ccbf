/**
 * A run of a generated task's jobs (`deno task train --task adding|copy`), summed up: `tasks.csv`,
 * one row per job with its test loss beside the task's memoryless baseline, and the table the
 * terminal and the docs show, with the mean ± std over seeds.
 * @module
 */

import { sortJobs } from "../run/job_name.ts";
import type { JobResult } from "../run/result.ts";
import { meanStd } from "./summary.ts";

/** The columns of `tasks.csv`. */
export const TASK_COLUMNS = [
  "task",
  "cell",
  "length",
  "seed",
  "best_step",
  "best_dev_loss",
  "test_loss",
  "baseline",
  "ratio",
  "test_score",
  "steps",
  "wall_s",
  "status",
] as const;

/** A number as `tasks.csv` writes it: 7 significant digits, empty for NaN. */
function cell(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(7))) : "";
}

/**
 * `tasks.csv`: per job, the test loss of its best (lowest dev loss) checkpoint, the baseline's
 * loss, their ratio (below 1: the model remembers more than nothing) and the task's score (the
 * copy task's share of symbols written out right, the adding problem's of answers within 0.04).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTaskCsv } from "./task_summary.ts";
 * const row = { task: "adding", cell: "gru" as const, length: 100, seed: 0, best_dev_acc: NaN, best_step: 900,
 *   test_acc: 0.52, test_acc_memory: NaN, test_acc_adjacent: NaN, n_memory: NaN, n_adjacent: NaN,
 *   first_learning_step: NaN, steps: 1000, wall_s: 30.2, status: "done" as const,
 *   best_dev_loss: 0.01, test_loss: 0.0125, baseline: 1 / 6 };
 * assert.equal(formatTaskCsv([row]).split("\n")[1], "adding,gru,100,0,900,0.01,0.0125,0.1666667,0.075,0.52,1000,30.2,done");
 * ```
 */
export function formatTaskCsv(rows: readonly JobResult[]): string {
  const lines = sortJobs([...rows]).map((r) =>
    [
      r.task ?? "",
      r.cell,
      r.length,
      r.seed,
      r.best_step,
      cell(r.best_dev_loss ?? NaN),
      cell(r.test_loss ?? NaN),
      cell(r.baseline ?? NaN),
      cell((r.test_loss ?? NaN) / (r.baseline ?? NaN)),
      cell(r.test_acc),
      r.steps,
      r.wall_s,
      r.status,
    ].join(",")
  );
  return [TASK_COLUMNS.join(","), ...lines].join("\n") + "\n";
}

/**
 * The terminal's table of a task run: per (cell, T), the test loss (mean ± std over seeds), the
 * baseline, the ratio of the mean to it and the score, as markdown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskTable } from "./task_summary.ts";
 * const row = { task: "copy", cell: "lstm" as const, length: 100, seed: 0, best_dev_acc: 0.5, best_step: 900,
 *   test_acc: 0.5, test_acc_memory: NaN, test_acc_adjacent: NaN, n_memory: NaN, n_adjacent: NaN,
 *   first_learning_step: NaN, steps: 1000, wall_s: 30, status: "done" as const,
 *   best_dev_loss: 0.1, test_loss: 0.1, baseline: 0.2 };
 * assert.equal(taskTable([row]).split("\n")[2], "| copy   | LSTM |  100 |     1 | 0.1000 ± 0.0000 |   0.2000 |  0.50 | 0.500 |");
 * ```
 */
export function taskTable(rows: readonly JobResult[]): string {
  const lines = [
    "| task   | cell |    T | seeds | test loss       | baseline | ratio | score |",
    "| ------ | ---- | ---: | ----: | --------------- | -------: | ----: | ----: |",
  ];
  const sorted = sortJobs([...rows]);
  for (let i = 0; i < sorted.length;) {
    const { cell, length } = sorted[i]!;
    let j = i;
    while (j < sorted.length && sorted[j]!.cell === cell && sorted[j]!.length === length) j++;
    const group = sorted.slice(i, j);
    const loss = meanStd(group.map((r) => r.test_loss ?? NaN));
    const score = meanStd(group.map((r) => r.test_acc));
    const baseline = group[0]!.baseline ?? NaN;
    lines.push(
      `| ${(group[0]!.task ?? "").padEnd(6)} | ${cell.toUpperCase().padEnd(4)} | ${
        String(length).padStart(4)
      } | ${String(group.length).padStart(5)} | ${loss.mean.toFixed(4)} ± ${
        loss.std.toFixed(4)
      } | ${baseline.toFixed(4).padStart(8)} | ${(loss.mean / baseline).toFixed(2).padStart(5)} | ${
        score.n > 0 ? score.mean.toFixed(3) : "    —"
      } |`,
    );
    i = j;
  }
  return lines.join("\n");
}
