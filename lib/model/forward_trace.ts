/**
 * A traced forward pass of one sequence: every gate's activations and the states at every step.
 * It reads the activations the forward pass keeps for backward anyway, so the normal path pays
 * nothing for it.
 * @module
 */

import { type CellKind, CELLS } from "../nn/cells.ts";
import type { SeqClassifier } from "./seq_classifier.ts";

/** What {@linkcode traceForward} returns: activations `[T, H]` per gate and state. */
export interface ForwardTrace {
  /** The cell. */
  cell: CellKind;
  /** Steps. */
  T: number;
  /** Hidden size. */
  H: number;
  /** Gate activations `[T, H]` by gate name (`gateNames` in {@linkcode CELLS}). */
  gates: Record<string, Float32Array>;
  /** Hidden states h_1 … h_T, `[T, H]`. */
  h: Float32Array;
  /** Cell states c_1 … c_T of a cell that keeps one (the LSTM), `[T, H]`; else empty. */
  c: Float32Array;
  /** The logits `[C]`. */
  logits: Float32Array;
}

/**
 * Run `model` on one sequence `digits [T]` and return every gate and state over time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier, traceForward } from "../../mod.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const trace = traceForward(model, new Int32Array([3, 4, 0, 0, 7, 0]));
 * assert.equal(trace.T, 6);
 * assert.equal(trace.gates.forget!.length, 192);
 * ```
 */
export function traceForward(model: SeqClassifier, digits: Int32Array): ForwardTrace {
  const T = digits.length;
  const { hidden: H, cell } = model.config;
  const logits = new Float32Array(model.forward(digits, 1, T));
  const { hs, cs, acts } = model.lastActivations();
  const { gateNames: names, gates: G, cellState } = CELLS[cell];
  const gates: Record<string, Float32Array> = {};
  names.forEach((name, g) => {
    const out = new Float32Array(T * H);
    for (let t = 0; t < T; t++) {
      out.set(acts.subarray(t * G * H + g * H, t * G * H + (g + 1) * H), t * H);
    }
    gates[name] = out;
  });
  return {
    cell,
    T,
    H,
    gates,
    h: hs.slice(H, (T + 1) * H),
    c: cellState ? cs.slice(H, (T + 1) * H) : new Float32Array(0),
    logits,
  };
}
