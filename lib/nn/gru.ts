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
import { matmulATB, matmulBT, transpose } from "./matmul.ts";
import type { RnnScratch } from "./scratch.ts";

/**
 * GRU forward over T steps from h₀ = 0. `hs [T+1,B,H]` receives the states, `acts [T,B,3H]` the
 * gates r, z, n, `hn [T,B,H]` the term W_hn·h + b_hn; `hp [B,3H]` is scratch. `xp [T,B,3H]`,
 * `whh [3H,H]`, `bhh [3H]`. With `from` > 0 it runs only steps from … T−1, continuing from the
 * state already at index `from`.
 *
 * @example
 * ```ts
 * import { gruForward } from "./gru.ts";
 * const hs = new Float32Array(2);
 * gruForward(hs, new Float32Array(3), new Float32Array(1), new Float32Array(3),
 *   new Float32Array([0, 0, 0.5]), new Float32Array(3), new Float32Array(3), 1, 1, 1);
 * console.log(hs[1]!.toFixed(6)); // (1 − σ(0))·tanh(0.5) = 0.231059
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
): void {
  const G = 3 * H;
  const BH = B * H;
  if (from === 0) hs.fill(0, 0, BH);
  for (let t = from; t < T; t++) {
    for (let b = 0; b < B; b++) {
      for (let g = 0; g < G; g++) hp[b * G + g] = bhh[g]!;
    }
    if (t > 0) matmulBT(hp, 0, hs, t * BH, whh, 0, B, G, H);
    const a = t * B * G;
    const prev = t * BH;
    const next = prev + BH;
    for (let b = 0; b < B; b++) {
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
        hn[prev + k] = hnv;
        hs[next + k] = (1 - z) * n + z * hs[prev + k]!;
      }
    }
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
 * import { gruBackward, gruForward } from "./gru.ts";
 * import { makeScratch } from "./scratch.ts";
 * const hs = new Float32Array(2), acts = new Float32Array(3), hn = new Float32Array(1);
 * const xp = new Float32Array([0, 0, 0.5]), whh = new Float32Array(3), bhh = new Float32Array(3);
 * gruForward(hs, acts, hn, new Float32Array(3), xp, whh, bhh, 1, 1, 1);
 * const dxp = new Float32Array(3), dhp = new Float32Array(3);
 * gruBackward(dxp, dhp, new Float32Array(3), new Float32Array(3), new Float32Array([1]),
 *   hs, acts, hn, whh, 1, 1, 1, makeScratch(1, 1, 3));
 * console.log(dxp[2]!.toFixed(6)); // (1 − z)(1 − n²) = 0.393224
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
): void {
  const G = 3 * H;
  const BH = B * H;
  const { whhT } = scratch;
  let dh = scratch.dh;
  let dhNext = scratch.dh2;
  transpose(whhT, whh, 0, G, H);
  for (let k = 0; k < BH; k++) dh[k] = dhLast[k]!;
  for (let t = T - 1; t >= 0; t--) {
    const a = t * B * G;
    const prev = t * BH;
    if (dhOut) dhOut.set(dh.subarray(0, BH), prev);
    for (let b = 0; b < B; b++) {
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
    if (t > 0) matmulBT(dhNext, 0, dhp, a, whhT, 0, B, H, G);
    const swap = dh;
    dh = dhNext;
    dhNext = swap;
  }
  for (let n = 0; n < T * B; n++) {
    for (let g = 0; g < G; g++) dbhh[g]! += dhp[n * G + g]!;
  }
  matmulATB(dwhh, dhp, B * G, hs, BH, (T - 1) * B, G, H);
}
