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
 * import { linearForward } from "./linear.ts";
 * const out = new Float32Array(1);
 * linearForward(out, new Float32Array([1, 2]), new Float32Array([3, 4]), new Float32Array([0.5]), 1, 2, 1);
 * console.log(out[0]); // 11.5
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
 * import { linearBackward } from "./linear.ts";
 * const dx = new Float32Array(2), dw = new Float32Array(2), db = new Float32Array(1);
 * linearBackward(dx, dw, db, new Float32Array([1]), new Float32Array([1, 2]), new Float32Array([3, 4]), 1, 2, 1);
 * console.log(Array.from(dx), Array.from(dw), db[0]); // [3, 4] [1, 2] 1
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
    const xRow = n * I;
    for (let o = 0; o < O; o++) {
      const g = dout[n * O + o]!;
      if (g === 0) continue;
      if (db) db[o]! += g;
      const wRow = o * I;
      for (let i = 0; i < I; i++) {
        dw[wRow + i]! += g * x[xRow + i]!;
        if (dx) dx[xRow + i]! += g * w[wRow + i]!;
      }
    }
  }
}
