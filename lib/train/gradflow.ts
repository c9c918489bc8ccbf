/**
 * Gradient flow through time (the book's 6.2 view of vanishing and exploding gradients): the norm
 * of the loss gradient with respect to the hidden state of every step, ‖∂ℓ/∂h_t‖, averaged over
 * the examples of a data set — for a model at its initialisation and after training.
 *
 * ℓ is one example's cross-entropy. The model's loss is the mean over a batch of B, so the
 * backward pass's dL/dh_t is ∂ℓ/∂h_t / B; it is scaled back by B here. Step t = 1 … T is the state
 * after reading digit t; h_T feeds the linear layer.
 * @module
 */

import type { DigitSumData } from "../data/reader.ts";
import { initParams } from "../model/init.ts";
import { SeqClassifier } from "../model/seq_classifier.ts";
import type { JobConfig } from "../run/config.ts";
import { initOptionsOf, modelConfigOf } from "./config.ts";

/**
 * Per-example ∂ℓ_b/∂h_t `[T,B,H]` (time-major; slot t − 1 holds step t) of one batch of digits
 * `[B,T]` and labels `[B]`. Runs a full forward and backward pass: `model.grads` is overwritten
 * and the workspace holds this batch's activations afterwards.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
 * import { hiddenGradients } from "./gradflow.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const dh = hiddenGradients(model, new Int32Array([3, 4, 0, 0, 9, 0]), new Int32Array([7, 9]), 2, 3);
 * assert.equal(dh.length, 192); // 3 steps × 2 examples × 32
 * ```
 */
export function hiddenGradients(
  model: SeqClassifier,
  digits: Int32Array,
  labels: Int32Array,
  B: number,
  T: number,
): Float32Array {
  const H = model.config.hidden;
  const dh = new Float32Array(T * B * H);
  model.zeroGrad();
  model.lossAndBackward(digits, labels, B, T, { dhOut: dh });
  for (let k = 0; k < dh.length; k++) dh[k]! *= B;
  return dh;
}

/**
 * ‖∂ℓ/∂h_t‖ (Euclidean, per example) averaged over every example of `data`, for t = 1 … T
 * (index t − 1), computed `batchSize` examples at a time (the result does not depend on it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, parseDigitSum, SeqClassifier } from "../../mod.ts";
 * import { hiddenGradientNorms } from "./gradflow.ts";
 * const model = new SeqClassifier({ ...BOOK_MODEL, cell: "srn" });
 * initParams(model, { init: "xavier", seed: 0 });
 * const data = parseDigitSum("1 2 0 0 5\t3\n4 0 9 0 0\t4\n", "mini.txt");
 * const norms = hiddenGradientNorms(model, data);
 * assert.equal(norms.length, 5);
 * assert.ok(norms.every((x) => x > 0));
 * ```
 */
export function hiddenGradientNorms(
  model: SeqClassifier,
  data: DigitSumData,
  batchSize = 100,
): Float64Array {
  const { n, length: T } = data;
  const H = model.config.hidden;
  const sums = new Float64Array(T);
  if (!data.hasLabels) throw new RangeError("hiddenGradientNorms needs labelled data");
  for (let start = 0; start < n; start += batchSize) {
    const B = Math.min(batchSize, n - start);
    const digits = data.digits.subarray(start * T, (start + B) * T);
    const labels = data.labels.subarray(start, start + B);
    const dh = hiddenGradients(model, digits, labels, B, T);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const at = (t * B + b) * H;
        let sq = 0;
        for (let j = 0; j < H; j++) sq += dh[at + j]! ** 2;
        sums[t]! += Math.sqrt(sq);
      }
    }
  }
  for (let t = 0; t < T; t++) sums[t]! /= n;
  return sums;
}

/**
 * A job's model at its initialisation: the same scheme, seed and forget-gate bias as training
 * draws them (`initParams` from a generator seeded with the job's seed), before any step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_PRESET } from "./config.ts";
 * import { initialModel } from "./gradflow.ts";
 * const model = initialModel({ ...BOOK_PRESET, cell: "gru", length: 10, seed: 0 });
 * assert.equal(model.config.cell, "gru");
 * assert.ok(model.params.some((p) => p !== 0));
 * ```
 */
