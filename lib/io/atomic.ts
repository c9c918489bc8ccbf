/**
 * Every file write of the toolkit: atomic replacement (a temporary file beside the target, then a
 * rename over it, so a reader or a crash never sees a half-written file), appends, and folders.
 * A write that fails for a reason outside the program (disk full, read-only or forbidden folder,
 * a path that is a file) throws a {@linkcode WriteError}: one line naming the file and the cause,
 * which scripts print as `error: runs/x/lstm-L10-s0/last.safetensors: no space left on device`.
 *
 * Tests reach those failures without root through the environment variable
 * `LSTM_LAB_WRITE_FAULT=CODE:NAME[:N]` (read only where the process may read it): from the N-th
 * write (default 1) of a file called NAME on, counted in each thread, the write stores half its
 * bytes and then fails as the operating system would with CODE (`ENOSPC`, `EROFS`, `EACCES` or
 * `ENOTDIR`).
 * @module
 */

import { basename, dirname, join } from "node:path";
import { UserError } from "../errors.ts";

/**
 * A file or folder that could not be written, and why, in one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic, WriteError } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/out`, "a file where a folder should be");
 * const err = await writeFileAtomic(`${dir}/out/a.txt`, "x").catch((e) => e);
 * assert.ok(err instanceof WriteError);
 * assert.equal(err.message, `${dir}/out/a.txt: ${dir}/out is a file, expected a folder`);
 * ```
 */
export class WriteError extends UserError {
  /** The file or folder that was being written. */
  readonly path: string;

  /** `path: cause`. */
  constructor(path: string, cause: string) {
    super(`${path}: ${cause}`);
    this.name = "WriteError";
    this.path = path;
  }
}

/** The operating system's error codes a write meets, as the causes users read. */
const CAUSES: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EIO: "input/output error",
  EISDIR: "is a folder, expected a file",
};

/** The messages and numbers Linux gives the codes a fault can stand for. */
const FAULTS: Record<string, [message: string, errno: number]> = {
  ENOSPC: ["No space left on device", 28],
  EROFS: ["Read-only file system", 30],
  EACCES: ["Permission denied", 13],
  ENOTDIR: ["Not a directory", 20],
};

/** The closest folder on `path`'s way up that exists as a file, or null. */
function fileOnTheWay(path: string): string | null {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if (!Deno.statSync(dir).isDirectory) return dir;
    } catch { /* absent, or not ours to look at: keep going up */ }
  }
  return null;
}

/**
 * The one-line {@linkcode WriteError} for an error met while writing `path`; errors that are not
 * the file system's (a bug) come back unchanged.
 */
function writeError(path: string, err: unknown): unknown {
  if (err instanceof UserError) return err;
  if (err instanceof Deno.errors.NotCapable) {
    return new WriteError(path, "not allowed by this task's --allow-write");
  }
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== "string") return err;
  if (code === "ENOTDIR" || code === "EEXIST") {
    // EEXIST: mkdir met a file, `path` itself when it is the folder being made
    const file = fileOnTheWay(code === "EEXIST" ? join(path, "x") : path) ?? fileOnTheWay(path);
    if (file === path) return new WriteError(path, "is a file, expected a folder");
    if (file !== null) return new WriteError(path, `${file} is a file, expected a folder`);
  }
  const cause = CAUSES[code] ??
    (err as Error).message.replace(/ \(os error \d+\).*$/s, "").toLowerCase();
  return new WriteError(path, cause);
}

let faultSpec: { code: string; name: string; from: number } | null | undefined;
const faultCounts = new Map<string, number>();

/** The fault `LSTM_LAB_WRITE_FAULT` asks for on this write of `path`, or null. */
function injectedFault(path: string, op: string): Error | null {
  if (faultSpec === undefined) {
    faultSpec = null;
    const variable = "LSTM_LAB_WRITE_FAULT";
    if (Deno.permissions.querySync({ name: "env", variable }).state === "granted") {
      const match = /^([A-Z]+):([^:]+)(?::(\d+))?$/.exec(Deno.env.get(variable) ?? "");
      if (match && match[1]! in FAULTS) {
        faultSpec = { code: match[1]!, name: match[2]!, from: Number(match[3] ?? 1) };
      }
    }
  }
  if (faultSpec === null || basename(path) !== faultSpec.name) return null;
  const count = (faultCounts.get(faultSpec.name) ?? 0) + 1;
  faultCounts.set(faultSpec.name, count);
  if (count < faultSpec.from) return null;
  const [message, errno] = FAULTS[faultSpec.code]!;
  const err = new Error(`${message} (os error ${errno}): ${op} '${path}'`);
  return Object.assign(err, { code: faultSpec.code });
}

const encoder = new TextEncoder();
const bytesOf = (data: string | Uint8Array) =>
  typeof data === "string" ? encoder.encode(data) : data;

/**
 * Write `data` to `path` atomically, creating the parent folder if needed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.txt`, "hello\n");
 * assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "hello\n");
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await Deno.mkdir(dir, { recursive: true });
    const bytes = bytesOf(data);
    const fault = injectedFault(path, "writefile");
    if (fault) {
      await Deno.writeFile(tmp, bytes.subarray(0, bytes.length >> 1));
      throw fault;
    }
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw writeError(path, err);
  }
}

/** The synchronous twin of {@linkcode writeFileAtomic}, for job folders and exit handlers. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    Deno.mkdirSync(dir, { recursive: true });
    const bytes = bytesOf(data);
    const fault = injectedFault(path, "writefile");
    if (fault) {
      Deno.writeFileSync(tmp, bytes.subarray(0, bytes.length >> 1));
      throw fault;
    }
    Deno.writeFileSync(tmp, bytes);
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* the temporary file was never made */ }
    throw writeError(path, err);
  }
}

/**
 * Append `text` to `path` (created when absent). Not atomic: a failure can leave the end of the
 * text unwritten, so readers of appended files (metrics.csv) drop a last line that has no newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendTextFileSync } from "./atomic.ts";
 * const path = `${await Deno.makeTempDir()}/log.csv`;
 * appendTextFileSync(path, "a\n");
 * appendTextFileSync(path, "b\n");
 * assert.equal(Deno.readTextFileSync(path), "a\nb\n");
 * ```
 */
export function appendTextFileSync(path: string, text: string): void {
  try {
    const fault = injectedFault(path, "writefile");
    if (fault) {
      Deno.writeTextFileSync(path, text.slice(0, text.length >> 1), { append: true });
      throw fault;
    }
    Deno.writeTextFileSync(path, text, { append: true });
  } catch (err) {
    throw writeError(path, err);
  }
}

/**
 * Create the folder `path` and its parents (nothing when it exists).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeDir } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await makeDir(`${dir}/a/b`);
 * assert.ok((await Deno.stat(`${dir}/a/b`)).isDirectory);
 * ```
 */
export async function makeDir(path: string): Promise<void> {
  try {
    await Deno.mkdir(path, { recursive: true });
  } catch (err) {
    throw writeError(path, err);
  }
}

/** The synchronous twin of {@linkcode makeDir}. */
export function makeDirSync(path: string): void {
  try {
    Deno.mkdirSync(path, { recursive: true });
  } catch (err) {
    throw writeError(path, err);
  }
}
