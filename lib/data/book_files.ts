/**
 * Making sure a data folder holds `{L}/{train,dev,test}.txt` for every length a study needs,
 * generating what is missing with the book's generator: a book length (5, 10, …, 35) gets the
 * book's own files (its one generator run over all seven lengths), any other length L the
 * generator run for L alone, `generateBookDatasets({ lengths: [L] })` — exactly what
 * `deno task gen-data --lengths L` writes.
 * @module
 */

import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { UserError } from "../errors.ts";
import {
  BOOK_LENGTHS,
  BOOK_SPLITS,
  generateBookDatasets,
  type GeneratedFile,
  type GenerateOptions,
} from "./digit_sum.ts";

/**
 * The three files of `length` as the book's generator makes them (see the module doc): the
 * book's files for a book length, the single-length run `generateBookDatasets({ lengths: [L] })`
 * otherwise. Paths are relative (`"{L}/{split}.txt"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bookFilesFor } from "./book_files.ts";
 * const files = bookFilesFor(7);
 * assert.deepEqual(files.map((f) => f.path), ["7/train.txt", "7/dev.txt", "7/test.txt"]);
 * assert.equal(files[0]!.text.split("\n").length - 1, 300);
 * ```
 */
export function bookFilesFor(length: number): GeneratedFile[] {
  return bookFiles([length]);
}

/**
 * The files of every length in `lengths`, each made by the rule of {@linkcode bookFilesFor} (with
 * the generator's seed and copies from `options`), so that a length's files never depend on which
 * other lengths were asked for: `deno task gen-data --lengths 50,100,200` writes what the capacity
 * study generates for each length.
 *
 * @example Length 12 is the same asked for alone or after another length
 * ```ts
 * import assert from "node:assert/strict";
 * import { bookFiles } from "./book_files.ts";
 * const alone = bookFiles([12]);
 * const after = bookFiles([7, 12]).slice(3);
 * assert.ok(after.every((f, k) => f.text === alone[k]!.text));
 * ```
 */
export function bookFiles(
  lengths: readonly number[],
  options: Omit<GenerateOptions, "lengths"> = {},
): GeneratedFile[] {
  const isBook = (length: number) => BOOK_LENGTHS.includes(length);
  const book = lengths.some(isBook) ? generateBookDatasets(options) : [];
  return lengths.flatMap((length) =>
    isBook(length)
      ? book.filter((f) => f.path.startsWith(`${length}/`))
      : generateBookDatasets({ ...options, lengths: [length] })
  );
}

/** What {@linkcode ensureBookData} did for one length. */
export interface EnsuredLength {
  /** The length. */
  length: number;
  /** The files it wrote (relative paths); empty when all three were there. */
  written: string[];
}

/**
 * Write every missing `{dataDir}/{L}/{train,dev,test}.txt` of `lengths` (atomically), leaving
 * present files as they are. When some but not all files of a length exist, the present ones
 * must equal the generator's, or the data would mix two generators: that is a
 * {@linkcode UserError}. `onGenerated` is called once per length that needed files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureBookData } from "./book_files.ts";
 * const dir = await Deno.makeTempDir();
 * const generated: number[] = [];
 * const done = await ensureBookData(dir, [7], (e) => generated.push(e.length));
 * assert.deepEqual(generated, [7]);
 * assert.deepEqual(done[0]!.written, ["7/train.txt", "7/dev.txt", "7/test.txt"]);
 * ```
 */
export async function ensureBookData(
  dataDir: string,
  lengths: readonly number[],
  onGenerated?: (ensured: EnsuredLength) => void,
): Promise<EnsuredLength[]> {
  const out: EnsuredLength[] = [];
  for (const length of lengths) {
    const present = new Map<string, string>();
    for (const split of BOOK_SPLITS) {
      const path = `${length}/${split.name}.txt`;
      const text = await readIfExists(join(dataDir, path));
      if (text !== null) present.set(path, text);
    }
    if (present.size === BOOK_SPLITS.length) {
      out.push({ length, written: [] });
      continue;
    }
    const files = bookFilesFor(length);
    for (const file of files) {
      const text = present.get(file.path);
      if (text !== undefined && text !== file.text) {
        throw new UserError(
          `${join(dataDir, file.path)} differs from the book's generator, and other files of ` +
            `length ${length} are missing; restore the folder or remove ${
              join(dataDir, String(length))
            } to regenerate it`,
        );
      }
    }
    const written: string[] = [];
    for (const file of files) {
      if (present.has(file.path)) continue;
      await writeFileAtomic(join(dataDir, file.path), file.text);
      written.push(file.path);
    }
    const ensured = { length, written };
    onGenerated?.(ensured);
    out.push(ensured);
  }
  return out;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}
