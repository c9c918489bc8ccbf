/**
 * Input saliency: how strongly one logit depends on the input at each position, through the
 * model's own BPTT backward pass. No Deno APIs: it runs in the browser lab too.
 * @module
 */

import { CELLS } from "../nn/cells.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";

/** What {@linkcode inputSaliency} returns. */
export interface InputSaliency {
  /** `[T]`: |∂ logit[target] / ∂ e_t|, the L2 norm over the embedding vector of input t. */
  saliency: Float32Array;
  /** The class whose logit was differentiated. */
  target: number;
  /** The logits `[C]` of the sequence. */
  logits: Float32Array;
}

/**
 * |∂ logit[target] / ∂ e_t| per position (L2 norm over the embedding vector e_t of input t);
 * target defaults to the predicted class. `model.grads` is left as it was.
 *
 * @example Which inputs the prediction of 3 + 4 with noise depends on
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, inputSaliency, SeqClassifier } from "../../mod.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const { saliency, target, logits } = inputSaliency(model, new Int32Array([3, 4, 0, 7, 0]));
 * assert.equal(saliency.length, 5);
 * assert.equal(logits.length, 19);
 * assert.ok(target >= 0 && target < 19);
 * ```
 */
export function inputSaliency(
  model: SeqClassifier,
  digits: Int32Array,
  target?: number,
): InputSaliency {
  const T = digits.length;
  const { embed: E, hidden: H, classes: C, cell } = model.config;
  const logits = new Float32Array(model.forward(digits, 1, T));
  let k = target ?? 0;
  if (target === undefined) {
    for (let c = 1; c < C; c++) if (logits[c]! > logits[k]!) k = c;
  } else if (!Number.isInteger(target) || target < 0 || target >= C) {
    throw new RangeError(`inputSaliency: target must be a class in 0..${C - 1}, got ${target}`);
  }
  const dlogits = new Float32Array(C);
  dlogits[k] = 1;
  const savedGrads = model.grads.slice();
  const dxp = model.backwardFrom(digits, dlogits, 1, T); // [T, 1, G·H]
  model.grads.set(savedGrads);
  const GH = CELLS[cell].gates * H;
  const wih = model.p["rnn.weight_ih_l0"]; // [G·H, E]
  const saliency = new Float32Array(T);
  const de = new Float64Array(E);
  for (let t = 0; t < T; t++) {
    de.fill(0);
    for (let g = 0; g < GH; g++) {
      const d = dxp[t * GH + g]!;
      for (let e = 0; e < E; e++) de[e]! += wih[g * E + e]! * d; // de_t = W_ihᵀ · dxp_t
    }
    let sq = 0;
    for (let e = 0; e < E; e++) sq += de[e]! * de[e]!;
    saliency[t] = Math.sqrt(sq);
  }
  return { saliency, target: k, logits };
}
