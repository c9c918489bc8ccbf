/**
 * The GRU cell in PyTorch's formulation (gate order r, z, n):
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr)    z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))    h' = (1 − z) ⊙ n + z ⊙ h
 *
 * Forward takes `xp = x·W_ihᵀ + b_ih` of every step; b_hh stays on the recurrent side because r
 * multiplies W_hn h + b_hn.
 * @module
 */

import { sigmoid, tanh } from "./activations.ts";
import { gatherStep } from "./embedding.ts";
import { matmulATB, matmulBT, transpose } from "./matmul.ts";
import { addStep, type RnnScratch } from "./scratch.ts";

/**
 * GRU forward over T steps from h₀ = 0. `hs [T+1,B,H]` receives the states, `acts [T,B,3H]` the
 * gates r, z, n, `hn [T,B,H]` the term W_hn·h + b_hn; `hp [B,3H]` is scratch. `xp [T,B,3H]`,
 * `whh [3H,H]`, `bhh [3H]`. With `from` > 0 it runs only steps from … T−1, continuing from the
 * state already at index `from`. With `b0`, `b1` it runs only the batch rows [b0, b1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gruForward } from "./gru.ts";
 * const hs = new Float32Array(2);
 * gruForward(hs, new Float32Array(3), new Float32Array(1), new Float32Array(3),
 *   new Float32Array([0, 0, 0.5]), new Float32Array(3), new Float32Array(3), 1, 1, 1);
 * assert.equal(hs[1]!.toFixed(6), "0.231059"); // (1 − σ(0))·tanh(0.5)
 * ```
 */
export function gruForward(
  hs: Float32Array,
  acts: Float32Array,
  hn: Float32Array,
  hp: Float32Array,
  xp: Float32Array,
  whh: Float32Array,
  bhh: Float32Array,
  T: number,
  B: number,
  H: number,
  from = 0,
  b0 = 0,
  b1 = B,
): void {
  const G = 3 * H;
  const BH = B * H;
  if (from === 0) hs.fill(0, b0 * H, b1 * H);
  for (let t = from; t < T; t++) {
    gruRecurrentSide(hp, hs, t * BH, whh, bhh, t, H, b0, b1);
    const a = t * B * G;
    gruStep(xp, acts, a, hp, hn, hs, t * BH, (t + 1) * BH, t * BH, H, b0, b1);
  }
}

/**
 * The recurrent side of step t for the batch rows [b0, b1): hp[b] = b_hh + W_hh · h_b, with h at
 * `hs[prev + b·H …]` (at t = 0, where h = 0, just b_hh).
 */
function gruRecurrentSide(
  hp: Float32Array,
  hs: Float32Array,
  prev: number,
  whh: Float32Array,
  bhh: Float32Array,
  t: number,
  H: number,
  b0: number,
  b1: number,
): void {
  const G = 3 * H;
  for (let b = b0; b < b1; b++) {
    for (let g = 0; g < G; g++) hp[b * G + g] = bhh[g]!;
  }
  if (t > 0) matmulBT(hp, b0 * G, hs, prev + b0 * H, whh, 0, b1 - b0, G, H);
}

/**
 * One step's gates and state for the batch rows [b0, b1): from the input side `xp[a + b·3H …]`
 * and the recurrent side `hp [B,3H]` it writes the gates r, z, n at `acts[a + b·3H …]`,
 * W_hn·h + b_hn at `hn[hnAt + b·H …]` and h' at `hs[next + b·H …]`, from h at `hs[prev + b·H …]`.
 */
function gruStep(
  xp: Float32Array,
  acts: Float32Array,
  a: number,
  hp: Float32Array,
  hn: Float32Array,
  hs: Float32Array,
  prev: number,
  next: number,
  hnAt: number,
  H: number,
  b0: number,
  b1: number,
): void {
  const G = 3 * H;
  for (let b = b0; b < b1; b++) {
    const row = a + b * G;
    const hrow = b * G;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xp[row + j]! + hp[hrow + j]!);
      const z = sigmoid(xp[row + H + j]! + hp[hrow + H + j]!);
      const hnv = hp[hrow + 2 * H + j]!;
      const n = tanh(xp[row + 2 * H + j]! + r * hnv);
      acts[row + j] = r;
      acts[row + H + j] = z;
      acts[row + 2 * H + j] = n;
      const k = b * H + j;
      hn[hnAt + k] = hnv;
      hs[next + k] = (1 - z) * n + z * hs[prev + k]!;
    }
  }
}

