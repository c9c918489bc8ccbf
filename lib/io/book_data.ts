/**
 * Making sure a data folder holds `{L}/{train,dev,test}.txt` for every length a study needs:
 * the files lib/data finds missing ({@linkcode missingBookFiles}), written atomically.
 * @module
 */

import { join } from "node:path";
import { missingBookFiles } from "../data/book_files.ts";
import { writeFileAtomic } from "./atomic.ts";

/** What {@linkcode ensureBookData} did for one length. */
export interface EnsuredLength {
  /** The length. */
  length: number;
  /** The files it wrote (relative paths); empty when all three were there. */
  written: string[];
}

/**
 * Write every missing `{dataDir}/{L}/{train,dev,test}.txt` of `lengths` (atomically), leaving
 * present files as they are; a length whose present files differ from the generator's is a
 * `UserError`, before anything of it is written. `onGenerated` is called once per length that
 * needed files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureBookData } from "./book_data.ts";
 * const dir = await Deno.makeTempDir();
 * const generated: number[] = [];
 * const done = await ensureBookData(dir, [7], (e) => generated.push(e.length));
 * assert.deepEqual(done[0]!.written, ["7/train.txt", "7/dev.txt", "7/test.txt"]);
 * assert.deepEqual(generated, [7]);
 * ```
 */
export async function ensureBookData(
  dataDir: string,
  lengths: readonly number[],
  onGenerated?: (ensured: EnsuredLength) => void,
): Promise<EnsuredLength[]> {
  const out: EnsuredLength[] = [];
  for (const { length, files } of await missingBookFiles(dataDir, lengths)) {
    for (const file of files) await writeFileAtomic(join(dataDir, file.path), file.text);
    const ensured = { length, written: files.map((file) => file.path) };
    if (files.length > 0) onGenerated?.(ensured);
    out.push(ensured);
  }
  return out;
}
