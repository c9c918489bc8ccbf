/**
 * The one matrix product the kernels need, `out += a · bᵀ`, register-blocked 4 rows × 3 columns
 * (12 accumulators, 7 loads per 12 multiply-adds; the rest of the rows 3 × 4 or 2 × 4), plus a
 * transpose. Every output element is one float64 sum over k in order, added to `out` once, so the
 * blocking decides only speed, never the result. Arrays come with offsets so
 * that callers address slices of big workspaces without allocating views in hot loops.
 * @module
 */

/**
 * out[m, n] += Σ_k a[m, k] · b[n, k] — `out [M,N]`, `a [M,K]`, `b [N,K]`, each row-major at its
 * offset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmulBT } from "./matmul.ts";
 * const out = new Float32Array(1);
 * matmulBT(out, 0, new Float32Array([1, 2]), 0, new Float32Array([3, 4]), 0, 1, 1, 2);
 * assert.equal(out[0], 11);
 * ```
 */
export function matmulBT(
  out: Float32Array,
  outOffset: number,
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  M: number,
  N: number,
  K: number,
): void {
  let m = 0;
  for (; m + 3 < M; m += 4) rows4(out, outOffset + m * N, a, aOffset + m * K, b, bOffset, N, K);
  if (M - m === 3) rows3(out, outOffset + m * N, a, aOffset + m * K, b, bOffset, N, K);
  else if (M - m === 2) rows2(out, outOffset + m * N, a, aOffset + m * K, b, bOffset, N, K);
  else if (M - m === 1) rows1(out, outOffset + m * N, a, aOffset + m * K, b, bOffset, N, K);
}

/**
 * Four rows of `a` against every row of `b`, three at a time: 12 accumulators, 7 loads. A batch
 * of 8 streams the weights twice (instead of three times in blocks of 3 rows).
 */
function rows4(
  out: Float32Array,
  o0: number,
  a: Float32Array,
  a0: number,
  b: Float32Array,
  bOffset: number,
  N: number,
  K: number,
): void {
  const a1 = a0 + K;
  const a2 = a1 + K;
  const a3 = a2 + K;
  const o1 = o0 + N;
  const o2 = o1 + N;
  const o3 = o2 + N;
  let n = 0;
  for (; n + 2 < N; n += 3) {
    const b0 = bOffset + n * K;
    const b1 = b0 + K;
    const b2 = b1 + K;
    let s00 = 0, s01 = 0, s02 = 0;
    let s10 = 0, s11 = 0, s12 = 0;
    let s20 = 0, s21 = 0, s22 = 0;
    let s30 = 0, s31 = 0, s32 = 0;
    for (let k = 0; k < K; k++) {
      const x0 = a[a0 + k]!;
      const x1 = a[a1 + k]!;
      const x2 = a[a2 + k]!;
      const x3 = a[a3 + k]!;
      let w = b[b0 + k]!;
      s00 += x0 * w;
      s10 += x1 * w;
      s20 += x2 * w;
      s30 += x3 * w;
      w = b[b1 + k]!;
      s01 += x0 * w;
      s11 += x1 * w;
      s21 += x2 * w;
      s31 += x3 * w;
      w = b[b2 + k]!;
      s02 += x0 * w;
      s12 += x1 * w;
      s22 += x2 * w;
      s32 += x3 * w;
    }
    out[o0 + n]! += s00;
    out[o0 + n + 1]! += s01;
    out[o0 + n + 2]! += s02;
    out[o1 + n]! += s10;
    out[o1 + n + 1]! += s11;
    out[o1 + n + 2]! += s12;
    out[o2 + n]! += s20;
    out[o2 + n + 1]! += s21;
    out[o2 + n + 2]! += s22;
    out[o3 + n]! += s30;
    out[o3 + n + 1]! += s31;
    out[o3 + n + 2]! += s32;
  }
  for (; n < N; n++) {
    const b0 = bOffset + n * K;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < K; k++) {
      const w = b[b0 + k]!;
      s0 += a[a0 + k]! * w;
      s1 += a[a1 + k]! * w;
      s2 += a[a2 + k]! * w;
      s3 += a[a3 + k]! * w;
    }
    out[o0 + n]! += s0;
    out[o1 + n]! += s1;
    out[o2 + n]! += s2;
    out[o3 + n]! += s3;
  }
}

