/**
 * Strict CSV reading for the run's tables (summary.csv, capacity.csv): an exact header, a fixed number of fields, typed cells, and
 * one-line {@linkcode UserError}s that name the file and line of anything wrong.
 * @module
 */

import { parse } from "csv-parse/sync";
import { UserError } from "../errors.ts";
import { numberField, type NumberRule, optionalNumberField } from "./fields.ts";

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
 * assert.deepEqual(rows[1], { cells: { step: "2", loss: "2.1" }, line: 3 });
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

/**
 * The number in column `name` of `row`, checked against `rule` (see {@linkcode numberField});
 * with `optional`, an empty cell is NaN. `where` names the file in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberCell } from "./csv_table.ts";
 * assert.equal(numberCell({ cells: { seed: "3" }, line: 2 }, "seed", "s.csv", { integer: true }), 3);
 * assert.equal(numberCell({ cells: { n_memory: "" }, line: 5 }, "n_memory", "s.csv", {}, true), NaN);
 * ```
 */
export function numberCell(
  row: CsvRow,
  name: string,
  where: string,
  rule: NumberRule = {},
  optional = false,
): number {
  const read = optional ? optionalNumberField : numberField;
  return read(row.cells[name] ?? "", name, `${where} line ${row.line}`, rule);
}
