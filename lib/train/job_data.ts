/**
 * A job's data: the train, dev and test sets of its sequence length.
 * @module
 */

import { join } from "node:path";
import { readDigitSum } from "../data/reader.ts";
import type { DigitSumData } from "../data/reader.ts";
import { UserError } from "../errors.ts";
import { CLASSES } from "./config.ts";

/** The three splits of one length. */
export interface JobData {
  /** Training set. */
  train: DigitSumData;
  /** Dev set: picks the best checkpoint. */
  dev: DigitSumData;
  /** Test set: reported for the best checkpoint only. */
  test: DigitSumData;
}

/**
 * The train, dev and test sets of `length` under `dataDir`, each checked to have that length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJobData } from "./job_data.ts";
 * const data = await readJobData("datasets", 10);
 * assert.deepEqual([data.train.n, data.dev.n, data.test.n], [300, 100, 100]);
 * ```
 */
export async function readJobData(dataDir: string, length: number): Promise<JobData> {
  const read = async (split: string) => {
    const path = join(dataDir, String(length), `${split}.txt`);
    const data = await readDigitSum(path, { numClasses: CLASSES });
    if (data.length !== length) {
      throw new UserError(`${path}: sequences have ${data.length} digits, expected ${length}`);
    }
    return data;
  };
  return { train: await read("train"), dev: await read("dev"), test: await read("test") };
}
