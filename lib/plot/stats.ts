/**
 * Small statistics for the figures: a trailing moving average, min–max decimation of long curves,
 * and mean / std / min / max of a group.
 * @module
 */

/**
 * Trailing moving average: element i is the mean of `values[max(0, i−window+1) … i]`.
 * Non-finite values are skipped (their slot averages the finite ones; all non-finite gives NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { movingAverage } from "./stats.ts";
 * assert.deepEqual(movingAverage([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5]);
 * ```
 */
export function movingAverage(values: readonly number[], window: number): number[] {
  const w = Math.max(1, Math.floor(window));
  const out: number[] = [];
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
    if (i >= w) {
      const old = values[i - w]!;
      if (Number.isFinite(old)) {
        sum -= old;
        count--;
      }
    }
    out.push(count > 0 ? sum / count : NaN);
  }
  return out;
}

/**
 * Indices that keep the shape of a long curve with at most about `maxPoints` points: the curve is
 * cut into `maxPoints / 2` buckets and each bucket keeps its lowest and highest value (in order),
 * plus the first and last point. Short curves keep every index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minMaxIndices } from "./stats.ts";
 * assert.deepEqual(minMaxIndices([5, 1, 9, 2, 8, 3], 4), [0, 1, 2, 3, 4, 5]);
 * assert.deepEqual(minMaxIndices([5, 1, 9, 2, 8, 3, 7, 4], 4), [0, 1, 2, 4, 5, 7]);
 * ```
 */
export function minMaxIndices(values: readonly number[], maxPoints: number): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    if (lo >= 0) keep.add(lo);
    if (hi >= 0) keep.add(hi);
  }
  return [...keep].sort((a, b) => a - b);
}

/** Mean, sample standard deviation, extremes and count of a group of numbers. */
export interface GroupStats {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  min: number;
  max: number;
  n: number;
}

/**
 * {@linkcode GroupStats} of `values` (which must not be empty).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupStats } from "./stats.ts";
 * assert.deepEqual(groupStats([0.8, 0.9, 1.0]), { mean: 0.9, std: 0.1, min: 0.8, max: 1, n: 3 });
 * ```
 */
export function groupStats(values: readonly number[]): GroupStats {
  if (values.length === 0) throw new RangeError("groupStats: no values");
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const round = (x: number) => Number(x.toPrecision(12));
  return {
    mean: round(mean),
    std: round(Math.sqrt(variance)),
    min: Math.min(...values),
    max: Math.max(...values),
    n,
  };
}
