/**
 * The book's data for one length, made in the browser by the same generator as
 * `deno task gen-data` (the bytes of `datasets/{L}/{split}.txt`) and parsed by the same reader.
 * @module
 */

import { bookFilesFor } from "../../lib/data/book_files.ts";
import { parseDigitSum } from "../../lib/data/reader.ts";
import { CLASSES } from "../../lib/train/config.ts";
import type { JobData } from "../../lib/train/job_data.ts";

const cache = new Map<number, JobData>();

/** The train, dev and test sets of `length`, named as `deno task train` reads them. */
export function bookData(length: number): JobData {
  const cached = cache.get(length);
  if (cached) return cached;
  const files = bookFilesFor(length);
  const split = (name: string) => {
    const file = files.find((f) => f.path === `${length}/${name}.txt`)!;
    return parseDigitSum(file.text, `datasets/${file.path}`, { numClasses: CLASSES });
  };
  const data = { train: split("train"), dev: split("dev"), test: split("test") };
  cache.set(length, data);
  return data;
}
