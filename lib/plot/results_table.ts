/**
 * The results table of a run: one row per (cell, length) with the mean ± std over seeds of the
 * best dev accuracy, the test accuracy and its memory / adjacent-noise split (or the plain values
 * when there is one seed).
 * @module
 */

import type { CellKind } from "../model/config.ts";
import type { SummaryRow } from "../run/summary.ts";
import { type GroupStats, groupStats } from "./stats.ts";

/** The aggregate of the jobs of one (cell, length). */
export interface ResultRow {
  cell: CellKind;
  length: number;
  /** The seeds aggregated, ascending. */
  seeds: number[];
  best_dev_acc: GroupStats;
  test_acc: GroupStats;
  /** Accuracy on the memory examples; null when no job of the group has it (an older run). */
  test_acc_memory: GroupStats | null;
  /** Accuracy on the adjacent-noise examples; null when no job of the group has it. */
  test_acc_adjacent: GroupStats | null;
  best_step: GroupStats;
  wall_s: GroupStats;
}

/**
 * Aggregate summary rows per (cell, length), in the summary's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultRows } from "./results_table.ts";
 * const rows = resultRows([
 *   { cell: "lstm", length: 10, seed: 0, best_dev_acc: 0.9, best_step: 100, test_acc: 0.8, test_acc_memory: 0.9, test_acc_adjacent: 0.5, n_memory: 75, n_adjacent: 25, first_learning_step: 100, steps: 200, wall_s: 3 },
 *   { cell: "lstm", length: 10, seed: 1, best_dev_acc: 1.0, best_step: 200, test_acc: 1.0, test_acc_memory: 1, test_acc_adjacent: 1, n_memory: 75, n_adjacent: 25, first_learning_step: 100, steps: 200, wall_s: 5 },
 * ]);
 * assert.equal(rows.length, 1);
 * assert.equal(rows[0]!.test_acc.mean, 0.9);
 * assert.deepEqual(rows[0]!.seeds, [0, 1]);
 * ```
 */
export function resultRows(summary: readonly SummaryRow[]): ResultRow[] {
  const groups = new Map<string, SummaryRow[]>();
  for (const row of summary) {
    const key = `${row.cell}/${row.length}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((rows) => ({
    cell: rows[0]!.cell,
    length: rows[0]!.length,
    seeds: rows.map((r) => r.seed).sort((a, b) => a - b),
    best_dev_acc: groupStats(rows.map((r) => r.best_dev_acc)),
    test_acc: groupStats(rows.map((r) => r.test_acc)),
    test_acc_memory: finiteStats(rows.map((r) => r.test_acc_memory)),
    test_acc_adjacent: finiteStats(rows.map((r) => r.test_acc_adjacent)),
    best_step: groupStats(rows.map((r) => r.best_step)),
    wall_s: groupStats(rows.map((r) => r.wall_s)),
  }));
}

/** {@linkcode groupStats} of the finite values, or null when there is none. */
function finiteStats(values: readonly (number | null | undefined)[]): GroupStats | null {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return finite.length > 0 ? groupStats(finite) : null;
}

/**
 * `mean ± std` with `digits` decimals, or just the value for a single run; `—` for null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMeanStd } from "./results_table.ts";
 * assert.equal(formatMeanStd({ mean: 0.9, std: 0.1, min: 0.8, max: 1, n: 3 }), "0.900 ± 0.100");
 * assert.equal(formatMeanStd({ mean: 0.93, std: 0, min: 0.93, max: 0.93, n: 1 }, 2), "0.93");
 * ```
 */
export function formatMeanStd(stats: GroupStats | null, digits = 3): string {
  if (stats === null) return "—";
  const mean = stats.mean.toFixed(digits);
  return stats.n > 1 ? `${mean} ± ${stats.std.toFixed(digits)}` : mean;
}
