/**
 * A run of a generated task's jobs (`deno task train --task adding|copy`), summed up: `tasks.csv`,
 * one row per job with its test loss beside the task's memoryless baseline, and the table the
 * terminal and the docs show, with the mean ± std over seeds.
 * @module
 */

import { sortJobs } from "../run/job_name.ts";
import type { JobResult } from "../run/result.ts";
import { capacities, capacityText, lengthStats, reaches } from "./capacity.ts";
import { meanStd } from "./summary.ts";
import { taskOf } from "../tasks/task.ts";

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
 * assert.equal(taskTable([row]).split("\n")[2], "| copy   | LSTM |  100 |     1 | 0.1000 ± 0.0000 |   0.2000 |    0.50 | 0.500 |");
 * ```
 */
export function taskTable(rows: readonly JobResult[]): string {
  const lines = [
    "| task   | cell |    T | seeds | test loss       | baseline |   ratio | score |",
    "| ------ | ---- | ---: | ----: | --------------- | -------: | ------: | ----: |",
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
      } | ${String(group.length).padStart(5)} | ${
        `${small(loss.mean)} ± ${small(loss.std)}`.padEnd(15)
      } | ${baseline.toFixed(4).padStart(8)} | ${small(loss.mean / baseline, 2).padStart(7)} | ${
        score.n > 0 ? score.mean.toFixed(3) : "    —"
      } |`,
    );
    i = j;
  }
  return lines.join("\n");
}

/**
 * The loss ratio at which a task's memory reaches a T: the mean test loss over seeds at most a
 * tenth of the memoryless baseline's — the task's counterpart of the digit sum's accuracy 0.9.
 */
export const TASK_CAPACITY_RATIO = 0.1;

/**
 * A task job's test loss over its task's baseline at its T (below 1: it remembers more than
 * nothing); NaN for a job without either.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossRatio } from "./task_summary.ts";
 * assert.equal(lossRatio({ test_loss: 0.02, baseline: 0.04 }), 0.5);
 * assert.ok(Number.isNaN(lossRatio({})));
 * ```
 */
export function lossRatio(r: Pick<JobResult, "test_loss" | "baseline">): number {
  return (r.test_loss ?? NaN) / (r.baseline ?? NaN);
}

/** Options of {@linkcode taskCapacityMarkdown}. */
export interface TaskCapacityOptions {
  /** A line on how the study was run, printed under the heading. */
  settings?: string;
}

/**
 * `capacity.md` of a task study (`deno task capacity --study copy|adding…`): each cell's capacity
 * — the longest T at which its mean test loss is at most {@linkcode TASK_CAPACITY_RATIO} of the
 * baseline's, there and at every shorter T — then per T (rows) and cell (columns) the test loss
 * (mean ± sample std over seeds, with its ratio to the baseline), each seed's ratio, and the
 * task's score; `—` where a (cell, T) was not run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskCapacityMarkdown } from "./task_summary.ts";
 * const r = { task: "copy", length: 100, best_dev_acc: NaN, best_step: 900, test_acc_memory: NaN,
 *   test_acc_adjacent: NaN, n_memory: NaN, n_adjacent: NaN, first_learning_step: NaN,
 *   steps: 1000, wall_s: 30, status: "done" as const, best_dev_loss: 0.01, baseline: 0.1733 };
 * const md = taskCapacityMarkdown([
 *   { ...r, cell: "lstm", seed: 0, test_acc: 0.99, test_loss: 0.001 },
 *   { ...r, cell: "gru", seed: 0, test_acc: 0.2, test_loss: 0.17 },
 * ]);
 * assert.match(md, /^\| LSTM \| ≥ 100 \(every length passed\) \|$/m);
 * assert.match(md, /^\| GRU \| < 100 \|$/m);
 * assert.match(md, /^\| 100 \| 0\.1733 \| 0\.0010 \(5\.8e-3\) \| 0\.1700 \(0\.981\) ✗ \|$/m);
 * ```
 */
