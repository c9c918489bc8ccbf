/**
 * The strict reader of digit-sum files: one example a line, digits joined by single spaces, a
 * TAB, the label. Every malformed line is a {@linkcode DataError} naming the file and the line.
 * @module
 */

import { DataError } from "./errors.ts";

/** A digit-sum data set in flat typed arrays. */
export interface DigitSumData {
  /** The digits, row-major `[n, length]`. */
  digits: Int32Array;
  /** The labels `[n]`; -1 for every line when the file carries no labels. */
  labels: Int32Array;
  /** Number of examples. */
  n: number;
  /** Sequence length (digits per line). */
  length: number;
  /** Whether the lines carry labels (always true unless `labels: "optional"` was asked for). */
  hasLabels: boolean;
}

/** Options of {@linkcode parseDigitSum} and {@linkcode readDigitSum}. */
export interface ReadOptions {
  /** Labels must lie in [0, numClasses) (default 19: sums 0–18). */
  numClasses?: number;
  /**
   * `"required"` (default): every line is `digits TAB label`. `"optional"`: lines may instead
   * be digits alone (as for `predict`), but all lines of a file must agree.
   */
  labels?: "required" | "optional";
}

const INTEGER = /^-?\d+$/;

/**
 * Parse the text of a digit-sum file; `path` only names the file in error messages.
 * Accepts CRLF line ends, a UTF-8 BOM, and a final newline or none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDigitSum } from "./reader.ts";
 * const data = parseDigitSum("1 2 0 7\t3\n4 0 9 0\t4\n", "mini.txt");
 * assert.equal(data.n, 2);
 * assert.equal(data.length, 4);
 * assert.deepEqual(Array.from(data.labels), [3, 4]);
 * ```
 */
export function parseDigitSum(text: string, path: string, options: ReadOptions = {}): DigitSumData {
  const { numClasses = 19, labels: labelMode = "required" } = options;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) {
    throw new DataError(path, 0, "file is empty; expected lines of digits, a TAB and a label");
  }
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const n = lines.length;
  let length = -1;
  let hasLabels = true;
  let digits = new Int32Array(0);
  const labels = new Int32Array(n);
  for (let row = 0; row < n; row++) {
    const lineNo = row + 1;
    let line = lines[row]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() === "") {
      throw new DataError(path, lineNo, "blank line; expected digits, a TAB and a label");
    }
    const fields = line.split("\t");
    if (fields.length > 2) {
      throw new DataError(path, lineNo, `expected one TAB, found ${fields.length - 1}`);
    }
    const lineHasLabel = fields.length === 2;
    if (row === 0) {
      hasLabels = lineHasLabel;
      if (!lineHasLabel && labelMode === "required") {
        throw new DataError(path, lineNo, "expected a TAB between the digits and the label");
      }
    } else if (lineHasLabel !== hasLabels) {
      throw new DataError(
        path,
        lineNo,
        hasLabels
          ? "expected a TAB between the digits and the label"
          : "expected digits only, as on line 1 (no TAB and label)",
      );
    }
    const tokens = fields[0]!.split(" ");
    if (row === 0) {
      length = tokens.length;
      digits = new Int32Array(n * length);
    } else if (tokens.length !== length) {
      throw new DataError(
        path,
        lineNo,
        `expected ${length} digits as on line 1, found ${tokens.length}`,
      );
    }
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t]!;
      if (!INTEGER.test(token)) {
        throw new DataError(
          path,
          lineNo,
          `expected a digit 0-9 separated by single spaces at position ${t + 1}, found ${
            JSON.stringify(token)
          }`,
        );
      }
      const digit = Number(token);
      if (digit < 0 || digit > 9) {
        throw new DataError(
          path,
          lineNo,
          `expected a digit 0-9 at position ${t + 1}, found ${digit}`,
        );
      }
      digits[row * length + t] = digit;
    }
    if (hasLabels) {
      const token = fields[1]!;
      if (!INTEGER.test(token)) {
        throw new DataError(
          path,
          lineNo,
          `expected an integer label after the TAB, found ${JSON.stringify(token)}`,
        );
      }
      const label = Number(token);
      if (label < 0 || label >= numClasses) {
        throw new DataError(path, lineNo, `expected a label in [0, ${numClasses}), found ${label}`);
      }
      labels[row] = label;
    } else {
      labels[row] = -1;
    }
  }
  return { digits, labels, n, length, hasLabels };
}

/**
 * Read a digit-sum file strictly (see {@linkcode parseDigitSum}); a missing file is a
 * {@linkcode DataError} too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readDigitSum } from "./reader.ts";
 * const train = await readDigitSum("datasets/10/train.txt");
 * assert.equal(train.n, 300);
 * assert.equal(train.length, 10);
 * ```
 */
export async function readDigitSum(path: string, options: ReadOptions = {}): Promise<DigitSumData> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new DataError(path, 0, "file not found; expected a digit-sum data file");
    }
    if (err instanceof Deno.errors.IsADirectory) {
      throw new DataError(path, 0, "is a directory; expected a digit-sum data file");
    }
    throw err;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(path, 0, "is not UTF-8 text; expected a digit-sum data file");
  }
  return parseDigitSum(text, path, options);
}