/**
 * GRU forward for inference: the arithmetic of {@linkcode gruForward}, bit for bit, keeping only
 * one step. `h [2,B,H]` holds the state, step t's in half t mod 2, so the last h is at offset
 * (T mod 2)·B·H; `xp [B,3H]`, `acts [B,3H]`, `hn [B,H]` and `hp [B,3H]` are one step's scratch. The
 * input side of step t is the row `table[tokens[b, t]]` (`table [V,3H]` = embedding · W_ihᵀ + b_ih,
 * `tokens [B,T]`). With `b0`, `b1` it runs only the batch rows [b0, b1).
 *
 * @example The same last state as gruForward
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherTimeMajor } from "./embedding.ts";
 * import { gruForward, gruInfer } from "./gru.ts";
 * const [T, B, H] = [3, 2, 2];
 * const table = Float32Array.from({ length: 3 * 3 * H }, (_, k) => Math.sin(k)); // V = 3
 * const tokens = new Int32Array([0, 1, 2, 2, 1, 0]);
 * const whh = Float32Array.from({ length: 3 * H * H }, (_, k) => Math.cos(k) / 2);
 * const bhh = new Float32Array(3 * H).fill(0.1);
 * const xp = new Float32Array(T * B * 3 * H);
 * gatherTimeMajor(xp, table, tokens, B, T, 3 * H);
 * const hs = new Float32Array((T + 1) * B * H), hp = new Float32Array(B * 3 * H);
 * gruForward(hs, new Float32Array(xp.length), new Float32Array(T * B * H), hp, xp, whh, bhh, T, B, H);
 * const h = new Float32Array(2 * B * H);
 * gruInfer(h, new Float32Array(B * 3 * H), new Float32Array(B * 3 * H), new Float32Array(B * H), hp, table, tokens, whh, bhh, T, B, H);
 * const last = h.subarray((T % 2) * B * H, (T % 2 + 1) * B * H);
 * assert.ok(last.every((v, k) => v === hs[T * B * H + k]));
 * ```
 */
export function gruInfer(
  h: Float32Array,
  xp: Float32Array,
  acts: Float32Array,
  hn: Float32Array,
  hp: Float32Array,
  table: Float32Array,
  tokens: Int32Array,
  whh: Float32Array,
  bhh: Float32Array,
  T: number,
  B: number,
  H: number,
  b0 = 0,
  b1 = B,
): void {
  const G = 3 * H;
  const BH = B * H;
  h.fill(0, b0 * H, b1 * H);
  for (let t = 0; t < T; t++) {
    const prev = (t & 1) * BH;
    gatherStep(xp, 0, table, tokens, t, T, b0, b1, G);
    gruRecurrentSide(hp, h, prev, whh, bhh, t, H, b0, b1);
    gruStep(xp, acts, 0, hp, hn, h, prev, BH - prev, 0, H, b0, b1);
  }
}

/**
 * GRU backward (BPTT) from `dhLast [B,H]`: writes `dxp [T,B,3H]` (gradients of the input-side
 * pre-activations, also those of xp and b_ih) and `dhp [T,B,3H]` (of the recurrent side
 * W_hh·h + b_hh), and adds dL/dW_hh to `dwhh [3H,H]` and dL/db_hh to `dbhh [3H]`. When
 * `dhOut [T,B,H]` is given it receives dL/dh_t of every step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gruBackward, gruForward } from "./gru.ts";
 * import { makeScratch } from "./scratch.ts";
 * const hs = new Float32Array(2), acts = new Float32Array(3), hn = new Float32Array(1);
 * const xp = new Float32Array([0, 0, 0.5]), whh = new Float32Array(3), bhh = new Float32Array(3);
 * gruForward(hs, acts, hn, new Float32Array(3), xp, whh, bhh, 1, 1, 1);
 * const dxp = new Float32Array(3), dhp = new Float32Array(3);
 * gruBackward(dxp, dhp, new Float32Array(3), new Float32Array(3), new Float32Array([1]),
 *   hs, acts, hn, whh, 1, 1, 1, makeScratch(1, 1, 3));
 * assert.equal(dxp[2]!.toFixed(6), "0.393224"); // (1 − z)(1 − n²)
 * ```
 */
export function gruBackward(
  dxp: Float32Array,
  dhp: Float32Array,
  dwhh: Float32Array,
  dbhh: Float32Array,
  dhLast: Float32Array,
  hs: Float32Array,
  acts: Float32Array,
  hn: Float32Array,
  whh: Float32Array,
  T: number,
  B: number,
  H: number,
  scratch: RnnScratch,
  dhOut: Float32Array | null = null,
  dhSteps: Float32Array | null = null,
): void {
  const G = 3 * H;
  transpose(scratch.whhT, whh, 0, G, H);
  gruBackwardSteps(dxp, dhp, dhLast, hs, acts, hn, T, B, H, scratch, dhOut, 0, B, dhSteps);
  gruBackwardWeights(dwhh, dbhh, dhp, hs, T, B, H);
}