export function taskCapacityMarkdown(
  rows: readonly JobResult[],
  options: TaskCapacityOptions = {},
): string {
  const threshold = TASK_CAPACITY_RATIO;
  const sorted = sortJobs([...rows]);
  const task = sorted[0]?.task ?? "";
  const title = task === "adding" || task === "copy" ? taskOf(task).title : `the ${task} task`;
  const caps = capacities(sorted, threshold, lossRatio, "at-most");
  const cells = caps.map((c) => c.cell);
  const lengths = [...new Set(sorted.map((r) => r.length))].sort((a, b) => a - b);
  const seeds = new Set(sorted.map((r) => r.seed)).size;
  const of = (cell: string, length: number) =>
    sorted.filter((r) => r.cell === cell && r.length === length);
  const baselineAt = (length: number) => sorted.find((r) => r.length === length)?.baseline ?? NaN;
  const header = `| T | ${cells.map((c) => c.toUpperCase()).join(" | ")} |`;
  const rule = `|---:|${cells.map(() => "---:|").join("")}`;
  const spread = seeds > 1 ? `, mean ± std over ${seeds} seeds` : " (one seed)";
  const lines = [`# Memory on ${title}`, ""];
  if (options.settings) lines.push(options.settings, "");
  lines.push(
    `Capacity: the longest T at which the cell's mean test loss is at most ${threshold} of the ` +
      `memoryless baseline's, there and at every shorter T studied.`,
    "",
    "| cell | capacity |",
    "|---|---|",
    ...caps.map((c) => `| ${c.cell.toUpperCase()} | ${capacityText(c, threshold, "at-most")} |`),
    "",
    `## Test loss${spread} (its ratio to the baseline)`,
    "",
    `| T | baseline | ${cells.map((c) => c.toUpperCase()).join(" | ")} |`,
    `|---:|---:|${cells.map(() => "---:|").join("")}`,
  );
  const stats = lengthStats(sorted, (r) => r.test_loss ?? NaN);
  for (const length of lengths) {
    const baseline = baselineAt(length);
    const texts = cells.map((cell) => {
      const s = stats.find((x) => x.cell === cell && x.length === length);
      if (!s || s.n === 0) return "—";
      const ratio = s.mean / baseline;
      const mark = reaches(ratio, threshold, "at-most") ? "" : " ✗";
      const std = seeds > 1 ? ` ± ${small(s.std)}` : "";
      return `${small(s.mean)}${std} (${small(ratio, 3)})${mark}`;
    });
    lines.push(`| ${length} | ${baseline.toFixed(4)} | ${texts.join(" | ")} |`);
  }
  lines.push(
    "",
    `✗: ${seeds > 1 ? "mean " : ""}above ${threshold} of the baseline.` +
      (seeds > 1 ? " Std: the sample standard deviation (n − 1) over seeds." : ""),
    "",
    "## Test loss over the baseline, per seed",
    "",
    header,
    rule,
  );
  for (const length of lengths) {
    const texts = cells.map((cell) => {
      const mine = of(cell, length);
      return mine.length === 0 ? "—" : mine.map((r) => small(lossRatio(r), 3)).join(", ");
    });
    lines.push(`| ${length} | ${texts.join(" | ")} |`);
  }
  const scores = lengthStats(sorted, (r) => r.test_acc);
  lines.push("", `## ${TASK_SCORES[task] ?? "Score"}${spread}`, "", header, rule);
  for (const length of lengths) {
    const texts = cells.map((cell) => {
      const s = scores.find((x) => x.cell === cell && x.length === length);
      if (!s || s.n === 0) return "—";
      return `${s.mean.toFixed(3)}${seeds > 1 ? ` ± ${s.std.toFixed(3)}` : ""}`;
    });
    lines.push(`| ${length} | ${texts.join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/**
 * A loss or ratio for the tables: `digits` decimals, or 2 significant digits in exponent form
 * below 10^(1 − digits), where the decimals would keep fewer (a solved task's MSE of 0.00012 reads
 * 1.2e-4, not 0.0001).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { small } from "./task_summary.ts";
 * assert.deepEqual([small(0.17331), small(0.00012), small(0.004, 3), small(0)], ["0.1733", "1.2e-4", "4.0e-3", "0.0000"]);
 * ```
 */
export function small(x: number, digits = 4): string {
  return x !== 0 && Math.abs(x) < 10 ** (1 - digits) ? x.toExponential(1) : x.toFixed(digits);
}

/** The heading of each task's score table. */
const TASK_SCORES: Readonly<Record<string, string>> = {
  copy: "Share of the 10 symbols written out right",
  adding: "Share of answers within 0.04 of the sum",
};
