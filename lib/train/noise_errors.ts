/**
 * Where a model's mistakes are: errors grouped by the position of the noise digit. In the book's
 * data the two digits to add sit at positions 0 and 1 and one noise digit at a random position in
 * [2, L); `deno task eval` prints this breakdown for every job.
 * @module
 */

import type { DigitSumData } from "../data/reader.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";
import { argmaxRows, predict } from "./evaluate.ts";

/** The position groups of {@linkcode noiseErrorTable}: 2, 3, 4, 5, 6 and later, and no noise. */
export const NOISE_GROUPS = ["2", "3", "4", "5", "≥6", "none"] as const;

/** One of {@linkcode NOISE_GROUPS}. */
export type NoiseGroup = typeof NOISE_GROUPS[number];

/** Examples and errors at one noise position. */
export interface NoiseCount {
  /** How many examples have their noise digit there. */
  n: number;
  /** How many of them the model got wrong. */
  errors: number;
}

/**
 * The position of the noise digit in row `row` of `digits [n, L]`: the first non-zero digit after
 * the two addends, or -1 when there is none (the noise digit drawn was 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noisePosition } from "./noise_errors.ts";
 * const digits = new Int32Array([3, 4, 0, 7, 0, 0, 2, 0, 0, 0]); // two rows of 5
 * assert.equal(noisePosition(digits, 0, 5), 3);
 * assert.equal(noisePosition(digits, 1, 5), -1);
 * ```
 */
export function noisePosition(digits: Int32Array, row: number, length: number): number {
  for (let t = 2; t < length; t++) if (digits[row * length + t] !== 0) return t;
  return -1;
}

/**
 * Examples and errors per noise position (-1: no noise) of `data`, given the model's predictions
 * `preds [n]`; positions without examples are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDigitSum } from "../../mod.ts";
 * import { errorsByNoisePosition } from "./noise_errors.ts";
 * const data = parseDigitSum("1 2 5 0\t3\n1 2 0 5\t3\n4 0 0 0\t4\n", "mini.txt");
 * const counts = errorsByNoisePosition(data, new Int32Array([8, 3, 4]));
 * assert.deepEqual([...counts], [[-1, { n: 1, errors: 0 }], [2, { n: 1, errors: 1 }], [3, { n: 1, errors: 0 }]]);
 * ```
 */
export function errorsByNoisePosition(
  data: DigitSumData,
  preds: Int32Array,
): Map<number, NoiseCount> {
  const counts = new Map<number, NoiseCount>();
  for (let i = 0; i < data.n; i++) {
    const position = noisePosition(data.digits, i, data.length);
    const count = counts.get(position) ?? { n: 0, errors: 0 };
    count.n++;
    if (preds[i] !== data.labels[i]) count.errors++;
    counts.set(position, count);
  }
  return new Map([...counts].sort(([a], [b]) => a - b));
}

/**
 * The group of a noise position: "2" … "5", "≥6", or "none" for -1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noiseGroup } from "./noise_errors.ts";
 * assert.deepEqual([3, 9, -1].map(noiseGroup), ["3", "≥6", "none"]);
 * ```
 */
export function noiseGroup(position: number): NoiseGroup {
  if (position < 0) return "none";
  return position >= 6 ? "≥6" : String(position) as NoiseGroup;
}

/**
 * A plain-text table of errors by noise group, one row per label (e.g. `LSTM L10`), each cell
 * `errors/n` summed over whatever the caller merged into that row (`·` when no example).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noiseErrorTable } from "./noise_errors.ts";
 * const row = new Map([[2, { n: 12, errors: 7 }], [9, { n: 80, errors: 1 }]]);
 * assert.deepEqual(noiseErrorTable([["LSTM L10", row]]).split("\n"), [
 *   "test errors by the noise digit's position (errors/examples)",
 *   "job           2      3      4      5     ≥6   none",
 *   "LSTM L10   7/12      ·      ·      ·   1/80      ·",
 * ]);
 * ```
 */
