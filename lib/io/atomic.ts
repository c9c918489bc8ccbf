/**
 * Atomic file writes: write a temporary file beside the target, then rename it over the target,
 * so a reader (or a crash) never sees a half-written file.
 * @module
 */

import { dirname, join } from "node:path";

/**
 * Write `data` to `path` atomically, creating the parent folder if needed.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.txt`, "hello\n");
 * console.log(await Deno.readTextFile(`${dir}/a.txt`)); // hello
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** The synchronous twin of {@linkcode writeFileAtomic}, for exit and signal handlers. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    if (typeof data === "string") Deno.writeTextFileSync(tmp, data);
    else Deno.writeFileSync(tmp, data);
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* the temporary file was never made */ }
    throw err;
  }
}