/**
 * The time loop of {@linkcode gruBackward} for the batch rows [b0, b1): writes their `dxp` and
 * `dhp` (and `dhOut`), reading `scratch.whhT` (W_hh transposed, `[H,3H]`), which the caller fills.
 *
 * @example Two halves of a batch give the whole batch's `dxp`, bit for bit
 * ```ts
 * import assert from "node:assert/strict";
 * import { gruBackward, gruBackwardSteps, gruForward } from "./gru.ts";
 * import { transpose } from "./matmul.ts";
 * import { makeScratch } from "./scratch.ts";
 * const [T, B, H] = [3, 2, 2];
 * const xp = Float32Array.from({ length: T * B * 3 * H }, (_, k) => Math.sin(k));
 * const whh = Float32Array.from({ length: 3 * H * H }, (_, k) => Math.cos(k) / 2);
 * const bhh = new Float32Array(3 * H).fill(0.1);
 * const hs = new Float32Array((T + 1) * B * H), acts = new Float32Array(xp.length);
 * const hn = new Float32Array(T * B * H);
 * gruForward(hs, acts, hn, new Float32Array(B * 3 * H), xp, whh, bhh, T, B, H);
 * const dhLast = new Float32Array([1, 0, 0, 1]);
 * const whole = new Float32Array(xp.length), dhp = new Float32Array(xp.length);
 * gruBackward(whole, dhp, new Float32Array(whh.length), new Float32Array(3 * H), dhLast, hs,
 *   acts, hn, whh, T, B, H, makeScratch(B, H, 3));
 * const scratch = makeScratch(B, H, 3), halves = new Float32Array(xp.length);
 * transpose(scratch.whhT, whh, 0, 3 * H, H);
 * gruBackwardSteps(halves, dhp, dhLast, hs, acts, hn, T, B, H, scratch, null, 0, 1);
 * gruBackwardSteps(halves, dhp, dhLast, hs, acts, hn, T, B, H, scratch, null, 1, 2);
 * assert.ok(halves.every((v, k) => v === whole[k]));
 * ```
 */
export function gruBackwardSteps(
  dxp: Float32Array,
  dhp: Float32Array,
  dhLast: Float32Array,
  hs: Float32Array,
  acts: Float32Array,
  hn: Float32Array,
  T: number,
  B: number,
  H: number,
  scratch: RnnScratch,
  dhOut: Float32Array | null,
  b0: number,
  b1: number,
  dhSteps: Float32Array | null = null,
): void {
  const G = 3 * H;
  const BH = B * H;
  const { whhT } = scratch;
  let dh = scratch.dh;
  let dhNext = scratch.dh2;
  for (let k = b0 * H; k < b1 * H; k++) dh[k] = dhLast[k]!;
  for (let t = T - 1; t >= 0; t--) {
    const a = t * B * G;
    const prev = t * BH;
    if (dhSteps) addStep(dh, dhSteps, prev, b0 * H, b1 * H);
    if (dhOut) dhOut.set(dh.subarray(b0 * H, b1 * H), prev + b0 * H);
    for (let b = b0; b < b1; b++) {
      const row = a + b * G;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const r = acts[row + j]!;
        const z = acts[row + H + j]!;
        const n = acts[row + 2 * H + j]!;
        const dhv = dh[k]!;
        const dan = dhv * (1 - z) * (1 - n * n);
        const dar = dan * hn[prev + k]! * r * (1 - r);
        const daz = dhv * (hs[prev + k]! - n) * z * (1 - z);
        dxp[row + j] = dar;
        dxp[row + H + j] = daz;
        dxp[row + 2 * H + j] = dan;
        dhp[row + j] = dar;
        dhp[row + H + j] = daz;
        dhp[row + 2 * H + j] = dan * r;
        dhNext[k] = dhv * z;
      }
    }
    if (t > 0) matmulBT(dhNext, b0 * H, dhp, a + b0 * G, whhT, 0, b1 - b0, H, G);
    const swap = dh;
    dh = dhNext;
    dhNext = swap;
  }
}

/**
 * dL/db_hh and dL/dW_hh of {@linkcode gruBackward} from `dhp`: of dW_hh only the rows [i0, i1)
 * (another thread can take the rest), of db_hh all of it unless `withBias` is false.
 *
 * @example One step back from h₀ = 0 adds nothing to dW_hh; db_hh gets the summed `dhp`
 * ```ts
 * import assert from "node:assert/strict";
 * import { gruBackwardWeights } from "./gru.ts";
 * const dwhh = new Float32Array(3), dbhh = new Float32Array(3);
 * gruBackwardWeights(dwhh, dbhh, new Float32Array([0.5, 0.25, 1]), new Float32Array(2), 1, 1, 1);
 * assert.deepEqual(Array.from(dwhh), [0, 0, 0]);
 * assert.deepEqual(Array.from(dbhh), [0.5, 0.25, 1]);
 * ```
 */
export function gruBackwardWeights(
  dwhh: Float32Array,
  dbhh: Float32Array,
  dhp: Float32Array,
  hs: Float32Array,
  T: number,
  B: number,
  H: number,
  i0 = 0,
  i1 = 3 * H,
  withBias = true,
): void {
  const G = 3 * H;
  if (withBias) {
    for (let n = 0; n < T * B; n++) {
      for (let g = 0; g < G; g++) dbhh[g]! += dhp[n * G + g]!;
    }
  }
  matmulATB(dwhh, dhp, B * G, hs, B * H, (T - 1) * B, G, H, i0, i1);
}
