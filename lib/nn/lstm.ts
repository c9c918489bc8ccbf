/**
 * The LSTM cell of the book (NNDL 6.3), in PyTorch's layout (gate order i, f, g, o):
 *
 *     i = σ(x W_iᵀ + h U_iᵀ + b_i)   f = σ(…)   g = tanh(…)   o = σ(…)
 *     c' = f ⊙ c + i ⊙ g             h' = o ⊙ tanh(c')
 *
 * Forward takes the input projections `xp = x·W_ihᵀ + b_ih + b_hh` of every step at once; the
 * backward is full BPTT from dL/dh_T (the classifier reads only the last hidden state).
 * @module
 */

import { sigmoid, tanh } from "./activations.ts";
import { matmulATB, matmulBT, transpose } from "./matmul.ts";
import type { RnnScratch } from "./scratch.ts";

/**
 * LSTM forward over T steps from h₀ = c₀ = 0.
 * `hs [T+1,B,H]` and `cs [T+1,B,H]` receive the states (index 0 the zero start),
 * `acts [T,B,4H]` the gate activations i, f, g, o, `tcs [T,B,H]` tanh(c_t);
 * `xp [T,B,4H]` the input projections, `whh [4H,H]` the recurrent weights. With `from` > 0 it runs
 * only steps from … T−1, continuing from the states already at index `from` (a caller that
 * intervenes between steps runs one step at a time).
 *
 * @example The seed's toy LSTM(2, 2) on the input [1, 0] gives h = [0.0594368, 0.0952412]
 * ```ts
 * import { lstmForward } from "./lstm.ts";
 * // x·W_ihᵀ + b with every W_* = [[0.1, 0.2], [0.1, 0.2]] ([I,H]) and b_* = 0.1: 0.2 and 0.3
 * const xp = new Float32Array([0.2, 0.3, 0.2, 0.3, 0.2, 0.3, 0.2, 0.3]);
 * const hs = new Float32Array(4), cs = new Float32Array(4);
 * lstmForward(hs, cs, new Float32Array(8), new Float32Array(2), xp, new Float32Array(8), 1, 1, 2);
 * console.log(hs[2]!.toFixed(7), hs[3]!.toFixed(7)); // 0.0594368 0.0952412
 * ```
 */
export function lstmForward(
  hs: Float32Array,
  cs: Float32Array,
  acts: Float32Array,
  tcs: Float32Array,
  xp: Float32Array,
  whh: Float32Array,
  T: number,
  B: number,
  H: number,
  from = 0,
): void {
  const G = 4 * H;
  const BH = B * H;
  if (from === 0) {
    hs.fill(0, 0, BH);
    cs.fill(0, 0, BH);
  }
  for (let t = from; t < T; t++) {
    const a = t * B * G;
    for (let k = a; k < a + B * G; k++) acts[k] = xp[k]!;
    if (t > 0) matmulBT(acts, a, hs, t * BH, whh, 0, B, G, H);
    const prev = t * BH;
    const next = prev + BH;
    for (let b = 0; b < B; b++) {
      const row = a + b * G;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(acts[row + j]!);
        const f = sigmoid(acts[row + H + j]!);
        const g = tanh(acts[row + 2 * H + j]!);
        const o = sigmoid(acts[row + 3 * H + j]!);
        acts[row + j] = i;
        acts[row + H + j] = f;
        acts[row + 2 * H + j] = g;
        acts[row + 3 * H + j] = o;
        const k = b * H + j;
        const c = f * cs[prev + k]! + i * g;
        cs[next + k] = c;
        const tc = tanh(c);
        tcs[prev + k] = tc;
        hs[next + k] = o * tc;
      }
    }
  }
}

/**
 * LSTM backward (BPTT) from `dhLast [B,H]` = dL/dh_T: writes `dxp [T,B,4H]`, the gradients of the
 * gate pre-activations (which are also those of xp, b_ih and b_hh), and adds dL/dW_hh to
 * `dwhh [4H,H]`. When `dhOut [T,B,H]` is given it receives dL/dh_t of every step (for gradient-flow
 * plots). Reads the forward's `hs`, `cs`, `acts`, `tcs` and `whh`.
 *
 * @example
 * ```ts
 * import { lstmBackward, lstmForward } from "./lstm.ts";
 * import { makeScratch } from "./scratch.ts";
 * const [T, B, H] = [3, 1, 2];
 * const xp = new Float32Array(T * B * 4 * H).fill(0.3), whh = new Float32Array(4 * H * H).fill(0.1);
 * const hs = new Float32Array((T + 1) * B * H), cs = new Float32Array((T + 1) * B * H);
 * const acts = new Float32Array(T * B * 4 * H), tcs = new Float32Array(T * B * H);
 * lstmForward(hs, cs, acts, tcs, xp, whh, T, B, H);
 * const dxp = new Float32Array(xp.length), dwhh = new Float32Array(whh.length);
 * lstmBackward(dxp, dwhh, new Float32Array([1, 0]), hs, cs, acts, tcs, whh, T, B, H, makeScratch(B, H, 4));
 * console.log(dxp.some((v) => v !== 0)); // true
 * ```
 */
export function lstmBackward(
  dxp: Float32Array,
  dwhh: Float32Array,
  dhLast: Float32Array,
  hs: Float32Array,
  cs: Float32Array,
  acts: Float32Array,
  tcs: Float32Array,
  whh: Float32Array,
  T: number,
  B: number,
  H: number,
  scratch: RnnScratch,
  dhOut: Float32Array | null = null,
): void {
  const G = 4 * H;
  const BH = B * H;
  const { whhT, dh, dh2: dc } = scratch;
  transpose(whhT, whh, 0, G, H);
  for (let k = 0; k < BH; k++) dh[k] = dhLast[k]!;
  dc.fill(0, 0, BH);
  for (let t = T - 1; t >= 0; t--) {
    const a = t * B * G;
    const prev = t * BH;
    if (dhOut) dhOut.set(dh.subarray(0, BH), prev);
    for (let b = 0; b < B; b++) {
      const row = a + b * G;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const i = acts[row + j]!;
        const f = acts[row + H + j]!;
        const g = acts[row + 2 * H + j]!;
        const o = acts[row + 3 * H + j]!;
        const tc = tcs[prev + k]!;
        const dhv = dh[k]!;
        const dcv = dc[k]! + dhv * o * (1 - tc * tc);
        dxp[row + j] = dcv * g * i * (1 - i);
        dxp[row + H + j] = dcv * cs[prev + k]! * f * (1 - f);
        dxp[row + 2 * H + j] = dcv * i * (1 - g * g);
        dxp[row + 3 * H + j] = dhv * tc * o * (1 - o);
        dc[k] = dcv * f;
      }
    }
    if (t > 0) {
      dh.fill(0, 0, BH);
      matmulBT(dh, 0, dxp, a, whhT, 0, B, H, G);
    }
  }
  // dW_hh += Σ_t dxp[t]ᵀ · h_{t-1}; step 0 adds nothing (h₀ = 0).
  matmulATB(dwhh, dxp, B * G, hs, BH, (T - 1) * B, G, H);
}
