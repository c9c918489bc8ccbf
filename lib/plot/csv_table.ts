/**
 * Strict CSV reading for result files: an exact header, a fixed number of fields, typed cells, and
 * one-line {@linkcode UserError}s that name the file and line of anything wrong.
 * @module
 */

import { parse } from "csv-parse/sync";
import { UserError } from "../errors.ts";

/** One data row of a CSV file: its cells by column name and its 1-based line in the file. */
export interface CsvRow {
  /** The row's cells, by column name (every column of the header is present). */
  cells: Record<string, string>;
  /** The line of the file the row starts on (the header is line 1). */
  line: number;
}

/**
 * Parse CSV `text` whose header must be exactly `columns`; `where` names the file in errors.
 * Empty lines are skipped; a ragged row, a bad quote or a wrong header is a {@linkcode UserError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsvTable } from "./csv_table.ts";
 * const rows = parseCsvTable("step,loss\n1,2.5\n2,2.1\n", ["step", "loss"], "m.csv");
 * assert.equal(rows[1]!.cells.loss, "2.1");
 * assert.equal(rows[1]!.line, 3);
 * ```
 */
export function parseCsvTable(text: string, columns: readonly string[], where: string): CsvRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true, // checked below, with a clearer message
      record_delimiter: ["\r\n", "\n"],
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    // Quoting errors: csv-parse's message names the line itself.
    throw new UserError(`${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [head, ...body] = records;
  if (head === undefined) throw new UserError(`${where}: the file is empty`);
  if (head.record.join(",") !== columns.join(",")) {
    throw new UserError(
      `${where}: the header must be "${columns.join(",")}", got ${
        JSON.stringify(head.record.join(","))
      }`,
    );
  }
  return body.map(({ record, info }) => {
    if (record.length !== columns.length) {
      throw new UserError(
        `${where} line ${info.lines}: expected ${columns.length} fields, got ${record.length}`,
      );
    }
    const cells: Record<string, string> = {};
    columns.forEach((name, i) => (cells[name] = record[i]!));
    return { cells, line: info.lines };
  });
}

/** How a numeric cell is checked by {@linkcode numberCell}. */
export interface NumberRule {
  /** Only integers are accepted. */
  integer?: boolean;
  /** The smallest value accepted. */
  min?: number;
  /** The largest value accepted. */
  max?: number;
  /** `NaN`, `Infinity` and `-Infinity` are accepted (a diverged loss), bypassing min and max. */
  nonFinite?: boolean;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = {
  NaN: NaN,
  nan: NaN,
  Infinity: Infinity,
  inf: Infinity,
  "+Infinity": Infinity,
  "-Infinity": -Infinity,
  "-inf": -Infinity,
};

/**
 * The number in column `name` of `row`, checked against `rule`; `where` names the file in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberCell } from "./csv_table.ts";
 * const row = { cells: { seed: "3" }, line: 2 };
 * assert.equal(numberCell(row, "seed", "s.csv", { integer: true, min: 0 }), 3);
 * ```
 */
export function numberCell(
  row: CsvRow,
  name: string,
  where: string,
  rule: NumberRule = {},
): number {
  const raw = (row.cells[name] ?? "").trim();
  const bad = (expected: string): UserError =>
    new UserError(`${where} line ${row.line}: ${name} ${JSON.stringify(raw)} is not ${expected}`);
  if (rule.nonFinite && raw in NON_FINITE) return NON_FINITE[raw]!;
  if (!NUMBER.test(raw)) throw bad(rule.integer ? "an integer" : "a number");
  const value = Number(raw);
  if (rule.integer && !Number.isInteger(value)) throw bad("an integer");
  if (rule.min !== undefined && value < rule.min) throw bad(`>= ${rule.min}`);
  if (rule.max !== undefined && value > rule.max) throw bad(`<= ${rule.max}`);
  return value;
}

/**
 * Like {@linkcode numberCell}, but an empty cell gives `null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optionalNumberCell } from "./csv_table.ts";
 * assert.equal(optionalNumberCell({ cells: { dev_acc: "" }, line: 5 }, "dev_acc", "m.csv"), null);
 * ```
 */
export function optionalNumberCell(
  row: CsvRow,
  name: string,
  where: string,
  rule: NumberRule = {},
): number | null {
  return (row.cells[name] ?? "").trim() === "" ? null : numberCell(row, name, where, rule);
}
