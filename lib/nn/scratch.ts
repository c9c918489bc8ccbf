/**
 * Scratch space of a recurrent backward pass, sized once per (T, B) and reused.
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
  /** Pre-activation gradients transposed, `[G·H, (T−1)·B]`. */
  preT: Float32Array;
  /** Hidden states transposed, `[H, (T−1)·B]`. */
  hT: Float32Array;
}

/**
 * Scratch arrays for a backward pass over T steps of a batch of B, hidden H, G gates.
 *
 * @example
 * ```ts
 * import { makeScratch } from "./scratch.ts";
 * const s = makeScratch(35, 8, 32, 4);
 * console.log(s.preT.length); // 4·32·34·8 = 34816
 * ```
 */
export function makeScratch(T: number, B: number, H: number, G: number): RnnScratch {
  const steps = Math.max(T - 1, 0) * B;
  return {
    whhT: new Float32Array(H * G * H),
    dh: new Float32Array(B * H),
    dh2: new Float32Array(B * H),
    preT: new Float32Array(G * H * steps),
    hT: new Float32Array(H * steps),
  };
}
