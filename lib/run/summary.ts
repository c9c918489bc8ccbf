/**
 * A run's tables of results, one row per job: `summary.csv` and `summary.json` (what
 * `deno task train` ends with) and `capacity.csv` (what `deno task capacity` ends with). Both
 * tables take their columns from {@linkcode JobResult}; an older run's table without the memory
 * split's columns still reads (see `migrate`).
 * @module
 */

import { UserError } from "../errors.ts";
import { CELL_KINDS, type CellKind } from "../model/config.ts";
import { type CsvRow, numberCell, parseCsvTable } from "./csv_table.ts";
import { csvField } from "./fields.ts";
import { jobName, sortJobs } from "./job_name.ts";
import { migrate, olderHeader } from "./migrate.ts";
import type { JobResult } from "./result.ts";

/** The columns of summary.csv (and the fields of summary.json's objects), in order. */
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

/** One row of summary.csv: one job. */
export type SummaryRow = Pick<JobResult, (typeof SUMMARY_COLUMNS)[number]>;

/** The columns of capacity.csv, in order: summary.csv's but `best_step`. */
export const CAPACITY_COLUMNS: readonly CapacityColumn[] = SUMMARY_COLUMNS.filter((
  c,
): c is CapacityColumn => c !== "best_step");

/** A column of capacity.csv. */
export type CapacityColumn = Exclude<(typeof SUMMARY_COLUMNS)[number], "best_step">;

/** One row of capacity.csv: one job. */
export type CapacityRow = Pick<JobResult, CapacityColumn>;

/** A table's text: the header and one line per row, sorted by job (NaN as an empty field). */
function formatTable<C extends string>(
  columns: readonly C[],
  rows: readonly (Record<C, number | string> & { cell: CellKind; length: number; seed: number })[],
): string {
  const lines = [columns.join(",")];
  for (const row of sortJobs(rows)) lines.push(columns.map((c) => csvField(row[c])).join(","));
  return lines.join("\n") + "\n";
}

/**
 * summary.csv's text: the header and one line per job, sorted (NaN as an empty field).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSummaryCsv } from "./summary.ts";
 * const split = { test_acc_memory: 0.95, test_acc_adjacent: 0.85, n_memory: 80, n_adjacent: 20, first_learning_step: NaN };
 * const row = { cell: "lstm" as const, length: 10, seed: 0, best_dev_acc: 0.95, best_step: 8100, test_acc: 0.93, ...split, steps: 19000, wall_s: 12.5 };
 * assert.equal(formatSummaryCsv([row]).split("\n")[1], "lstm,10,0,0.95,8100,0.93,0.95,0.85,80,20,,19000,12.5");
 * ```
 */
export function formatSummaryCsv(rows: readonly SummaryRow[]): string {
  return formatTable(SUMMARY_COLUMNS, rows);
}

/**
 * summary.json's text: the rows, sorted, as an array of objects (NaN as null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSummaryJson } from "./summary.ts";
 * assert.equal(formatSummaryJson([]), "[]\n");
 * ```
 */
export function formatSummaryJson(rows: readonly SummaryRow[]): string {
  const plain = sortJobs(rows).map((row) =>
    Object.fromEntries(
      SUMMARY_COLUMNS.map((c) => [c, Number.isNaN(row[c]) ? null : row[c] ?? null]),
    )
  );
  return JSON.stringify(plain, null, 2) + "\n";
}

/**
 * The rows of a summary.json text (NaN stored as null), sorted by job; `where` names the file in
 * errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSummaryJson, parseSummaryJson } from "./summary.ts";
 * const split = { test_acc_memory: 0.95, test_acc_adjacent: 0.85, n_memory: 80, n_adjacent: 20, first_learning_step: NaN };
 * const row = { cell: "lstm" as const, length: 10, seed: 0, best_dev_acc: 0.95, best_step: 8100, test_acc: 0.93, ...split, steps: 19000, wall_s: 12.5 };
 * assert.deepEqual(parseSummaryJson(formatSummaryJson([row]), "summary.json"), [row]);
 * ```
 */
