/**
 * The simple recurrent network (Elman; PyTorch's `nn.RNN` with tanh, or with ReLU — the IRNN):
 *
 *     h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)      (relu: max(0, ·))
 *
 * Forward takes `xp = x·W_ihᵀ + b_ih + b_hh` of every step; backward is full BPTT from dL/dh_T.
 * @module
 */

import { tanh } from "./activations.ts";
import { gatherStep } from "./embedding.ts";
import { matmulATB, matmulBT, transpose } from "./matmul.ts";
import { addStep, type RnnScratch } from "./scratch.ts";

/** The SRN's nonlinearity: `tanh` (Elman), or `relu` (the IRNN of Le, Jaitly & Hinton, 2015). */
export type SrnActivation = "tanh" | "relu";

/**
 * SRN forward over T steps from h₀ = 0: `hs [T+1,B,H]` receives the states; `xp [T,B,H]`,
 * `whh [H,H]`; `activation` tanh (default) or relu. With `from` > 0 it runs only steps from …
 * T−1, continuing from the state already at index `from`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { srnForward } from "./srn.ts";
 * const hs = new Float32Array(2);
 * srnForward(hs, new Float32Array([0.5]), new Float32Array([0.1]), 1, 1, 1);
 * assert.equal(hs[1]!.toFixed(6), "0.462117"); // tanh(0.5)
 * ```
 */
export function srnForward(
  hs: Float32Array,
  xp: Float32Array,
  whh: Float32Array,
  T: number,
  B: number,
  H: number,
  from = 0,
  activation: SrnActivation = "tanh",
): void {
  const BH = B * H;
  if (from === 0) hs.fill(0, 0, BH);
  for (let t = from; t < T; t++) {
    const next = (t + 1) * BH;
    for (let k = 0; k < BH; k++) hs[next + k] = xp[t * BH + k]!;
    if (t > 0) matmulBT(hs, next, hs, t * BH, whh, 0, B, H, H);
    activate(hs, next, BH, activation);
  }
}

/** hs[at …] = activation(hs[at …]) over `n` values. */
function activate(hs: Float32Array, at: number, n: number, activation: SrnActivation): void {
  if (activation === "relu") {
    for (let k = at; k < at + n; k++) if (hs[k]! < 0) hs[k] = 0; // NaN stays NaN
  } else {
    for (let k = at; k < at + n; k++) hs[k] = tanh(hs[k]!);
  }
}

/**
 * SRN forward for inference: the arithmetic of {@linkcode srnForward}, bit for bit, keeping only
 * one step. `h [2,B,H]` holds the state, step t's in half t mod 2, so the last h is at offset
 * (T mod 2)·B·H. The pre-activations of step t start as the rows `table[tokens[b, t]]`
 * (`table [V,H]` = embedding · W_ihᵀ + b_ih + b_hh, `tokens [B,T]`).
 *
 * @example The same last state as srnForward
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherTimeMajor } from "./embedding.ts";
 * import { srnForward, srnInfer } from "./srn.ts";
 * const [T, B, H] = [3, 2, 2];
 * const table = Float32Array.from({ length: 3 * H }, (_, k) => Math.sin(k)); // V = 3
 * const tokens = new Int32Array([0, 1, 2, 2, 1, 0]);
 * const whh = Float32Array.from({ length: H * H }, (_, k) => Math.cos(k) / 2);
 * const xp = new Float32Array(T * B * H);
 * gatherTimeMajor(xp, table, tokens, B, T, H);
 * const hs = new Float32Array((T + 1) * B * H);
 * srnForward(hs, xp, whh, T, B, H);
 * const h = new Float32Array(2 * B * H);
 * srnInfer(h, table, tokens, whh, T, B, H);
 * const last = h.subarray((T % 2) * B * H, (T % 2 + 1) * B * H);
 * assert.ok(last.every((v, k) => v === hs[T * B * H + k]));
 * ```
 */
export function srnInfer(
  h: Float32Array,
  table: Float32Array,
  tokens: Int32Array,
  whh: Float32Array,
  T: number,
  B: number,
  H: number,
  activation: SrnActivation = "tanh",
): void {
  const BH = B * H;
  for (let t = 0; t < T; t++) {
    const prev = (t & 1) * BH;
    const next = BH - prev;
    gatherStep(h, next, table, tokens, t, T, 0, B, H);
    if (t > 0) matmulBT(h, next, h, prev, whh, 0, B, H, H);
    activate(h, next, BH, activation);
  }
}

/**
 * SRN backward (BPTT) from `dhLast [B,H]`: writes `dxp [T,B,H]` (the pre-activation gradients,
 * also those of xp, b_ih and b_hh) and adds dL/dW_hh to `dwhh [H,H]`. When `dhOut [T,B,H]` is
 * given it receives dL/dh_t of every step. `activation` must be the forward pass's (relu: the
 * derivative is 1 where h > 0, else 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { srnBackward, srnForward } from "./srn.ts";
 * import { makeScratch } from "./scratch.ts";
 * const hs = new Float32Array(2), dxp = new Float32Array(1), dwhh = new Float32Array(1);
 * srnForward(hs, new Float32Array([0.5]), new Float32Array([0.1]), 1, 1, 1);
 * srnBackward(dxp, dwhh, new Float32Array([1]), hs, new Float32Array([0.1]), 1, 1, 1, makeScratch(1, 1, 1));
 * assert.equal(dxp[0]!.toFixed(6), "0.786448"); // 1 − tanh(0.5)²
 * ```
 */
export function srnBackward(
  dxp: Float32Array,
  dwhh: Float32Array,
  dhLast: Float32Array,
  hs: Float32Array,
  whh: Float32Array,
  T: number,
  B: number,
  H: number,
  scratch: RnnScratch,
  dhOut: Float32Array | null = null,
  activation: SrnActivation = "tanh",
  dhSteps: Float32Array | null = null,
): void {
  const BH = B * H;
  const { whhT, dh } = scratch;
  transpose(whhT, whh, 0, H, H);
  for (let k = 0; k < BH; k++) dh[k] = dhLast[k]!;
  for (let t = T - 1; t >= 0; t--) {
    const a = t * BH;
    const next = a + BH;
    if (dhSteps) addStep(dh, dhSteps, a, 0, BH);
    if (dhOut) dhOut.set(dh.subarray(0, BH), a);
    if (activation === "relu") {
      for (let k = 0; k < BH; k++) dxp[a + k] = hs[next + k]! > 0 ? dh[k]! : 0;
    } else {
      for (let k = 0; k < BH; k++) {
        const h = hs[next + k]!;
        dxp[a + k] = dh[k]! * (1 - h * h);
      }
    }
    if (t > 0) {
      dh.fill(0, 0, BH);
      matmulBT(dh, 0, dxp, a, whhT, 0, B, H, H);
    }
  }
  matmulATB(dwhh, dxp, BH, hs, BH, (T - 1) * B, H, H);
}