export function noiseErrorTable(rows: [string, Map<number, NoiseCount>][]): string {
  const width = Math.max(3, ...rows.map(([label]) => label.length));
  const lines = [
    "test errors by the noise digit's position (errors/examples)",
    ["job".padEnd(width), ...NOISE_GROUPS.map((g) => g.padStart(6))].join(" "),
  ];
  for (const [label, counts] of rows) {
    const groups = new Map<NoiseGroup, NoiseCount>();
    for (const [position, { n, errors }] of counts) {
      const group = groups.get(noiseGroup(position)) ?? { n: 0, errors: 0 };
      groups.set(noiseGroup(position), { n: group.n + n, errors: group.errors + errors });
    }
    const cells = NOISE_GROUPS.map((g) => {
      const c = groups.get(g);
      return (c ? `${c.errors}/${c.n}` : "·").padStart(6);
    });
    lines.push([label.padEnd(width), ...cells].join(" "));
  }
  return lines.join("\n");
}

/**
 * Accuracy on the examples that test memory apart from those that test interference: `memory`
 * holds the examples whose noise digit is at position 4 or later, or absent; `adjacent` those with
 * the noise digit at position 2 or 3, right after the two addends, where telling the second digit
 * from the noise is the hard part (NaN accuracy for a group without examples).
 */
export interface MemorySplit {
  /** Accuracy on the memory examples (noise at ≥ 4 or none). */
  test_acc_memory: number;
  /** Accuracy on the adjacent-noise examples (noise at 2 or 3). */
  test_acc_adjacent: number;
  /** How many memory examples. */
  n_memory: number;
  /** How many adjacent-noise examples. */
  n_adjacent: number;
}

/** The first noise position that counts as memory: 2 and 3 are adjacent to the addends. */
export const FIRST_MEMORY_POSITION = 4;

/**
 * Whether a noise position (from {@linkcode noisePosition}; -1: none) is adjacent to the two
 * addends — an example of the `adjacent` split rather than the `memory` one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isAdjacentNoise } from "./noise_errors.ts";
 * assert.deepEqual([2, 3, 4, -1].map(isAdjacentNoise), [true, true, false, false]);
 * ```
 */
export function isAdjacentNoise(position: number): boolean {
  return position >= 0 && position < FIRST_MEMORY_POSITION;
}

/**
 * {@linkcode MemorySplit} of the counts {@linkcode errorsByNoisePosition} returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memorySplit } from "./noise_errors.ts";
 * const counts = new Map([[-1, { n: 10, errors: 0 }], [2, { n: 4, errors: 3 }], [7, { n: 6, errors: 1 }]]);
 * assert.deepEqual(memorySplit(counts), {
 *   test_acc_memory: 0.9375, test_acc_adjacent: 0.25, n_memory: 16, n_adjacent: 4,
 * });
 * ```
 */
export function memorySplit(counts: Map<number, NoiseCount>): MemorySplit {
  let n_memory = 0, errorsMemory = 0, n_adjacent = 0, errorsAdjacent = 0;
  for (const [position, { n, errors }] of counts) {
    if (isAdjacentNoise(position)) {
      n_adjacent += n;
      errorsAdjacent += errors;
    } else {
      n_memory += n;
      errorsMemory += errors;
    }
  }
  const accuracy = (n: number, errors: number) => n > 0 ? (n - errors) / n : NaN;
  return {
    test_acc_memory: accuracy(n_memory, errorsMemory),
    test_acc_adjacent: accuracy(n_adjacent, errorsAdjacent),
    n_memory,
    n_adjacent,
  };
}

/**
 * `model`'s test accuracy on the memory and on the adjacent-noise examples of `test`, with their
 * counts; without a model (a job that never saved one) only the counts, the accuracies NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, readDigitSum, SeqClassifier } from "../../mod.ts";
 * import { testMemorySplit } from "./noise_errors.ts";
 * const test = await readDigitSum("datasets/10/test.txt");
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const { n_memory, n_adjacent } = testMemorySplit(model, test);
 * assert.equal(n_memory + n_adjacent, 100);
 * ```
 */
export function testMemorySplit(model: SeqClassifier | null, test: DigitSumData): MemorySplit {
  const preds = model
    ? argmaxRows(predict(model, test), model.config.classes)
    : new Int32Array(test.n).fill(-1);
  const split = memorySplit(errorsByNoisePosition(test, preds));
  return model ? split : { ...split, test_acc_memory: NaN, test_acc_adjacent: NaN };
}
