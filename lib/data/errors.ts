import { UserError } from "../errors.ts";

/**
 * A data file that cannot be read as the digit-sum format. The message names the file, the line
 * and what was expected, e.g. `datasets/10/train.txt:17: expected a TAB between the digits and
 * the label`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataError } from "./errors.ts";
 * const err = new DataError("a.txt", 3, "expected a TAB between the digits and the label");
 * assert.equal(err.message, "a.txt:3: expected a TAB between the digits and the label");
 * ```
 */
export class DataError extends UserError {
  /** The file, as the caller named it. */
  readonly path: string;
  /** The 1-based line number, or 0 when the problem is the whole file. */
  readonly line: number;

  /** A `DataError` for `path` at `line` (0: the file as a whole). */
  constructor(path: string, line: number, expected: string) {
    super(line > 0 ? `${path}:${line}: ${expected}` : `${path}: ${expected}`);
    this.name = "DataError";
    this.path = path;
    this.line = line;
  }
}
