/**
 * The adding problem (Hochreiter & Schmidhuber 1997, in the variant of Le et al. 2015 and
 * Arjovsky et al. 2016): a sequence of T steps with two real-valued channels, a value
 * x ~ U[0, 1) and a marker that is 1 at exactly one step of each half and 0 elsewhere; the
 * target is the sum of the two marked values, read once after the last step (MSE loss).
 * @module
 */

import type { MT19937 } from "../data/mt19937.ts";

/** Channels per step: 0 is the value, 1 the marker. */
export const ADDING_CHANNELS = 2;

/**
 * The memoryless baseline's MSE, 1/6: the best constant prediction is the mean of the target,
 * E[x₁ + x₂] = 1, and its MSE is Var(x₁ + x₂) = 2 · 1/12 for two independent U[0, 1] values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ADDING_BASELINE_MSE } from "./adding.ts";
 * assert.equal(ADDING_BASELINE_MSE.toFixed(4), "0.1667");
 * ```
 */
export const ADDING_BASELINE_MSE: number = 1 / 6;

/** A batch of the adding problem. */
export interface AddingBatch {
  /** Examples in the batch, B. */
  batch: number;
  /** Steps per sequence, T. */
  length: number;
  /** `[B, T, 2]`: per step the value (channel 0) and the marker (channel 1). */
  inputs: Float32Array;
  /** `[B]`: the sum of the two marked values. */
  targets: Float32Array;
}

/**
 * A batch of `batch` adding-problem sequences of `length` steps, drawn from `rng`: for each
 * example, `length` values (`rng.random()`, rounded to float32), then the first marker's step
 * uniform in [0, ⌊T/2⌋) and the second's in [⌊T/2⌋, T) (`rng.randint`). The same generator state
 * gives the same batch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MT19937 } from "../data/mt19937.ts";
 * import { generateAdding } from "./adding.ts";
 * const { inputs, targets } = generateAdding(new MT19937(0), 1, 4);
 * const marked = [0, 1, 2, 3].filter((t) => inputs[2 * t + 1] === 1);
 * assert.equal(marked.length, 2);
 * assert.ok(marked[0]! < 2 && marked[1]! >= 2); // one marker in each half
 * assert.equal(targets[0], Math.fround(inputs[2 * marked[0]!]! + inputs[2 * marked[1]!]!));
 * ```
 */
export function generateAdding(rng: MT19937, batch: number, length: number): AddingBatch {
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`batch must be an integer >= 1, got ${batch}`);
  }
  if (!Number.isInteger(length) || length < 2) {
    throw new RangeError(`length must be an integer >= 2 (one marker in each half), got ${length}`);
  }
  const C = ADDING_CHANNELS;
  const inputs = new Float32Array(batch * length * C);
  const targets = new Float32Array(batch);
  const half = Math.floor(length / 2);
  for (let b = 0; b < batch; b++) {
    const row = b * length * C;
    for (let t = 0; t < length; t++) inputs[row + t * C] = rng.random();
    const first = rng.randint(0, half);
    const second = rng.randint(half, length);
    inputs[row + first * C + 1] = 1;
    inputs[row + second * C + 1] = 1;
    targets[b] = inputs[row + first * C]! + inputs[row + second * C]!;
  }
  return { batch, length, inputs, targets };
}

/**
 * The MSE of the memoryless baseline on `targets`: always predicting 1, mean (y − 1)². On a
 * large sample it approaches {@linkcode ADDING_BASELINE_MSE}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addingBaselineMse } from "./adding.ts";
 * assert.equal(addingBaselineMse(new Float32Array([0.5, 1.5, 1])), 1 / 6);
 * ```
 */
export function addingBaselineMse(targets: Float32Array): number {
  if (targets.length === 0) throw new RangeError("targets must hold at least one value");
  let sum = 0;
  for (const y of targets) sum += (y - 1) * (y - 1);
  return sum / targets.length;
}
