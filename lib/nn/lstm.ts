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
import { gatherStep } from "./embedding.ts";
import { matmulATB, matmulBT, transpose } from "./matmul.ts";
import { addStep, type RnnScratch } from "./scratch.ts";

/**
 * LSTM forward over T steps from h₀ = c₀ = 0.
 * `hs [T+1,B,H]` and `cs [T+1,B,H]` receive the states (index 0 the zero start),
 * `acts [T,B,4H]` the gate activations i, f, g, o, `tcs [T,B,H]` tanh(c_t);
 * `xp [T,B,4H]` the input projections, `whh [4H,H]` the recurrent weights. With `from` > 0 it runs
 * only steps from … T−1, continuing from the states already at index `from` (a caller that
 * intervenes between steps runs one step at a time). With `b0`, `b1` it runs only the batch rows
 * [b0, b1) (rows are independent: a second thread can take the rest).
 *
 * @example The blog's toy LSTM(2, 2) on the input [1, 0] gives h = [0.0594368, 0.0952412]
 * ```ts
 * import assert from "node:assert/strict";
 * import { lstmForward } from "./lstm.ts";
 * // x·W_ihᵀ + b with every W_* = [[0.1, 0.2], [0.1, 0.2]] ([I,H]) and b_* = 0.1: 0.2 and 0.3
 * const xp = new Float32Array([0.2, 0.3, 0.2, 0.3, 0.2, 0.3, 0.2, 0.3]);
 * const hs = new Float32Array(4), cs = new Float32Array(4);
 * lstmForward(hs, cs, new Float32Array(8), new Float32Array(2), xp, new Float32Array(8), 1, 1, 2);
 * assert.equal(hs[2]!.toFixed(7), "0.0594368");
 * assert.equal(hs[3]!.toFixed(7), "0.0952412");
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
  b0 = 0,
  b1 = B,
): void {
  const G = 4 * H;
  const BH = B * H;
  if (from === 0) {
    hs.fill(0, b0 * H, b1 * H);
    cs.fill(0, b0 * H, b1 * H);
  }
  for (let t = from; t < T; t++) {
    const a = t * B * G;
    for (let k = a + b0 * G; k < a + b1 * G; k++) acts[k] = xp[k]!;
    if (t > 0) matmulBT(acts, a + b0 * G, hs, t * BH + b0 * H, whh, 0, b1 - b0, G, H);
    lstmStep(acts, a, hs, cs, tcs, t * BH, (t + 1) * BH, t * BH, H, b0, b1);
  }
}

/**
 * One step's gates and state for the batch rows [b0, b1): the pre-activations at
 * `acts[a + b·4H …]` become the gates i, f, g, o in place; from c at `cs[prev + b·H …]` it writes
 * c' at `cs[next + b·H …]`, tanh(c') at `tcs[tc + b·H …]` and h' at `hs[next + b·H …]`.
 */
function lstmStep(
  acts: Float32Array,
  a: number,
  hs: Float32Array,
  cs: Float32Array,
  tcs: Float32Array,
  prev: number,
  next: number,
  tc: number,
  H: number,
  b0: number,
  b1: number,
): void {
  const G = 4 * H;
  for (let b = b0; b < b1; b++) {
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
      const tcv = tanh(c);
      tcs[tc + k] = tcv;
      hs[next + k] = o * tcv;
    }
  }
}

/**
 * LSTM forward for inference: the arithmetic of {@linkcode lstmForward}, bit for bit, keeping only
 * one step. `h [2,B,H]` and `c [2,B,H]` hold the state, step t's in half t mod 2, so the last h is at
 * offset (T mod 2)·B·H; `acts [B,4H]` and `tcs [B,H]` are one step's scratch. The pre-activations
 * of step t are the rows `table[tokens[b, t]]` (`table [V,4H]` = embedding · W_ihᵀ + b_ih + b_hh,
 * `tokens [B,T]`). With `b0`, `b1` it runs only the batch rows [b0, b1).
 *
 * @example The same last state as lstmForward
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherTimeMajor } from "./embedding.ts";
 * import { lstmForward, lstmInfer } from "./lstm.ts";
 * const [T, B, H] = [3, 2, 2];
 * const table = Float32Array.from({ length: 3 * 4 * H }, (_, k) => Math.sin(k)); // V = 3
 * const tokens = new Int32Array([0, 1, 2, 2, 1, 0]);
 * const whh = Float32Array.from({ length: 4 * H * H }, (_, k) => Math.cos(k) / 2);
 * const xp = new Float32Array(T * B * 4 * H);
 * gatherTimeMajor(xp, table, tokens, B, T, 4 * H);
 * const hs = new Float32Array((T + 1) * B * H);
 * lstmForward(hs, new Float32Array(hs.length), new Float32Array(xp.length), new Float32Array(T * B * H), xp, whh, T, B, H);
 * const h = new Float32Array(2 * B * H);
 * lstmInfer(h, new Float32Array(2 * B * H), new Float32Array(B * 4 * H), new Float32Array(B * H), table, tokens, whh, T, B, H);
 * const last = h.subarray((T % 2) * B * H, (T % 2 + 1) * B * H);
 * assert.ok(last.every((v, k) => v === hs[T * B * H + k]));
 * ```
 */
