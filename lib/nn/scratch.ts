/**
 * Scratch space of a recurrent backward pass, sized once per batch size and reused.
 * @module
 */

/** The temporary arrays a cell's backward needs; see {@linkcode makeScratch}. */
export interface RnnScratch {
  /** The recurrent weights transposed, `[H, G·H]`. */
  whhT: Float32Array;
  /** dL/dh of the current step, `[B, H]`. */
  dh: Float32Array;
  /** A second `[B, H]` buffer: dL/dc for the LSTM, the next dL/dh for the GRU. */
  dh2: Float32Array;
}

/**
 * Scratch arrays for a backward pass of a batch of B, hidden H, G gates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeScratch } from "./scratch.ts";
 * const s = makeScratch(8, 32, 4);
 * assert.equal(s.whhT.length, 4096); // 32·4·32
 * ```
 */
export function makeScratch(B: number, H: number, G: number): RnnScratch {
  return {
    whhT: new Float32Array(H * G * H),
    dh: new Float32Array(B * H),
    dh2: new Float32Array(B * H),
  };
}

/**
 * Add one step of an outside gradient into a backward pass's running dL/dh: `dh[k] +=
 * dhSteps[offset + k]` for k in [lo, hi). How a head at every step (`dhSteps [T,B,H]`, its
 * dL/dh_t) joins BPTT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addStep } from "./scratch.ts";
 * const dh = new Float32Array([1, 1]);
 * addStep(dh, new Float32Array([5, 6, 7, 8]), 2, 0, 2); // step 1 of [2, 1, 2]
 * assert.deepEqual(Array.from(dh), [8, 9]);
 * ```
 */
export function addStep(
  dh: Float32Array,
  dhSteps: Float32Array,
  offset: number,
  lo: number,
  hi: number,
): void {
  for (let k = lo; k < hi; k++) dh[k]! += dhSteps[offset + k]!;
}
