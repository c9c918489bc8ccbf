/**
 * Mini-batches of a digit-sum data set, in file order (as views, no copy) or in a seeded
 * shuffled order.
 * @module
 */

import type { MT19937 } from "./mt19937.ts";
import type { DigitSumData } from "./reader.ts";

/** One mini-batch. */
export interface Batch {
  /** The digits `[size, length]`, row-major. */
  digits: Int32Array;
  /** The labels `[size]`. */
  labels: Int32Array;
  /** Examples in this batch (the last one may be smaller than the batch size). */
  size: number;
}

/**
 * Number of batches in an epoch, the last partial one included (300 examples, B = 8 → 38).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchCount } from "./batches.ts";
 * assert.equal(batchCount(300, 8), 38);
 * ```
 */
export function batchCount(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/**
 * A permutation of 0…n-1, the same as numpy's legacy `np.random.permutation(n)` draws from the
 * same generator state (Fisher–Yates from the end, bounded draws by masked rejection).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MT19937 } from "./mt19937.ts";
 * import { permutation } from "./batches.ts";
 * assert.deepEqual(Array.from(permutation(5, new MT19937(0))), [2, 0, 1, 3, 4]); // np.random.seed(0); np.random.permutation(5)
 * ```
 */
export function permutation(n: number, rng: MT19937): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.randint(0, i + 1);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}

/**
 * The batches of one epoch. Without `order` they are views into `data` in file order; with an
 * order (e.g. from {@linkcode permutation}) each batch gathers its examples into new arrays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batches } from "./batches.ts";
 * import { parseDigitSum } from "./reader.ts";
 * const data = parseDigitSum("1 2 0\t3\n4 0 9\t4\n5 5 0\t10\n", "mini.txt");
 * assert.deepEqual([...batches(data, 2)].map((b) => b.size), [2, 1]);
 * ```
 */
export function* batches(
  data: DigitSumData,
  batchSize: number,
  order?: Int32Array,
): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  }
  const { n, length } = data;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    if (!order) {
      yield {
        digits: data.digits.subarray(start * length, (start + size) * length),
        labels: data.labels.subarray(start, start + size),
        size,
      };
      continue;
    }
    const digits = new Int32Array(size * length);
    const labels = new Int32Array(size);
    for (let b = 0; b < size; b++) {
      const src = order[start + b]!;
      digits.set(data.digits.subarray(src * length, (src + 1) * length), b * length);
      labels[b] = data.labels[src]!;
    }
    yield { digits, labels, size };
  }
}