export function parseSummaryJson(text: string, where: string): SummaryRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${where}: not valid JSON; expected an array of job rows`);
  }
  if (!Array.isArray(value)) throw new UserError(`${where}: expected an array of job rows`);
  const rows = value.map((item, i) => {
    const row = item as Record<string, unknown> | null;
    if (
      row === null || typeof row !== "object" || !CELL_KINDS.includes(row.cell as CellKind) ||
      typeof row.length !== "number" || typeof row.seed !== "number"
    ) {
      throw new UserError(`${where}: row ${i + 1} is not a job row (expected cell, length, seed)`);
    }
    const known = Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, row[c]]));
    return migrate("summary.json", known) as unknown as SummaryRow;
  });
  return sortJobs(rows);
}

/**
 * capacity.csv's text: the header and one line per job, sorted (NaN as an empty field).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCapacityCsv } from "./summary.ts";
 * const split = { test_acc_memory: 1, test_acc_adjacent: 0.9, n_memory: 80, n_adjacent: 20, first_learning_step: 300 };
 * const text = formatCapacityCsv([{ cell: "lstm", length: 50, seed: 0, best_dev_acc: 1, test_acc: 0.98, ...split, steps: 1200, wall_s: 30.5 }]);
 * assert.equal(text.split("\n")[1], "lstm,50,0,1,0.98,1,0.9,80,20,300,1200,30.5");
 * ```
 */
export function formatCapacityCsv(rows: readonly CapacityRow[]): string {
  return formatTable(CAPACITY_COLUMNS, rows);
}

/** The rows of a table whose header is `columns`, or `columns` without the memory split's. */
function parseTable(
  text: string,
  columns: readonly string[],
  where: string,
): Record<string, unknown>[] {
  const older = olderHeader(columns);
  const header = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0];
  const table = parseCsvTable(text, header === older.join(",") ? older : columns, where);
  const rows = table.map((row) => migrate("summary.csv", resultRow(row, where)));
  if (rows.length === 0) throw new UserError(`${where}: has no rows`);
  const seen = new Set<string>();
  for (const row of rows as unknown as SummaryRow[]) {
    const name = jobName(row);
    if (seen.has(name)) throw new UserError(`${where}: job ${name} is listed twice`);
    seen.add(name);
  }
  return rows;
}

/** The fields of one table row, each checked against its column's rule. */
function resultRow(row: CsvRow, where: string): Record<string, unknown> {
  const cell = row.cells.cell!.trim();
  if (!(CELL_KINDS as readonly string[]).includes(cell)) {
    throw new UserError(
      `${where} line ${row.line}: cell ${JSON.stringify(cell)} is not one of ${
        CELL_KINDS.join("|")
      }`,
    );
  }
  const int = { integer: true, min: 0 };
  const acc = { min: 0, max: 1 };
  const rules: Record<string, [typeof int | typeof acc | { min: number }, boolean]> = {
    length: [{ integer: true, min: 1 }, false],
    seed: [int, false],
    // empty for a job that stopped before its first evaluation
    best_dev_acc: [acc, true],
    best_step: [int, false],
    test_acc: [acc, true],
    test_acc_memory: [acc, true],
    test_acc_adjacent: [acc, true],
    n_memory: [int, true],
    n_adjacent: [int, true],
    first_learning_step: [int, true],
    steps: [int, false],
    wall_s: [{ min: 0 }, false],
  };
  const out: Record<string, unknown> = { cell };
  for (const name of Object.keys(row.cells)) {
    if (name === "cell") continue;
    const [rule, optional] = rules[name]!;
    out[name] = numberCell(row, name, where, rule, optional);
  }
  return out;
}

/**
 * The rows of a summary.csv text, sorted by job; `where` names the file in errors. A summary
 * without the memory split's columns (a run trained before it) reads them as NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSummaryCsv } from "./summary.ts";
 * const rows = parseSummaryCsv(
 *   "cell,length,seed,best_dev_acc,best_step,test_acc,steps,wall_s\nlstm,10,0,0.95,1200,0.93,19000,40.5\n",
 *   "runs/x: summary.csv",
 * );
 * assert.deepEqual([rows[0]!.test_acc, rows[0]!.n_memory], [0.93, NaN]);
 * ```
 */
export function parseSummaryCsv(text: string, where: string): SummaryRow[] {
  return sortJobs(parseTable(text, SUMMARY_COLUMNS, where) as unknown as SummaryRow[]);
}

/**
 * The rows of a capacity.csv text, sorted by job; `where` names the file in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCapacityCsv } from "./summary.ts";
 * const text = "cell,length,seed,best_dev_acc,test_acc,test_acc_memory,test_acc_adjacent,n_memory,n_adjacent,first_learning_step,steps,wall_s\n" +
 *   "gru,20,1,1,0.97,1,0.9,80,20,,1200,30.5\n";
 * assert.deepEqual(parseCapacityCsv(text, "capacity.csv")[0]!.first_learning_step, NaN);
 * ```
 */
export function parseCapacityCsv(text: string, where: string): CapacityRow[] {
  return sortJobs(parseTable(text, CAPACITY_COLUMNS, where) as unknown as CapacityRow[]);
}
