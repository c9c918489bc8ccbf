/**
 * Looking rows up by token: PyTorch's `nn.Embedding`, and the time-major gather that turns a
 * `[B,T]` batch of tokens into `[T,B,D]` rows of a table (and its scatter-add backward).
 *
 * The model uses the gather on a precomputed table `embedding · W_ihᵀ + b` of shape `[V, G·H]`:
 * with only V = 10 symbols the input projection of every step becomes a row copy.
 * @module
 */

/**
 * out[n] = weight[tokens[n]] — `out [N,D]`, `weight [V,D]`, `tokens [N]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddingForward } from "./embedding.ts";
 * const out = new Float32Array(2);
 * embeddingForward(out, new Float32Array([0, 1, 2, 3]), new Int32Array([1]), 1, 2);
 * assert.deepEqual(Array.from(out), [2, 3]);
 * ```
 */
export function embeddingForward(
  out: Float32Array,
  weight: Float32Array,
  tokens: Int32Array,
  N: number,
  D: number,
): void {
  for (let n = 0; n < N; n++) {
    const src = tokens[n]! * D;
    out.set(weight.subarray(src, src + D), n * D);
  }
}

/**
 * dweight[tokens[n]] += dout[n] — `dweight [V,D]`, `dout [N,D]`, `tokens [N]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddingBackward } from "./embedding.ts";
 * const dweight = new Float32Array(4);
 * embeddingBackward(dweight, new Float32Array([1, 1, 2, 2]), new Int32Array([1, 1]), 2, 2);
 * assert.deepEqual(Array.from(dweight), [0, 0, 3, 3]);
 * ```
 */
export function embeddingBackward(
  dweight: Float32Array,
  dout: Float32Array,
  tokens: Int32Array,
  N: number,
  D: number,
): void {
  for (let n = 0; n < N; n++) {
    const dst = tokens[n]! * D;
    const src = n * D;
    for (let d = 0; d < D; d++) dweight[dst + d]! += dout[src + d]!;
  }
}

/**
 * out[t, b] = table[tokens[b, t]] — `out [T,B,D]` (time-major), `table [V,D]`, `tokens [B,T]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherTimeMajor } from "./embedding.ts";
 * const out = new Float32Array(4); // T = 2, B = 2, D = 1
 * gatherTimeMajor(out, new Float32Array([10, 11, 12]), new Int32Array([0, 1, 2, 0]), 2, 2, 1);
 * assert.deepEqual(Array.from(out), [10, 12, 11, 10]);
 * ```
 */
export function gatherTimeMajor(
  out: Float32Array,
  table: Float32Array,
  tokens: Int32Array,
  B: number,
  T: number,
  D: number,
): void {
  for (let t = 0; t < T; t++) gatherStep(out, t * B * D, table, tokens, t, T, 0, B, D);
}

/**
 * One step of {@linkcode gatherTimeMajor} for the batch rows [b0, b1):
 * out[outOffset + b·D …] = table[tokens[b, t]] — `out [B,D]` at its offset, `table [V,D]`,
 * `tokens [B,T]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherStep } from "./embedding.ts";
 * const out = new Float32Array(2); // B = 2, D = 1; step t = 1 of T = 2
 * gatherStep(out, 0, new Float32Array([10, 11, 12]), new Int32Array([0, 1, 2, 0]), 1, 2, 0, 2, 1);
 * assert.deepEqual(Array.from(out), [11, 10]);
 * ```
 */
export function gatherStep(
  out: Float32Array,
  outOffset: number,
  table: Float32Array,
  tokens: Int32Array,
  t: number,
  T: number,
  b0: number,
  b1: number,
  D: number,
): void {
  for (let b = b0; b < b1; b++) {
    const src = tokens[b * T + t]! * D;
    const dst = outOffset + b * D;
    for (let d = 0; d < D; d++) out[dst + d] = table[src + d]!;
  }
}

/**
 * dtable[tokens[b, t]] += dout[t, b] — the backward of {@linkcode gatherTimeMajor}:
 * `dtable [V,D]`, `dout [T,B,D]`, `tokens [B,T]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scatterAddTimeMajor } from "./embedding.ts";
 * const dtable = new Float32Array(3);
 * scatterAddTimeMajor(dtable, new Float32Array([1, 2, 3, 4]), new Int32Array([0, 1, 2, 0]), 2, 2, 1);
 * assert.deepEqual(Array.from(dtable), [5, 3, 2]);
 * ```
 */
export function scatterAddTimeMajor(
  dtable: Float32Array,
  dout: Float32Array,
  tokens: Int32Array,
  B: number,
  T: number,
  D: number,
): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const dst = tokens[b * T + t]! * D;
      const src = (t * B + b) * D;
      for (let d = 0; d < D; d++) dtable[dst + d]! += dout[src + d]!;
    }
  }
}
