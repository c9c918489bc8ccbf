/**
 * Softmax cross-entropy, the mean over the batch, as PyTorch's `F.cross_entropy`.
 * @module
 */

/**
 * probs = softmax(logits); returns mean_b −log probs[b, labels[b]] — `probs [B,C]`,
 * `logits [B,C]`, `labels [B]`. A label of -1 (unknown) adds nothing to the loss.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossEntropyForward } from "./loss.ts";
 * const probs = new Float32Array(2);
 * const loss = crossEntropyForward(probs, new Float32Array([0, 0]), new Int32Array([1]), 1, 2);
 * assert.equal(loss.toFixed(4), "0.6931");
 * ```
 */
export function crossEntropyForward(
  probs: Float32Array,
  logits: Float32Array,
  labels: Int32Array,
  B: number,
  C: number,
): number {
  let total = 0;
  for (let b = 0; b < B; b++) {
    const row = b * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[row + c]!);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[row + c]! - max);
    for (let c = 0; c < C; c++) probs[row + c] = Math.exp(logits[row + c]! - max) / sum;
    const label = labels[b]!;
    if (label >= 0) total += Math.log(sum) + max - logits[row + label]!;
  }
  return total / B;
}

/**
 * dlogits = (probs − onehot(labels)) / B — `dlogits [B,C]` (overwritten), `probs [B,C]`. A row
 * whose label is -1 added nothing to the loss, so its gradient is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossEntropyBackward } from "./loss.ts";
 * const dlogits = new Float32Array(2);
 * crossEntropyBackward(dlogits, new Float32Array([0.5, 0.5]), new Int32Array([1]), 1, 2);
 * assert.deepEqual(Array.from(dlogits), [0.5, -0.5]);
 * const two = new Float32Array(4); // B = 2, the second row unlabelled
 * crossEntropyBackward(two, new Float32Array([0.5, 0.5, 0.5, 0.5]), new Int32Array([1, -1]), 2, 2);
 * assert.deepEqual(Array.from(two), [0.25, -0.25, 0, 0]);
 * ```
 */
export function crossEntropyBackward(
  dlogits: Float32Array,
  probs: Float32Array,
  labels: Int32Array,
  B: number,
  C: number,
): void {
  for (let b = 0; b < B; b++) {
    const row = b * C;
    const label = labels[b]!;
    for (let c = 0; c < C; c++) {
      dlogits[row + c] = label < 0 ? 0 : (probs[row + c]! - (c === label ? 1 : 0)) / B;
    }
  }
}