export function initialModel(config: JobConfig): SeqClassifier {
  const model = new SeqClassifier(modelConfigOf(config));
  initParams(model, initOptionsOf(config));
  return model;
}

/** One cell's gradient norms per step, at initialisation and after training. */
export interface GradFlow {
  /** The cell. */
  cell: string;
  /** ‖∂ℓ/∂h_t‖ at initialisation, index t − 1. */
  init: Float64Array;
  /** ‖∂ℓ/∂h_t‖ after training (the best checkpoint), index t − 1. */
  trained: Float64Array;
}

/** One row of the gradient-flow CSV. */
export interface GradFlowRow {
  /** The cell. */
  cell: string;
  /** The step, 1 … T. */
  t: number;
  /** ‖∂ℓ/∂h_t‖ at initialisation. */
  init: number;
  /** ‖∂ℓ/∂h_t‖ after training. */
  trained: number;
}

/**
 * The flows as rows, one per (cell, step).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradFlowRows } from "./gradflow.ts";
 * const rows = gradFlowRows([{ cell: "srn", init: new Float64Array([0.1, 1]), trained: new Float64Array([0.2, 2]) }]);
 * assert.deepEqual(rows[1], { cell: "srn", t: 2, init: 1, trained: 2 });
 * ```
 */
export function gradFlowRows(flows: readonly GradFlow[]): GradFlowRow[] {
  return flows.flatMap(({ cell, init, trained }) =>
    Array.from(init, (value, i) => ({ cell, t: i + 1, init: value, trained: trained[i]! }))
  );
}

/**
 * The gradient-flow CSV: `cell,t,init,trained`, norms with 7 significant digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradFlowCsv } from "./gradflow.ts";
 * const csv = gradFlowCsv([{ cell: "lstm", init: new Float64Array([0.000123456789]), trained: new Float64Array([2]) }]);
 * assert.equal(csv, "cell,t,init,trained\nlstm,1,0.0001234568,2\n");
 * ```
 */
export function gradFlowCsv(flows: readonly GradFlow[]): string {
  const num = (x: number) => String(Number(x.toPrecision(7)));
  const lines = ["cell,t,init,trained"];
  for (const r of gradFlowRows(flows)) {
    lines.push(`${r.cell},${r.t},${num(r.init)},${num(r.trained)}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * A few lines for the terminal: per cell and phase, ‖∂ℓ/∂h_T‖ (the last step), ‖∂ℓ/∂h_1‖ (the
 * first) and their ratio — how much of the gradient reaches the first digit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradFlowTable } from "./gradflow.ts";
 * const table = gradFlowTable([{ cell: "srn", init: new Float64Array([1e-6, 0.5]), trained: new Float64Array([1e-3, 0.1]) }]);
 * assert.equal(table.split("\n")[1], "SRN   at initialisation 5.00e-1     1.00e-6     2.00e-6");
 * assert.equal(table.split("\n")[2], "SRN   after training    1.00e-1     1.00e-3     1.00e-2");
 * ```
 */
export function gradFlowTable(flows: readonly GradFlow[]): string {
  const e = (x: number) => x.toExponential(2);
  const lines = ["cell  phase             ‖∂ℓ/∂h_T‖   ‖∂ℓ/∂h_1‖   h_1 / h_T"];
  for (const { cell, init, trained } of flows) {
    for (const [phase, v] of [["at initialisation", init], ["after training", trained]] as const) {
      const first = v[0]!;
      const last = v[v.length - 1]!;
      lines.push(
        `${cell.toUpperCase().padEnd(5)} ${phase.padEnd(17)} ${e(last).padEnd(11)} ${
          e(first).padEnd(11)
        } ${e(first / last)}`,
      );
    }
  }
  return lines.join("\n");
}
