/**
 * The whole input space of the digit-sum task at one length: every (first digit, second digit,
 * noise position, noise value), 100 × (L − 2) × 10 sequences, each as likely under the book's
 * generator (which draws the position and the value uniformly). The book's test split is 100 of
 * them, one per digit pair; accuracy over the whole space has no sampling error, and over a
 * seeded sample of it a known one.
 * @module
 */

import { MT19937 } from "./mt19937.ts";
import type { DigitSumData } from "./reader.ts";

/**
 * The number of sequences in the input space at `length`: 1,000 × (L − 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inputSpaceSize } from "./input_space.ts";
 * assert.equal(inputSpaceSize(10), 8000);
 * ```
 */
export function inputSpaceSize(length: number): number {
  return 1000 * (length - 2);
}

/** The sequence with index `i` of the space: `i = ((a·10 + b)·(L − 2) + p)·10 + v`. */
function fill(digits: Int32Array, row: number, length: number, i: number): number {
  const v = i % 10;
  const p = Math.floor(i / 10) % (length - 2);
  const pair = Math.floor(i / (10 * (length - 2)));
  const a = Math.floor(pair / 10), b = pair % 10;
  const at = row * length;
  digits.fill(0, at, at + length);
  digits[at] = a;
  digits[at + 1] = b;
  digits[at + 2 + p] = v;
  return a + b;
}

/**
 * The input space at `length` as a labelled data set: all of it in index order when it holds at
 * most `limit` sequences (default 10,000), otherwise `limit` sequences drawn uniformly with
 * replacement by an MT19937 seeded with `seed` (default 0).
 *
 * @example The four sequences of length 3 for the pair (1, 2) with noise 0 … 3
 * ```ts
 * import assert from "node:assert/strict";
 * import { inputSpace } from "./input_space.ts";
 * const space = inputSpace(3);
 * assert.equal(space.data.n, 1000);
 * assert.equal(space.exhaustive, true);
 * assert.deepEqual([...space.data.digits.subarray(120 * 3, 124 * 3)], [1, 2, 0, 1, 2, 1, 1, 2, 2, 1, 2, 3]);
 * assert.deepEqual([...space.data.labels.subarray(120, 124)], [3, 3, 3, 3]);
 * ```
 */
export function inputSpace(
  length: number,
  { limit = 10_000, seed = 0 }: { limit?: number; seed?: number } = {},
): { data: DigitSumData; exhaustive: boolean } {
  if (!Number.isInteger(length) || length < 3) {
    throw new RangeError(`inputSpace: length ${length} must be an integer >= 3`);
  }
  const size = inputSpaceSize(length);
  const exhaustive = size <= limit;
  const n = exhaustive ? size : limit;
  const digits = new Int32Array(n * length);
  const labels = new Int32Array(n);
  const rng = new MT19937(seed);
  for (let row = 0; row < n; row++) {
    // random() has 53 bits: uniform over any space this task can have
    const i = exhaustive ? row : Math.floor(rng.random() * size);
    labels[row] = fill(digits, row, length, i);
  }
  return { data: { digits, labels, n, length, hasLabels: true }, exhaustive };
}
