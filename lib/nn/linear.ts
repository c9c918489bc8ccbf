/**
 * A fully connected layer, PyTorch's `nn.Linear`: y = x · Wᵀ + b.
 * @module
 */

import { matmulBT } from "./matmul.ts";

/**
 * out = x · wᵀ + b — `out [N,O]`, `x [N,I]`, `w [O,I]`, `b [O]` (or null: no bias).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linearForward } from "./linear.ts";
 * const out = new Float32Array(1);
 * linearForward(out, new Float32Array([1, 2]), new Float32Array([3, 4]), new Float32Array([0.5]), 1, 2, 1);
 * assert.equal(out[0], 11.5);
 * ```
 */
export function linearForward(
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | null,
  N: number,
  I: number,
  O: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) out[n * O + o] = b ? b[o]! : 0;
  }
  matmulBT(out, 0, x, 0, w, 0, N, O, I);
}

/**
 * Gradients of {@linkcode linearForward}, accumulated (`+=`): `dx [N,I]` (or null), `dw [O,I]`,
 * `db [O]` (or null), from `dout [N,O]`, `x [N,I]`, `w [O,I]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linearBackward } from "./linear.ts";
 * const dx = new Float32Array(2), dw = new Float32Array(2), db = new Float32Array(1);
 * linearBackward(dx, dw, db, new Float32Array([1]), new Float32Array([1, 2]), new Float32Array([3, 4]), 1, 2, 1);
 * assert.deepEqual(Array.from(dx), [3, 4]);
 * assert.deepEqual(Array.from(dw), [1, 2]);
 * assert.equal(db[0], 1);
 * ```
 */
export function linearBackward(
  dx: Float32Array | null,
  dw: Float32Array,
  db: Float32Array | null,
  dout: Float32Array,
  x: Float32Array,
  w: Float32Array,
  N: number,
  I: number,
  O: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) if (db) db[o]! += dout[n * O + o]!;
  }
  // dw[o, :] += Σ_n dout[n, o] · x[n, :], four rows of x at a time
  for (let o = 0; o < O; o++) {
    const wRow = o * I;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const g0 = dout[n * O + o]!, g1 = dout[(n + 1) * O + o]!;
      const g2 = dout[(n + 2) * O + o]!, g3 = dout[(n + 3) * O + o]!;
      const x0 = n * I, x1 = x0 + I, x2 = x1 + I, x3 = x2 + I;
      for (let i = 0; i < I; i++) {
        dw[wRow + i]! += g0 * x[x0 + i]! + g1 * x[x1 + i]! + g2 * x[x2 + i]! + g3 * x[x3 + i]!;
      }
    }
    for (; n < N; n++) {
      const g = dout[n * O + o]!;
      for (let i = 0; i < I; i++) dw[wRow + i]! += g * x[n * I + i]!;
    }
  }
  if (!dx) return;
  // dx[n, :] += Σ_o dout[n, o] · w[o, :], four rows of w at a time
  for (let n = 0; n < N; n++) {
    const xRow = n * I;
    let o = 0;
    for (; o + 3 < O; o += 4) {
      const g0 = dout[n * O + o]!, g1 = dout[n * O + o + 1]!;
      const g2 = dout[n * O + o + 2]!, g3 = dout[n * O + o + 3]!;
      const w0 = o * I, w1 = w0 + I, w2 = w1 + I, w3 = w2 + I;
      for (let i = 0; i < I; i++) {
        dx[xRow + i]! += g0 * w[w0 + i]! + g1 * w[w1 + i]! + g2 * w[w2 + i]! + g3 * w[w3 + i]!;
      }
    }
    for (; o < O; o++) {
      const g = dout[n * O + o]!;
      for (let i = 0; i < I; i++) dx[xRow + i]! += g * w[o * I + i]!;
    }
  }
}