export function lstmInfer(
  h: Float32Array,
  c: Float32Array,
  acts: Float32Array,
  tcs: Float32Array,
  table: Float32Array,
  tokens: Int32Array,
  whh: Float32Array,
  T: number,
  B: number,
  H: number,
  b0 = 0,
  b1 = B,
): void {
  const G = 4 * H;
  const BH = B * H;
  h.fill(0, b0 * H, b1 * H);
  c.fill(0, b0 * H, b1 * H);
  for (let t = 0; t < T; t++) {
    const prev = (t & 1) * BH;
    gatherStep(acts, 0, table, tokens, t, T, b0, b1, G);
    if (t > 0) matmulBT(acts, b0 * G, h, prev + b0 * H, whh, 0, b1 - b0, G, H);
    lstmStep(acts, 0, h, c, tcs, prev, BH - prev, 0, H, b0, b1);
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
 * import assert from "node:assert/strict";
 * import { lstmBackward, lstmForward } from "./lstm.ts";
 * import { makeScratch } from "./scratch.ts";
 * const [T, B, H] = [3, 1, 2];
 * const xp = new Float32Array(T * B * 4 * H).fill(0.3), whh = new Float32Array(4 * H * H).fill(0.1);
 * const hs = new Float32Array((T + 1) * B * H), cs = new Float32Array((T + 1) * B * H);
 * const acts = new Float32Array(T * B * 4 * H), tcs = new Float32Array(T * B * H);
 * lstmForward(hs, cs, acts, tcs, xp, whh, T, B, H);
 * const dxp = new Float32Array(xp.length), dwhh = new Float32Array(whh.length);
 * lstmBackward(dxp, dwhh, new Float32Array([1, 0]), hs, cs, acts, tcs, whh, T, B, H, makeScratch(B, H, 4));
 * assert.ok(dxp.some((v) => v !== 0));
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
  dhSteps: Float32Array | null = null,
): void {
  const G = 4 * H;
  transpose(scratch.whhT, whh, 0, G, H);
  lstmBackwardSteps(dxp, dhLast, cs, acts, tcs, T, B, H, scratch, dhOut, 0, B, dhSteps);
  // dW_hh += Σ_t dxp[t]ᵀ · h_{t-1}; step 0 adds nothing (h₀ = 0).
  matmulATB(dwhh, dxp, B * G, hs, B * H, (T - 1) * B, G, H);
}

/**
 * The time loop of {@linkcode lstmBackward} for the batch rows [b0, b1): writes their `dxp`
 * (and `dhOut`), reading `scratch.whhT` (W_hh transposed, `[H,4H]`), which the caller fills.
 * dL/dW_hh is left to the caller.
 *
 * @example Two halves of a batch give the whole batch's `dxp`, bit for bit
 * ```ts
 * import assert from "node:assert/strict";
 * import { lstmBackward, lstmBackwardSteps, lstmForward } from "./lstm.ts";
 * import { transpose } from "./matmul.ts";
 * import { makeScratch } from "./scratch.ts";
 * const [T, B, H] = [3, 2, 2];
 * const xp = Float32Array.from({ length: T * B * 4 * H }, (_, k) => Math.sin(k));
 * const whh = Float32Array.from({ length: 4 * H * H }, (_, k) => Math.cos(k) / 2);
 * const hs = new Float32Array((T + 1) * B * H), cs = new Float32Array((T + 1) * B * H);
 * const acts = new Float32Array(xp.length), tcs = new Float32Array(T * B * H);
 * lstmForward(hs, cs, acts, tcs, xp, whh, T, B, H);
 * const dhLast = new Float32Array([1, 0, 0, 1]), whole = new Float32Array(xp.length);
 * lstmBackward(whole, new Float32Array(whh.length), dhLast, hs, cs, acts, tcs, whh, T, B, H, makeScratch(B, H, 4));
 * const scratch = makeScratch(B, H, 4), halves = new Float32Array(xp.length);
 * transpose(scratch.whhT, whh, 0, 4 * H, H);
 * lstmBackwardSteps(halves, dhLast, cs, acts, tcs, T, B, H, scratch, null, 0, 1);
 * lstmBackwardSteps(halves, dhLast, cs, acts, tcs, T, B, H, scratch, null, 1, 2);
 * assert.ok(halves.every((v, k) => v === whole[k]));
 * ```
 */
export function lstmBackwardSteps(
  dxp: Float32Array,
  dhLast: Float32Array,
  cs: Float32Array,
  acts: Float32Array,
  tcs: Float32Array,
  T: number,
  B: number,
  H: number,
  scratch: RnnScratch,
  dhOut: Float32Array | null,
  b0: number,
  b1: number,
  dhSteps: Float32Array | null = null,
): void {
  const G = 4 * H;
  const BH = B * H;
  const { whhT, dh, dh2: dc } = scratch;
  for (let k = b0 * H; k < b1 * H; k++) dh[k] = dhLast[k]!;
  dc.fill(0, b0 * H, b1 * H);
  for (let t = T - 1; t >= 0; t--) {
    const a = t * B * G;
    const prev = t * BH;
    if (dhSteps) addStep(dh, dhSteps, prev, b0 * H, b1 * H);
    if (dhOut) dhOut.set(dh.subarray(b0 * H, b1 * H), prev + b0 * H);
    for (let b = b0; b < b1; b++) {
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
      dh.fill(0, b0 * H, b1 * H);
      matmulBT(dh, b0 * H, dxp, a + b0 * G, whhT, 0, b1 - b0, H, G);
    }
  }
}
