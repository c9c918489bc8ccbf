/**
 * A run's results: `summary.csv` / `summary.json` (one row per job) and the table the book
 * prints, `[LSTM] length:10, dev_score: 0.95, test_score: 0.93000`.
 * @module
 */

import { CELL_KINDS } from "../model/config.ts";
import type { JobResult } from "./job.ts";

/** The columns of summary.csv, in order. */
export const SUMMARY_COLUMNS = [
  "cell",
  "length",
  "seed",
  "best_dev_acc",
  "best_step",
  "test_acc",
  "test_acc_memory",
  "test_acc_adjacent",
  "n_memory",
  "n_adjacent",
  "first_learning_step",
  "steps",
  "wall_s",
] as const;

/** One row of summary.csv. */
export type SummaryRow = Pick<JobResult, (typeof SUMMARY_COLUMNS)[number]>;

/**
 * Rows sorted by cell (lstm, gru, srn), then length, then seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sortRows } from "./summary.ts";
 * const row = { best_dev_acc: 1, best_step: 1, test_acc: 1, steps: 1, wall_s: 1 };
 * const rows = sortRows([{ ...row, cell: "srn", length: 10, seed: 0 }, { ...row, cell: "lstm", length: 20, seed: 0 }]);
 * assert.deepEqual(rows.map((r) => r.cell), ["lstm", "srn"]);
 * ```
 */
export function sortRows<T extends Pick<JobResult, "cell" | "length" | "seed">>(
  rows: readonly T[],
): T[] {
  return [...rows].sort((a, b) =>
    CELL_KINDS.indexOf(a.cell) - CELL_KINDS.indexOf(b.cell) || a.length - b.length ||
    a.seed - b.seed
  );
}

/**
 * A CSV field: the value as text; NaN, null (NaN read back from JSON) and undefined (a column an
 * older run lacks) as an empty field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvField } from "./summary.ts";
 * assert.deepEqual([csvField(0.93), csvField(NaN), csvField("lstm")], ["0.93", "", "lstm"]);
 * ```
 */
export function csvField(value: number | string | null | undefined): string {
  return value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))
    ? ""
    : String(value);
}

/**
 * summary.csv's text: the header and one line per row (NaN as an empty field).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryCsv } from "./summary.ts";
 * const split = { test_acc_memory: 0.95, test_acc_adjacent: 0.85, n_memory: 80, n_adjacent: 20, first_learning_step: 400 };
 * const csv = summaryCsv([{ cell: "lstm", length: 10, seed: 0, best_dev_acc: 0.95, best_step: 8100, test_acc: 0.93, ...split, steps: 19000, wall_s: 12.5 }]);
 * assert.equal(csv.split("\n")[1], "lstm,10,0,0.95,8100,0.93,0.95,0.85,80,20,400,19000,12.5");
 * ```
 */
export function summaryCsv(rows: SummaryRow[]): string {
  const lines = [SUMMARY_COLUMNS.join(",")];
  for (const row of rows) lines.push(SUMMARY_COLUMNS.map((c) => csvField(row[c])).join(","));
  return lines.join("\n") + "\n";
}

/**
 * summary.json's text: the rows as an array of objects (NaN as null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryJson } from "./summary.ts";
 * assert.equal(summaryJson([]).trim(), "[]");
 * ```
 */
export function summaryJson(rows: SummaryRow[]): string {
  const plain = rows.map((row) =>
    Object.fromEntries(
      SUMMARY_COLUMNS.map((c) => [c, Number.isNaN(row[c]) ? null : row[c] ?? null]),
    )
  );
  return JSON.stringify(plain, null, 2) + "\n";
}

/**
 * Mean and sample standard deviation (n − 1; 0 for one value, NaN for none) — the statistic the
 * train table, the capacity table and the report all print; NaN values are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanStd } from "./summary.ts";
 * const { mean, std, n } = meanStd([0.93, 0.93, 0.9]);
 * assert.equal(mean.toFixed(3), "0.920");
 * assert.equal(std.toFixed(4), "0.0173");
 * assert.equal(n, 3);
 * ```
 */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const v = values.filter((x) => !Number.isNaN(x));
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: n > 0 ? Math.sqrt(variance) : NaN, n };
}

/**
 * The book's result lines, one per job: `[LSTM] length:10, dev_score: 0.95, test_score: 0.93000`
 * followed by the accuracy on memory and on adjacent-noise examples (when known), and, when a
 * (cell, length) has several seeds, a line with the mean ± std over them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bookTable } from "./summary.ts";
 * const split = { test_acc_memory: 0.95, test_acc_adjacent: 0.85, n_memory: 80, n_adjacent: 20, first_learning_step: 400 };
 * const table = bookTable([{ cell: "lstm", length: 10, seed: 0, best_dev_acc: 0.95, best_step: 8100, test_acc: 0.93, ...split, steps: 19000, wall_s: 12.5 }]);
 * assert.equal(table, "[LSTM] length:10, dev_score: 0.95, test_score: 0.93000 (memory 0.950 of 80, adjacent 0.850 of 20)");
 * ```
 */
export function bookTable(rows: SummaryRow[]): string {
  const lines: string[] = [];
  const sorted = sortRows(rows);
  for (let i = 0; i < sorted.length;) {
    const { cell, length } = sorted[i]!;
    let j = i;
    while (j < sorted.length && sorted[j]!.cell === cell && sorted[j]!.length === length) j++;
    const group = sorted.slice(i, j);
    for (const row of group) {
      const seed = group.length > 1 ? ` seed:${row.seed},` : "";
      lines.push(
        `[${cell.toUpperCase()}] length:${length},${seed} dev_score: ${
          row.best_dev_acc.toFixed(2)
        }, test_score: ${row.test_acc.toFixed(5)}${splitText(row)}`,
      );
    }
    if (group.length > 1) {
      const dev = meanStd(group.map((r) => r.best_dev_acc));
      const test = meanStd(group.map((r) => r.test_acc));
      const memory = meanStd(group.map((r) => r.test_acc_memory ?? NaN));
      const memoryText = memory.n > 0
        ? `, memory: ${memory.mean.toFixed(3)} ± ${memory.std.toFixed(3)}`
        : "";
      lines.push(
        `[${cell.toUpperCase()}] length:${length}, ${group.length} seeds: dev_score: ${
          dev.mean.toFixed(3)
        } ± ${dev.std.toFixed(3)}, test_score: ${test.mean.toFixed(3)} ± ${
          test.std.toFixed(3)
        }${memoryText}`,
      );
    }
    i = j;
  }
  return lines.join("\n");
}

/** ` (memory 0.950 of 80, adjacent 0.850 of 20)`, or nothing when a row lacks the split. */
function splitText(row: SummaryRow): string {
  const acc = (x: number | null | undefined) =>
    typeof x === "number" && Number.isFinite(x) ? x.toFixed(3) : "—";
  if (row.n_memory === undefined || row.n_memory === null) return "";
  return ` (memory ${acc(row.test_acc_memory)} of ${row.n_memory}, adjacent ${
    acc(row.test_acc_adjacent)
  } of ${row.n_adjacent})`;
}