/** Two rows of `a` against every row of `b`, four at a time: 8 accumulators, 6 loads. */
function rows2(
  out: Float32Array,
  o0: number,
  a: Float32Array,
  a0: number,
  b: Float32Array,
  bOffset: number,
  N: number,
  K: number,
): void {
  const a1 = a0 + K;
  const o1 = o0 + N;
  let n = 0;
  for (; n + 3 < N; n += 4) {
    const b0 = bOffset + n * K;
    const b1 = b0 + K;
    const b2 = b1 + K;
    const b3 = b2 + K;
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    for (let k = 0; k < K; k++) {
      const x0 = a[a0 + k]!;
      const x1 = a[a1 + k]!;
      const w0 = b[b0 + k]!;
      const w1 = b[b1 + k]!;
      const w2 = b[b2 + k]!;
      const w3 = b[b3 + k]!;
      s00 += x0 * w0;
      s01 += x0 * w1;
      s02 += x0 * w2;
      s03 += x0 * w3;
      s10 += x1 * w0;
      s11 += x1 * w1;
      s12 += x1 * w2;
      s13 += x1 * w3;
    }
    out[o0 + n]! += s00;
    out[o0 + n + 1]! += s01;
    out[o0 + n + 2]! += s02;
    out[o0 + n + 3]! += s03;
    out[o1 + n]! += s10;
    out[o1 + n + 1]! += s11;
    out[o1 + n + 2]! += s12;
    out[o1 + n + 3]! += s13;
  }
  for (; n < N; n++) {
    const b0 = bOffset + n * K;
    let s0 = 0, s1 = 0;
    for (let k = 0; k < K; k++) {
      const w = b[b0 + k]!;
      s0 += a[a0 + k]! * w;
      s1 += a[a1 + k]! * w;
    }
    out[o0 + n]! += s0;
    out[o1 + n]! += s1;
  }
}

/** One row of `a` against every row of `b`. */
function rows1(
  out: Float32Array,
  o0: number,
  a: Float32Array,
  a0: number,
  b: Float32Array,
  bOffset: number,
  N: number,
  K: number,
): void {
  for (let n = 0; n < N; n++) {
    const b0 = bOffset + n * K;
    let s = 0;
    for (let k = 0; k < K; k++) s += a[a0 + k]! * b[b0 + k]!;
    out[o0 + n]! += s;
  }
}

/** Three rows of `a` against every row of `b`, four at a time: 12 accumulators, 7 loads. */
function rows3(
  out: Float32Array,
  o0: number,
  a: Float32Array,
  a0: number,
  b: Float32Array,
  bOffset: number,
  N: number,
  K: number,
): void {
  const a1 = a0 + K;
  const a2 = a1 + K;
  const o1 = o0 + N;
  const o2 = o1 + N;
  let n = 0;
  for (; n + 3 < N; n += 4) {
    const b0 = bOffset + n * K;
    const b1 = b0 + K;
    const b2 = b1 + K;
    const b3 = b2 + K;
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
    let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
    for (let k = 0; k < K; k++) {
      const x0 = a[a0 + k]!;
      const x1 = a[a1 + k]!;
      const x2 = a[a2 + k]!;
      let w = b[b0 + k]!;
      s00 += x0 * w;
      s10 += x1 * w;
      s20 += x2 * w;
      w = b[b1 + k]!;
      s01 += x0 * w;
      s11 += x1 * w;
      s21 += x2 * w;
      w = b[b2 + k]!;
      s02 += x0 * w;
      s12 += x1 * w;
      s22 += x2 * w;
      w = b[b3 + k]!;
      s03 += x0 * w;
      s13 += x1 * w;
      s23 += x2 * w;
    }
    out[o0 + n]! += s00;
    out[o0 + n + 1]! += s01;
    out[o0 + n + 2]! += s02;
    out[o0 + n + 3]! += s03;
    out[o1 + n]! += s10;
    out[o1 + n + 1]! += s11;
    out[o1 + n + 2]! += s12;
    out[o1 + n + 3]! += s13;
    out[o2 + n]! += s20;
    out[o2 + n + 1]! += s21;
    out[o2 + n + 2]! += s22;
    out[o2 + n + 3]! += s23;
  }
  for (; n < N; n++) {
    const b0 = bOffset + n * K;
    let s0 = 0, s1 = 0, s2 = 0;
    for (let k = 0; k < K; k++) {
      const w = b[b0 + k]!;
      s0 += a[a0 + k]! * w;
      s1 += a[a1 + k]! * w;
      s2 += a[a2 + k]! * w;
    }
    out[o0 + n]! += s0;
    out[o1 + n]! += s1;
    out[o2 + n]! += s2;
  }
}

/**
 * out[c, r] = inp[r, c] — `inp [rows, cols]` at its offset into `out [cols, rows]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transpose } from "./matmul.ts";
 * const out = new Float32Array(6);
 * transpose(out, new Float32Array([1, 2, 3, 4, 5, 6]), 0, 2, 3);
 * assert.deepEqual(Array.from(out), [1, 4, 2, 5, 3, 6]);
 * ```
 */
export function transpose(
  out: Float32Array,
  inp: Float32Array,
  inpOffset: number,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    const src = inpOffset + r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = inp[src + c]!;
  }
}

/** Floats of `a` and `b` one pass of {@linkcode matmulATB} reads: 256 KiB, a core's L2 cache. */
const ATB_PASS_FLOATS = 65_536;

