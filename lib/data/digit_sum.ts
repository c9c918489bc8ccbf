/**
 * The book's digit-sum data generator (NNDL 6.1/6.3, `generate_data(length, k, save_path)`).
 *
 * For each of the 100 pairs (n1, n2) the sequence is `[n1, n2, 0, …, 0]` with label n1 + n2;
 * each pair is copied k times and one position in [2, L) is set to a random digit (the noise).
 * @module
 */

import { MT19937 } from "./mt19937.ts";

/** The lengths the book generates, in its order. */
export const BOOK_LENGTHS: readonly number[] = [5, 10, 15, 20, 25, 30, 35];

/** The three splits written for each length, in the book's order, with their copies per pair. */
export const BOOK_SPLITS: readonly { name: "train" | "dev" | "test"; k: number }[] = [
  { name: "train", k: 3 },
  { name: "dev", k: 1 },
  { name: "test", k: 1 },
];

/**
 * One split of the digit-sum data as the book's generator writes it: 100·k lines
 * `"d d d …\tlabel\n"`, drawing two `randint`s per line from `rng`.
 *
 * @example The first line of the book's `datasets/5/train.txt`
 * ```ts
 * import assert from "node:assert/strict";
 * import { MT19937 } from "./mt19937.ts";
 * import { generateDigitSumText } from "./digit_sum.ts";
 * const text = generateDigitSumText(5, 3, new MT19937(0));
 * assert.equal(text.split("\n")[0], "0 0 5 0 0\t0");
 * ```
 */
export function generateDigitSumText(length: number, k: number, rng: MT19937): string {
  if (!Number.isInteger(length) || length < 3) {
    throw new RangeError(`length must be an integer >= 3, got ${length}`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}`);
  const lines: string[] = [];
  const seq = new Array<number>(length).fill(0);
  for (let n1 = 0; n1 < 10; n1++) {
    for (let n2 = 0; n2 < 10; n2++) {
      for (let copy = 0; copy < k; copy++) {
        const idx = rng.randint(2, length);
        const val = rng.randint(0, 10);
        seq.fill(0);
        seq[0] = n1;
        seq[1] = n2;
        seq[idx] = val;
        lines.push(`${seq.join(" ")}\t${n1 + n2}\n`);
      }
    }
  }
  return lines.join("");
}

/** Options of {@linkcode generateBookDatasets}. */
export interface GenerateOptions {
  /** Sequence lengths, generated in this order (default the book's 5, 10, …, 35). */
  lengths?: readonly number[];
  /** `np.random.seed` value, set once before the first length (default 0). */
  seed?: number;
  /** Copies of each pair in the training split (default 3). */
  kTrain?: number;
  /** Copies of each pair in the dev and test splits (default 1). */
  kEval?: number;
}

/** One generated file: its path relative to the output folder and its text. */
export interface GeneratedFile {
  /** `"{L}/{split}.txt"`. */
  path: string;
  /** The file's whole text. */
  text: string;
}

/**
 * Every file of the book's generator in the order it draws them: for each length, train, dev
 * and test, all from one generator seeded once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateBookDatasets } from "./digit_sum.ts";
 * const files = generateBookDatasets({ lengths: [5] });
 * assert.deepEqual(files.map((f) => f.path), ["5/train.txt", "5/dev.txt", "5/test.txt"]);
 * ```
 */
export function generateBookDatasets(options: GenerateOptions = {}): GeneratedFile[] {
  const { lengths = BOOK_LENGTHS, seed = 0, kTrain = 3, kEval = 1 } = options;
  const rng = new MT19937(seed);
  const files: GeneratedFile[] = [];
  for (const length of lengths) {
    for (const split of BOOK_SPLITS) {
      const k = split.name === "train" ? kTrain : kEval;
      files.push({
        path: `${length}/${split.name}.txt`,
        text: generateDigitSumText(length, k, rng),
      });
    }
  }
  return files;
}
