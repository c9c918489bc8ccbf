/**
 * The files of one training job's folder, by name: what {@linkcode runJob} reads and writes. The
 * command line keeps them on disk ({@linkcode diskFolder}); the web lab keeps them in memory
 * ({@linkcode memoryFolder}), so the same job loop runs in a browser.
 * @module
 */

import { join } from "node:path";
import { appendTextFileSync, makeDirSync, writeFileAtomicSync } from "../io/atomic.ts";

/** A job folder: its files by name, written atomically. */
export interface JobFolder {
  /** The folder's path, for messages. */
  readonly dir: string;
  /** A file's path, for messages. */
  path(name: string): string;
  /** The names of its files (no temporary ones); empty when the folder does not exist. */
  list(): string[];
  /** A file's text, or null when it is absent. */
  readText(name: string): string | null;
  /** A file's bytes, or null when it is absent. */
  readBytes(name: string): Uint8Array | null;
  /** Create the folder (and its parents). */
  create(): void;
  /** Replace (or create) a file atomically. */
  write(name: string, data: string | Uint8Array): void;
  /** Append text to a file. */
  append(name: string, text: string): void;
}

/**
 * A job folder on disk; every write goes through a temporary file and a rename.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diskFolder } from "./job_folder.ts";
 * const folder = diskFolder(await Deno.makeTempDir());
 * folder.write("a.txt", "hello\n");
 * folder.append("a.txt", "world\n");
 * assert.deepEqual(folder.list(), ["a.txt"]);
 * assert.equal(folder.readText("a.txt"), "hello\nworld\n");
 * ```
 */
export function diskFolder(dir: string): JobFolder {
  const ifExists = <T>(read: () => T): T | null => {
    try {
      return read();
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
  };
  return {
    dir,
    path: (name) => join(dir, name),
    list: () =>
      ifExists(() =>
        [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => !n.endsWith(".tmp"))
      ) ?? [],
    readText: (name) => ifExists(() => Deno.readTextFileSync(join(dir, name))),
    readBytes: (name) => ifExists(() => Deno.readFileSync(join(dir, name))),
    create: () => makeDirSync(dir),
    write: (name, data) => writeFileAtomicSync(join(dir, name), data),
    append: (name, text) => appendTextFileSync(join(dir, name), text),
  };
}

/**
 * A job folder in memory (the web lab's): `files` maps each name to its bytes, and `onWrite`
 * hears of every write (`append` false: `data` is the whole file) and append (`data` is the text
 * added).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryFolder } from "./job_folder.ts";
 * const folder = memoryFolder("lstm-L10-s0");
 * folder.write("metrics.csv", "step\n");
 * folder.append("metrics.csv", "1\n");
 * assert.equal(folder.path("metrics.csv"), "lstm-L10-s0/metrics.csv");
 * assert.equal(folder.readText("metrics.csv"), "step\n1\n");
 * ```
 */
export function memoryFolder(
  dir: string,
  files: Map<string, Uint8Array> = new Map(),
  onWrite?: (name: string, data: Uint8Array, append: boolean) => void,
): JobFolder {
  const encoder = new TextEncoder();
  return {
    dir,
    path: (name) => `${dir}/${name}`,
    list: () => [...files.keys()],
    readText: (name) => {
      const bytes = files.get(name);
      return bytes === undefined ? null : new TextDecoder().decode(bytes);
    },
    readBytes: (name) => files.get(name) ?? null,
    create: () => {},
    write: (name, data) => {
      const bytes = typeof data === "string" ? encoder.encode(data) : new Uint8Array(data);
      files.set(name, bytes);
      onWrite?.(name, bytes, false);
    },
    append: (name, text) => {
      const old = files.get(name) ?? new Uint8Array(0);
      const added = encoder.encode(text);
      const bytes = new Uint8Array(old.length + added.length);
      bytes.set(old);
      bytes.set(added, old.length);
      files.set(name, bytes);
      onWrite?.(name, added, true);
    },
  };
}
