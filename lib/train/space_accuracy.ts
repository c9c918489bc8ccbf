/**
 * A model's accuracy on the digit-sum task without the sampling error of the book's 100 test
 * examples: over the task's whole input space at a length ({@linkcode inputSpace}), or over a
 * seeded sample of 10,000 of it where the space is larger, with a 95 % interval; and how much the
 * model's answer tells about the sum, in nats.
 * @module
 */

import { inputSpace, inputSpaceSize } from "../data/input_space.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";
import type { JobResult } from "../run/result.ts";
import { EVAL_BATCH_SIZE, evaluate } from "./evaluate.ts";
import { errorsByNoisePosition, memorySplit } from "./noise_errors.ts";

/**
 * The entropy of the sum of two uniform digits, in nats: about 2.794. A model that knew the sum
 * would need no more; one that knew only one digit would be left with ln 10 ≈ 2.303.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SUM_ENTROPY } from "./space_accuracy.ts";
 * assert.equal(SUM_ENTROPY.toFixed(3), "2.794");
 * ```
 */
export const SUM_ENTROPY: number = Array.from(
  { length: 19 },
  (_, s) => (10 - Math.abs(s - 9)) / 100,
)
  .reduce((h, p) => h - p * Math.log(p), 0);

/** Sequences of the input space evaluated at most: the whole space up to this size, else a sample. */
export const SPACE_LIMIT = 10_000;

/** What {@linkcode evaluateInputSpace} returns. */
export interface SpaceEvaluation {
  /** The sequence length. */
  length: number;
  /** Sequences in the whole space, 1,000 × (L − 2). */
  size: number;
  /** Sequences evaluated: the whole space, or the sample. */
  n: number;
  /** True when every sequence of the space was evaluated (the accuracy is exact). */
  exhaustive: boolean;
  /** The share answered right. */
  accuracy: number;
  /** The 95 % interval of the space's accuracy (Wilson); [accuracy, accuracy] when exhaustive. */
  interval: [number, number];
  /** Mean cross-entropy, nats. */
  loss: number;
  /** What the answers keep about the sum: {@linkcode SUM_ENTROPY} − loss, nats. */
  information: number;
  /**
   * The same over the memory sequences among those evaluated — noise digit at position ≥ 4, or
   * a noise value of 0 (none to see) — which only memory can answer: the share right, how many,
   * and its 95 % interval.
   */
  memory: { accuracy: number; n: number; interval: [number, number] };
}

/**
 * The 95 % Wilson score interval of a share `p` measured on `n` independent draws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wilsonInterval } from "./space_accuracy.ts";
 * assert.deepEqual(wilsonInterval(0.9, 100).map((x) => x.toFixed(3)), ["0.826", "0.945"]);
 * ```
 */
export function wilsonInterval(p: number, n: number, z = 1.959964): [number, number] {
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt(p * (1 - p) / n + z2n / (4 * n))) / (1 + z2n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Evaluate `model` over the input space at `length`: exhaustively when it holds at most `limit`
 * sequences (default 10,000, lengths up to 12), else over `limit` sequences sampled with the
 * seed `seed` (default 0).
 *
 * @example An untrained model answers about one in ten
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
 * import { evaluateInputSpace } from "./space_accuracy.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "xavier", seed: 0 });
 * const e = evaluateInputSpace(model, 5);
 * assert.deepEqual([e.size, e.n, e.exhaustive], [3000, 3000, true]);
 * assert.deepEqual(e.interval, [e.accuracy, e.accuracy]);
 * assert.ok(e.accuracy < 0.2 && e.information < 0.2);
 * ```
 */
export function evaluateInputSpace(
  model: SeqClassifier,
  length: number,
  { limit = SPACE_LIMIT, seed = 0 }: { limit?: number; seed?: number } = {},
): SpaceEvaluation {
  const { data, exhaustive } = inputSpace(length, { limit, seed });
  const { accuracy, loss, preds } = evaluate(model, data, EVAL_BATCH_SIZE, { preds: true });
  const interval = (share: number, n: number): [number, number] =>
    exhaustive ? [share, share] : wilsonInterval(share, n);
  const split = memorySplit(errorsByNoisePosition(data, preds!));
  const size = inputSpaceSize(length);
  return {
    length,
    size,
    n: data.n,
    exhaustive,
    accuracy,
    interval: interval(accuracy, data.n),
    loss,
    information: SUM_ENTROPY - loss,
    memory: {
      accuracy: split.test_acc_memory,
      n: split.n_memory,
      interval: interval(split.test_acc_memory, split.n_memory),
    },
  };
}

/** The input-space fields of a digit-sum job's result (see `JobResult.space_n`). */
export type SpaceFields = Required<
  Pick<JobResult, "space_n" | "space_acc" | "space_n_memory" | "space_acc_memory" | "space_loss">
>;

/**
 * The fields a digit-sum job's result keeps of `model`'s evaluation over the input space at
 * `length` (the default limit and seed: exact up to 10,000 sequences, else a sample of 10,000);
 * NaN accuracies and loss without a model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spaceFields } from "./space_accuracy.ts";
 * assert.deepEqual(spaceFields(null, 12), {
 *   space_n: 10000, space_acc: NaN, space_n_memory: NaN, space_acc_memory: NaN, space_loss: NaN,
 * });
 * ```
 */
export function spaceFields(model: SeqClassifier | null, length: number): SpaceFields {
  if (!model) {
    const n = Math.min(inputSpaceSize(length), SPACE_LIMIT);
    return {
      space_n: n,
      space_acc: NaN,
      space_n_memory: NaN,
      space_acc_memory: NaN,
      space_loss: NaN,
    };
  }
  const e = evaluateInputSpace(model, length);
  return {
    space_n: e.n,
    space_acc: e.accuracy,
    space_n_memory: e.memory.n,
    space_acc_memory: e.memory.accuracy,
    space_loss: e.loss,
  };
}
