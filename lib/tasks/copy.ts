/**
 * The copy task (Arjovsky, Shah & Bengio 2016): 10 symbols drawn from 8 (1–8), T − 1 blanks (0),
 * the delimiter (9) and 10 more blanks, T + 20 steps in all; the target is blank at every step
 * but the last 10, where the 10 symbols are to be written out in order (cross-entropy at every
 * step). The delimiter comes T steps after the last symbol, as in the authors' generator.
 * @module
 */

import type { MT19937 } from "../data/mt19937.ts";

/** The symbols to copy, per sequence. */
export const COPY_SYMBOLS = 10;
/** The alphabet, inputs and targets alike: 0 blank, 1–8 the symbols, 9 the delimiter. */
export const COPY_VOCAB = 10;
/** The blank. */
export const COPY_BLANK = 0;
/** The delimiter: write the symbols out now. */
export const COPY_DELIMITER = 9;

/**
 * Steps of a copy sequence with delay `delay` (T): T + 20.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyLength } from "./copy.ts";
 * assert.equal(copyLength(100), 120);
 * ```
 */
export function copyLength(delay: number): number {
  return delay + 2 * COPY_SYMBOLS;
}

/**
 * The memoryless baseline in nats per step, 10 · ln 8 / (T + 20): a model that outputs blanks
 * until the delimiter and then the uniform distribution over the 8 symbols pays ln 8 at each of
 * the last 10 steps and nothing elsewhere.
 *
 * @example The values Arjovsky et al. quote
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyBaseline } from "./copy.ts";
 * assert.deepEqual([100, 200, 500, 1000].map((t) => copyBaseline(t).toFixed(4)), [
 *   "0.1733", "0.0945", "0.0400", "0.0204",
 * ]);
 * ```
 */
export function copyBaseline(delay: number): number {
  checkDelay(delay);
  return (COPY_SYMBOLS * Math.log(8)) / copyLength(delay);
}

/** A batch of the copy task. */
export interface CopyBatch {
  /** Examples in the batch, B. */
  batch: number;
  /** The delay T. */
  delay: number;
  /** Steps per sequence, L = T + 20. */
  length: number;
  /** `[B, L]`: the input symbols. */
  inputs: Int32Array;
  /** `[B, L]`: the target symbol at every step. */
  targets: Int32Array;
}

/**
 * A batch of `batch` copy sequences with delay `delay`, the 10 symbols of each example drawn in
 * order with `rng.randint(1, 9)`. The same generator state gives the same batch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MT19937 } from "../data/mt19937.ts";
 * import { generateCopy } from "./copy.ts";
 * const { inputs, targets, length } = generateCopy(new MT19937(0), 1, 3);
 * assert.equal(length, 23);
 * assert.deepEqual(Array.from(inputs.subarray(10)), [0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
 * assert.deepEqual(Array.from(targets.subarray(13)), Array.from(inputs.subarray(0, 10)));
 * ```
 */
export function generateCopy(rng: MT19937, batch: number, delay: number): CopyBatch {
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`batch must be an integer >= 1, got ${batch}`);
  }
  checkDelay(delay);
  const L = copyLength(delay);
  const inputs = new Int32Array(batch * L);
  const targets = new Int32Array(batch * L);
  for (let b = 0; b < batch; b++) {
    const row = b * L;
    for (let k = 0; k < COPY_SYMBOLS; k++) {
      const symbol = rng.randint(1, 9);
      inputs[row + k] = symbol;
      targets[row + L - COPY_SYMBOLS + k] = symbol;
    }
    inputs[row + COPY_SYMBOLS + delay - 1] = COPY_DELIMITER;
  }
  return { batch, delay, length: L, inputs, targets };
}

/**
 * The memoryless baseline's logits for one sequence, `[L, 10]` with L = T + 20: before the last
 * 10 steps, 0 for the blank and −∞ elsewhere (it is certain); at the last 10 steps, 0 for the
 * symbols 1–8 and −∞ for the blank and the delimiter (uniform over the symbols). Their
 * cross-entropy on any copy sequence of that delay is {@linkcode copyBaseline}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyBaselineLogits } from "./copy.ts";
 * const logits = copyBaselineLogits(1);
 * assert.equal(logits.length, 21 * 10);
 * assert.deepEqual(Array.from(logits.subarray(0, 3)), [0, -Infinity, -Infinity]);
 * ```
 */
export function copyBaselineLogits(delay: number): Float32Array {
  checkDelay(delay);
  const L = copyLength(delay);
  const logits = new Float32Array(L * COPY_VOCAB).fill(-Infinity);
  for (let t = 0; t < L; t++) {
    const row = t * COPY_VOCAB;
    if (t < L - COPY_SYMBOLS) logits[row + COPY_BLANK] = 0;
    else logits.fill(0, row + 1, row + 9);
  }
  return logits;
}

function checkDelay(delay: number): void {
  if (!Number.isInteger(delay) || delay < 1) {
    throw new RangeError(`delay must be an integer >= 1, got ${delay}`);
  }
}
