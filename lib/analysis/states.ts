/**
 * The states of a recurrent network at every step of every example of a data set, for probes and
 * statistics over many sequences (one sequence with its gates: {@linkcode traceForward}).
 * @module
 */

import type { DigitSumData } from "../data/reader.ts";
import { CELLS } from "../nn/cells.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";

/** What {@linkcode collectStates} returns. */
export interface StateSet {
  /** Examples. */
  n: number;
  /** Steps. */
  T: number;
  /** Hidden size. */
  H: number;
  /** Hidden states h_1 … h_T of every example, `[n, T, H]`. */
  h: Float32Array;
  /** Cell states c_1 … c_T of a cell that keeps one (the LSTM), `[n, T, H]`; else empty. */
  c: Float32Array;
  /** The logits `[n, C]`. */
  logits: Float32Array;
}

/**
 * Run `model` over `data`, `batchSize` examples at a time, and keep every step's h (and c). With
 * `model.hooks` set (e.g. inside {@linkcode withHooks}) the states are those the hooks leave.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, collectStates, parseDigitSum, SeqClassifier } from "../../mod.ts";
 * const data = parseDigitSum("1 2 0\t3\n4 0 9\t4\n", "mini.txt");
 * const states = collectStates(new SeqClassifier(BOOK_MODEL), data);
 * assert.equal(states.n, 2);
 * assert.equal(states.T, 3);
 * assert.equal(states.H, 32);
 * assert.equal(states.c.length, 192);
 * ```
 */
export function collectStates(model: SeqClassifier, data: DigitSumData, batchSize = 100): StateSet {
  const { n, length: T } = data;
  const { hidden: H, classes: C, cell } = model.config;
  const h = new Float32Array(n * T * H);
  const { cellState } = CELLS[cell];
  const c = new Float32Array(cellState ? n * T * H : 0);
  const logits = new Float32Array(n * C);
  for (let start = 0; start < n; start += batchSize) {
    const B = Math.min(batchSize, n - start);
    const digits = data.digits.subarray(start * T, (start + B) * T);
    logits.set(model.forward(digits, B, T), start * C);
    const acts = model.lastActivations(); // hs, cs: [T+1, B, H]
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const from = ((t + 1) * B + b) * H;
        const to = ((start + b) * T + t) * H;
        h.set(acts.hs.subarray(from, from + H), to);
        if (cellState) c.set(acts.cs.subarray(from, from + H), to);
      }
    }
  }
  return { n, T, H, h, c, logits };
}
