/**
 * Evaluation and prediction over a whole data set, in batches.
 * @module
 */

import type { DigitSumData } from "../data/reader.ts";
import { crossEntropyForward } from "../nn/loss.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";

/** Accuracy and mean cross-entropy of a model on a labelled data set. */
export interface Evaluation {
  /** Share of examples whose arg-max logit is the label. */
  accuracy: number;
  /** Mean cross-entropy over the examples. */
  loss: number;
  /** Each example's arg-max class, when asked for (`{ preds: true }`). */
  preds?: Int32Array;
}

/**
 * How many examples {@linkcode predict} and {@linkcode evaluate} run at a time by default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EVAL_BATCH_SIZE } from "./evaluate.ts";
 * assert.equal(EVAL_BATCH_SIZE, 100);
 * ```
 */
export const EVAL_BATCH_SIZE = 100;

/**
 * The logits `[N, C]` of every example, computed `batchSize` at a time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, parseDigitSum, predict, SeqClassifier } from "../../mod.ts";
 * const data = parseDigitSum("1 2 0\t3\n4 0 9\t4\n", "mini.txt");
 * assert.equal(predict(new SeqClassifier(BOOK_MODEL), data).length, 38); // 2 × 19
 * ```
 */
export function predict(
  model: SeqClassifier,
  data: DigitSumData,
  batchSize = EVAL_BATCH_SIZE,
): Float32Array {
  const C = model.config.classes;
  const out = new Float32Array(data.n * C);
  inferBatches(model, data, batchSize, (logits, start) => out.set(logits, start * C));
  return out;
}

/**
 * Runs `model` over `data` `batchSize` examples at a time, in order, and hands each batch's
 * logits `[size, C]` to `visit` with the index of its first example (the logits are valid only
 * during the call).
 */
function inferBatches(
  model: SeqClassifier,
  data: DigitSumData,
  batchSize: number,
  visit: (logits: Float32Array, start: number, size: number) => void,
): void {
  const { n, length } = data;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const digits = data.digits.subarray(start * length, (start + size) * length);
    visit(model.infer(digits, size, length), start, size);
  }
}

/**
 * The arg-max class of each row of `logits [N, C]` (the first on ties).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { argmaxRows } from "./evaluate.ts";
 * assert.deepEqual(Array.from(argmaxRows(new Float32Array([0, 2, 1, 5, 0, 0]), 3)), [1, 0]);
 * ```
 */
export function argmaxRows(logits: Float32Array, C: number): Int32Array {
  const N = logits.length / C;
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (logits[i * C + c]! > logits[i * C + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Accuracy and mean cross-entropy of `model` on `data`, `batchSize` examples at a time; with
 * `{ preds: true }` also each example's arg-max class.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, evaluate, parseDigitSum, SeqClassifier } from "../../mod.ts";
 * const data = parseDigitSum("1 2 0\t3\n4 0 9\t4\n", "mini.txt");
 * const { accuracy, loss } = evaluate(new SeqClassifier(BOOK_MODEL), data);
 * assert.equal(accuracy, 0);
 * assert.equal(loss.toFixed(4), "2.9444"); // (all-zero weights: uniform over 19 classes)
 * ```
 */
export function evaluate(
  model: SeqClassifier,
  data: DigitSumData,
  batchSize = EVAL_BATCH_SIZE,
  options: { preds?: boolean } = {},
): Evaluation {
  const { n } = data;
  const C = model.config.classes;
  const probs = new Float32Array(Math.min(batchSize, n) * C);
  const all = options.preds ? new Int32Array(n) : null;
  let correct = 0;
  let lossSum = 0;
  inferBatches(model, data, batchSize, (logits, start, size) => {
    const labels = data.labels.subarray(start, start + size);
    lossSum += crossEntropyForward(probs, logits, labels, size, C) * size;
    const preds = argmaxRows(logits, C);
    all?.set(preds, start);
    for (let i = 0; i < size; i++) if (preds[i] === labels[i]) correct++;
  });
  return { accuracy: correct / n, loss: lossSum / n, ...(all ? { preds: all } : {}) };
}

/**
 * The share of the most common label: the accuracy of always answering it, which a model must beat
 * before it can be said to have learnt anything (the digit-sum data: 0.1, the sum 9).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { majorityRate } from "./evaluate.ts";
 * assert.equal(majorityRate(new Int32Array([9, 9, 3, 18])), 0.5);
 * ```
 */
export function majorityRate(labels: Int32Array): number {
  const counts = new Map<number, number>();
  let most = 0;
  for (const label of labels) {
    const count = (counts.get(label) ?? 0) + 1;
    counts.set(label, count);
    most = Math.max(most, count);
  }
  return labels.length > 0 ? most / labels.length : 0;
}
