/**
 * A run's results as the terminal shows them: the table the book prints,
 * `[LSTM] length:10, dev_score: 0.95, test_score: 0.93000`, and the mean ± std it and the other
 * tables use. The run's files (summary.csv, summary.json) are lib/run's.
 * @module
 */

import { sortJobs } from "../run/job_name.ts";
import { hasMemorySplit } from "../run/migrate.ts";
import type { SummaryRow } from "../run/summary.ts";

/**
 * Mean and sample standard deviation (n − 1; 0 for one value, NaN for none) — the statistic the
 * train table, the capacity table and the report all print; NaN values are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanStd } from "./summary.ts";
 * const { mean, std, n } = meanStd([0.93, 0.93, 0.9]);
 * assert.deepEqual([mean.toFixed(3), std.toFixed(4), n], ["0.920", "0.0173", 3]);
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
 * assert.equal(
 *   bookTable([{ cell: "lstm", length: 10, seed: 0, best_dev_acc: 0.95, best_step: 8100, test_acc: 0.93, ...split, steps: 19000, wall_s: 12.5 }]),
 *   "[LSTM] length:10, dev_score: 0.95, test_score: 0.93000 (memory 0.950 of 80, adjacent 0.850 of 20)",
 * );
 * ```
 */
export function bookTable(rows: SummaryRow[]): string {
  const lines: string[] = [];
  const sorted = sortJobs(rows);
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
      const memory = meanStd(group.map((r) => r.test_acc_memory));
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
  const acc = (x: number) => Number.isFinite(x) ? x.toFixed(3) : "—";
  if (!hasMemorySplit(row)) return "";
  return ` (memory ${acc(row.test_acc_memory)} of ${row.n_memory}, adjacent ${
    acc(row.test_acc_adjacent)
  } of ${row.n_adjacent})`;
}
