/**
 * Mean squared error, the mean over every element, as PyTorch's `F.mse_loss`.
 * @module
 */

/**
 * Returns mean_n (pred[n] − target[n])² — `pred [N]`, `target [N]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mseForward } from "./mse.ts";
 * assert.equal(mseForward(new Float32Array([1, 3]), new Float32Array([1, 1]), 2), 2);
 * ```
 */
export function mseForward(pred: Float32Array, target: Float32Array, N: number): number {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const diff = pred[n]! - target[n]!;
    total += diff * diff;
  }
  return total / N;
}

/**
 * dpred = 2 · (pred − target) / N — `dpred [N]` (overwritten), `pred [N]`, `target [N]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mseBackward } from "./mse.ts";
 * const dpred = new Float32Array(2);
 * mseBackward(dpred, new Float32Array([1, 3]), new Float32Array([1, 1]), 2);
 * assert.deepEqual(Array.from(dpred), [0, 2]);
 * ```
 */
export function mseBackward(
  dpred: Float32Array,
  pred: Float32Array,
  target: Float32Array,
  N: number,
): void {
  for (let n = 0; n < N; n++) dpred[n] = (2 * (pred[n]! - target[n]!)) / N;
}