/** `[I, J]` float64 sums of {@linkcode matmulATB} carried from one pass to the next (grown once). */
let atbSums = new Float64Array(0);

/**
 * out[i, j] += Σ_n a[n, i] · b[n, j] — `out [I,J]`, `a [N,I]`, `b [N,J]` at their offsets: a
 * weight-gradient product (`dW += dZᵀ·X`). Blocks of 3 rows × 4 columns of `out` (12
 * accumulators, 7 loads per 12 multiply-adds) walk down the rows of `a` and `b` together, in
 * passes of as many rows n as fit in a core's cache (`ATB_PASS_FLOATS`): each block's float64
 * sums are kept between passes, so every element is still one sum over n in order, added to `out`
 * once — the passes decide only speed (a long sequence's `[T·B, 4H]` no longer streams from memory
 * once per block), never the result. With `i0`, `i1` it computes only the rows [i0, i1) of `out`
 * (another thread can take the rest).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmulATB } from "./matmul.ts";
 * const out = new Float32Array(1);
 * matmulATB(out, new Float32Array([1, 2]), 0, new Float32Array([3, 4]), 0, 2, 1, 1);
 * assert.equal(out[0], 11);
 * ```
 */
export function matmulATB(
  out: Float32Array,
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  N: number,
  I: number,
  J: number,
  i0 = 0,
  i1 = I,
): void {
  if (atbSums.length < I * J) atbSums = new Float64Array(I * J);
  const sums = atbSums;
  sums.fill(0, i0 * J, i1 * J);
  const rows = Math.max(1, Math.floor(ATB_PASS_FLOATS / (I + J)));
  for (let n0 = 0; n0 < N; n0 += rows) {
    atbPass(sums, a, aOffset, b, bOffset, n0, Math.min(N, n0 + rows), I, J, i0, i1);
  }
  for (let k = i0 * J; k < i1 * J; k++) out[k]! += sums[k]!;
}

/** One pass of {@linkcode matmulATB}: rows [n0, n1) of `a` and `b` added to `sums [I,J]`. */
function atbPass(
  sums: Float64Array,
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  n0: number,
  n1: number,
  I: number,
  J: number,
  i0: number,
  i1: number,
): void {
  let i = i0;
  for (; i + 2 < i1; i += 3) {
    let j = 0;
    for (; j + 3 < J; j += 4) {
      const o0 = i * J + j;
      const o1 = o0 + J;
      const o2 = o1 + J;
      let s00 = sums[o0]!, s01 = sums[o0 + 1]!, s02 = sums[o0 + 2]!, s03 = sums[o0 + 3]!;
      let s10 = sums[o1]!, s11 = sums[o1 + 1]!, s12 = sums[o1 + 2]!, s13 = sums[o1 + 3]!;
      let s20 = sums[o2]!, s21 = sums[o2 + 1]!, s22 = sums[o2 + 2]!, s23 = sums[o2 + 3]!;
      let pa = aOffset + n0 * I + i;
      let pb = bOffset + n0 * J + j;
      for (let n = n0; n < n1; n++, pa += I, pb += J) {
        const x0 = a[pa]!;
        const x1 = a[pa + 1]!;
        const x2 = a[pa + 2]!;
        let w = b[pb]!;
        s00 += x0 * w;
        s10 += x1 * w;
        s20 += x2 * w;
        w = b[pb + 1]!;
        s01 += x0 * w;
        s11 += x1 * w;
        s21 += x2 * w;
        w = b[pb + 2]!;
        s02 += x0 * w;
        s12 += x1 * w;
        s22 += x2 * w;
        w = b[pb + 3]!;
        s03 += x0 * w;
        s13 += x1 * w;
        s23 += x2 * w;
      }
      sums[o0] = s00;
      sums[o0 + 1] = s01;
      sums[o0 + 2] = s02;
      sums[o0 + 3] = s03;
      sums[o1] = s10;
      sums[o1 + 1] = s11;
      sums[o1 + 2] = s12;
      sums[o1 + 3] = s13;
      sums[o2] = s20;
      sums[o2 + 1] = s21;
      sums[o2 + 2] = s22;
      sums[o2 + 3] = s23;
    }
    if (j < J) atbOne(sums, a, aOffset, b, bOffset, n0, n1, I, J, i, i + 3, j);
  }
  if (i < i1) atbOne(sums, a, aOffset, b, bOffset, n0, n1, I, J, i, i1, 0);
}

/** The edge of {@linkcode atbPass}: rows [i0, i1) from column j0 on, one element at a time. */
function atbOne(
  sums: Float64Array,
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  n0: number,
  n1: number,
  I: number,
  J: number,
  i0: number,
  i1: number,
  j0: number,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < J; j++) {
      let s = sums[i * J + j]!;
      for (let n = n0; n < n1; n++) s += a[aOffset + n * I + i]! * b[bOffset + n * J + j]!;
      sums[i * J + j] = s;
    }
  }
}
