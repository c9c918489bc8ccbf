/**
 * The safetensors checkpoint format, for float32 tensors: an 8-byte little-endian header length
 * N, N bytes of UTF-8 JSON header (padded with spaces so the data starts at a multiple of 8),
 * then the tensors' little-endian bytes, back to back.
 *
 * ```text
 * {"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},…}
 * ```
 *
 * This module knows nothing of models: it writes the tensors in the order given, and reads a
 * file strictly, refusing a truncated, foreign or inconsistent file with one
 * {@linkcode CheckpointError} line that names the file and says what was expected.
 * @module
 */

import { UserError } from "../errors.ts";
import { writeFileAtomic } from "./atomic.ts";

/**
 * A checkpoint file that cannot be read: missing, truncated, foreign or inconsistent. The
 * message is one line, `<path>: <what is wrong; what was expected>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CheckpointError, decodeSafetensors } from "./safetensors.ts";
 * assert.throws(
 *   () => decodeSafetensors(new Uint8Array(3), "runs/a/best.safetensors"),
 *   new CheckpointError(
 *     "runs/a/best.safetensors: file is 3 bytes, too short for a safetensors file " +
 *       "(expected an 8-byte header length, a JSON header and data)",
 *   ),
 * );
 * ```
 */
export class CheckpointError extends UserError {
  /** A checkpoint error with its one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/**
 * One float32 tensor: its shape and its elements in row-major order
 * (`data.length` is the product of `shape`; a 0-d tensor has shape `[]` and one element).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Tensor } from "./safetensors.ts";
 * const t: Tensor = { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) };
 * assert.equal(t.data.length, 4);
 * ```
 */
export interface Tensor {
  /** The size of each dimension. */
  shape: number[];
  /** The elements, row-major. */
  data: Float32Array;
}

/**
 * What a safetensors file holds: its tensors, in the order of their data in the file (the order
 * they were written in), and the string-to-string `__metadata__` (empty when the file has none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors, encodeSafetensors, type SafetensorsFile } from "./safetensors.ts";
 * const file: SafetensorsFile = decodeSafetensors(encodeSafetensors([]), "empty.safetensors");
 * assert.equal(file.tensors.size, 0);
 * assert.deepEqual(file.metadata, {});
 * ```
 */
export interface SafetensorsFile {
  /** The tensors by name. */
  tensors: Map<string, Tensor>;
  /** The `__metadata__` entries. */
  metadata: Record<string, string>;
}

/** The largest header accepted, in bytes (the reference implementation's limit). */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";
const ENTRY_KEYS = ["dtype", "shape", "data_offsets"] as const;
const OPEN_BRACE = 0x7b;
const SPACE = 0x20;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Encode float32 tensors (and optional string metadata) as the bytes of a safetensors file.
 * Tensors are written in the order given; `__metadata__` is written first, and left out when
 * `metadata` has no entries. Calling it with a tensor whose data does not fit its shape, a
 * repeated name or the reserved name `__metadata__` is a bug and throws a `RangeError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors(
 *   [["w", { shape: [2], data: new Float32Array([1, 2]) }]],
 *   { format: "pt" },
 * );
 * const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
 * assert.equal(
 *   new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd(),
 *   '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
 * );
 * assert.equal((8 + n) % 8, 0);
 * assert.equal(bytes.length - 8 - n, 8);
 * ```
 */
export function encodeSafetensors(
  tensors: Map<string, Tensor> | [string, Tensor][],
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = [...tensors];
  checkEncodable(entries, metadata);
  const header = paddedHeader(headerJson(entries, metadata));
  let dataBytes = 0;
  for (const [, t] of entries) dataBytes += t.data.byteLength;
  const out = new Uint8Array(8 + header.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let at = 8 + header.length;
  for (const [, t] of entries) {
    writeFloat32LE(out, at, t.data);
    at += t.data.byteLength;
  }
  return out;
}

/** Throw a `RangeError`/`TypeError` for input that no caller should pass (a bug, not a file). */
function checkEncodable(entries: [string, Tensor][], metadata: Record<string, string>): void {
  const seen = new Set<string>();
  for (const [name, t] of entries) {
    if (name === METADATA_KEY) throw new RangeError(`tensor name ${METADATA_KEY} is reserved`);
    if (seen.has(name)) throw new RangeError(`tensor ${JSON.stringify(name)} is given twice`);
    seen.add(name);
    if (!(t.data instanceof Float32Array)) {
      throw new TypeError(`tensor ${JSON.stringify(name)}: data must be a Float32Array`);
    }
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new RangeError(
        `tensor ${JSON.stringify(name)}: shape ${JSON.stringify(t.shape)} must hold ` +
          `non-negative integers`,
      );
    }
    const count = elementCount(t.shape);
    if (count !== t.data.length) {
      throw new RangeError(
        `tensor ${JSON.stringify(name)}: shape ${JSON.stringify(t.shape)} holds ${count} ` +
          `elements but data has ${t.data.length}`,
      );
    }
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string") {
      throw new TypeError(`metadata ${JSON.stringify(key)} must be a string`);
    }
  }
}

/** The compact JSON header, keys in the given order (built by hand: JS objects reorder "0"). */
function headerJson(entries: [string, Tensor][], metadata: Record<string, string>): string {
  const parts: string[] = [];
  if (Object.keys(metadata).length > 0) {
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.data.byteLength;
    const shape = JSON.stringify(t.shape);
    const info = `{"dtype":"F32","shape":${shape},"data_offsets":[${offset},${end}]}`;
    parts.push(`${JSON.stringify(name)}:${info}`);
    offset = end;
  }
  return `{${parts.join(",")}}`;
}

/** The header's UTF-8 bytes, padded with spaces to a multiple of 8 bytes. */
function paddedHeader(json: string): Uint8Array {
  const text = new TextEncoder().encode(json);
  const padded = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(SPACE);
  padded.set(text);
  return padded;
}

/** Copy `data` into `out` at byte `at` as little-endian float32. */
function writeFloat32LE(out: Uint8Array, at: number, data: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i]!, true);
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** A tensor entry of the header, checked, with offsets relative to the data buffer. */
interface Entry {
  name: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Decode the bytes of a safetensors file, strictly: every check of the format is made, and any
 * failure throws a {@linkcode CheckpointError} whose message starts with `path` (used only in
 * messages). The tensors come back as fresh, aligned `Float32Array`s, not views of `bytes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors(new Map([["b", { shape: [], data: new Float32Array([0.5]) }]]));
 * const { tensors } = decodeSafetensors(bytes, "b.safetensors");
 * assert.deepEqual(tensors.get("b"), { shape: [], data: new Float32Array([0.5]) });
 * assert.throws(() => decodeSafetensors(bytes.subarray(0, bytes.length - 1), "b.safetensors"), {
 *   message: "b.safetensors: data buffer holds 3 bytes but the header's tensors need 4 (truncated file?)",
 * });
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, path: string): SafetensorsFile {
  const fail = (what: string): never => {
    throw new CheckpointError(`${path}: ${what}`);
  };
  const headerLength = readHeaderLength(bytes, fail);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), fail);
  const metadata = readMetadata(header[METADATA_KEY], fail);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, info]) => readEntry(name, info, fail));
  const data = bytes.subarray(8 + headerLength);
  checkCoverage(entries, data.length, fail);
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    tensors.set(e.name, { shape: e.shape, data: readFloat32LE(data, e.begin, e.end) });
  }
  return { tensors, metadata };
}

type Fail = (what: string) => never;

/** Check the first 8 bytes and return the header length N, known to fit in the file. */
function readHeaderLength(bytes: Uint8Array, fail: Fail): number {
  if (bytes.length < 8) {
    fail(
      `file is ${bytes.length} bytes, too short for a safetensors file ` +
        `(expected an 8-byte header length, a JSON header and data)`,
    );
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  const available = bytes.length - 8;
  if (n <= BigInt(Math.min(MAX_HEADER_BYTES, available))) return Number(n);
  if (bytes.length > 8 && bytes[8] !== OPEN_BRACE) {
    fail(
      `not a safetensors file (it looks like ${foreignKind(bytes)}); ` +
        `expected an 8-byte little-endian header length followed by a JSON header`,
    );
  }
  if (n > BigInt(MAX_HEADER_BYTES)) {
    fail(
      `header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit; ` +
        `the file is corrupt or not a safetensors file`,
    );
  }
  return fail(
    `header length says ${n} bytes but only ${available} follow the 8-byte length ` +
      `(truncated file?)`,
  );
}

/** A guess at what a non-safetensors file is, for the error message. */
function foreignKind(bytes: Uint8Array): string {
  const starts = (...magic: number[]) => magic.every((b, i) => bytes[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) {
    return "a zip archive, such as a PyTorch .pt/.pth file";
  }
  if (bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5) {
    return "a Python pickle, such as an old PyTorch .pt file";
  }
  if (starts(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59)) return "a NumPy .npy file";
  if (starts(0x1f, 0x8b)) return "a gzip file";
  return isText(bytes.subarray(0, 64)) ? "a text file" : "some other binary file";
}

/** Whether `bytes` is UTF-8 text without control characters other than tab, CR and LF. */
function isText(bytes: Uint8Array): boolean {
  // A multi-byte character cut at the end of the sample is still text.
  const text = new TextDecoder().decode(bytes);
  const body = text.endsWith("\uFFFD") ? text.slice(0, -1) : text;
  // deno-lint-ignore no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\uFFFD]/.test(body);
}

/** Decode and parse the header; return it as a plain object. */
function parseHeader(raw: Uint8Array, fail: Fail): Record<string, unknown> {
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    fail("header is not valid UTF-8; expected a UTF-8 JSON object");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail("header is not valid JSON; expected a JSON object of tensor entries");
  }
  if (!isObject(value)) {
    fail(`header is ${describe(value)}; expected a JSON object of tensor entries`);
  }
  if (raw[0] !== OPEN_BRACE) {
    fail(`header starts with ${JSON.stringify(text[0])}; expected "{" as its first byte`);
  }
  return value as Record<string, unknown>;
}

/** Check `__metadata__` (absent, or an object of strings) and copy it. */
function readMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    fail(`${METADATA_KEY} is ${describe(value)}; expected an object of string values`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, v] of entries) {
    if (typeof v !== "string") {
      fail(`${METADATA_KEY}[${JSON.stringify(key)}] is ${describe(v)}; expected a string`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Check one tensor entry of the header: keys, dtype, shape, offsets and their span. */
function readEntry(name: string, info: unknown, fail: Fail): Entry {
  const label = `tensor ${JSON.stringify(name)}`;
  if (!isObject(info)) {
    fail(`${label} is ${describe(info)}; expected an object with dtype, shape and data_offsets`);
  }
  const record = info as Record<string, unknown>;
  for (const key of ENTRY_KEYS) {
    if (!(key in record)) fail(`${label} has no ${key}; expected dtype, shape and data_offsets`);
  }
  for (const key of Object.keys(record)) {
    if (!(ENTRY_KEYS as readonly string[]).includes(key)) {
      fail(
        `${label} has an unexpected key ${
          JSON.stringify(key)
        }; expected only dtype, shape and data_offsets`,
      );
    }
  }
  checkDtype(label, record.dtype, fail);
  const shape = readShape(label, record.shape, fail);
  const [begin, end] = readOffsets(label, record.data_offsets, fail);
  const need = 4 * elementCount(shape);
  if (end - begin !== need) {
    fail(
      `${label} has shape ${JSON.stringify(shape)} (${need} bytes as F32) but data_offsets ` +
        `[${begin},${end}] span ${end - begin} bytes`,
    );
  }
  return { name, shape, begin, end };
}

function checkDtype(label: string, dtype: unknown, fail: Fail): void {
  if (typeof dtype !== "string") fail(`${label} dtype is ${describe(dtype)}; expected "F32"`);
  if (dtype !== "F32") {
    const shown = /^[A-Za-z0-9_]{1,16}$/.test(dtype as string) ? dtype : JSON.stringify(dtype);
    fail(`${label} has dtype ${shown}; expected F32`);
  }
}

function readShape(label: string, shape: unknown, fail: Fail): number[] {
  if (!Array.isArray(shape)) {
    fail(`${label} shape is ${describe(shape)}; expected an array of non-negative integers`);
  }
  const dims = shape as unknown[];
  dims.forEach((d, i) => {
    if (!isCount(d)) {
      fail(`${label} shape[${i}] is ${brief(d)}; expected a non-negative integer`);
    }
  });
  return dims as number[];
}

function readOffsets(label: string, offsets: unknown, fail: Fail): [number, number] {
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(
      `${label} data_offsets is ${brief(offsets)}; ` +
        `expected [begin, end], two non-negative integers`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    fail(`${label} data_offsets [${begin},${end}] end before they begin; expected begin <= end`);
  }
  return [begin, end];
}

/** Check that the entries tile the data buffer exactly: no overlap, no gap, nothing missing. */
function checkCoverage(entries: Entry[], dataLength: number, fail: Fail): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const e of entries) {
    if (e.begin < covered && previous !== undefined) {
      fail(
        `tensors ${JSON.stringify(previous.name)} [${previous.begin},${previous.end}] and ` +
          `${JSON.stringify(e.name)} [${e.begin},${e.end}] overlap; ` +
          `expected each data byte to belong to one tensor`,
      );
    }
    if (e.begin > covered) {
      fail(
        `data bytes ${covered}..${e.begin} belong to no tensor; ` +
          `expected the tensors to cover the data buffer without gaps`,
      );
    }
    covered = e.end;
    previous = e;
  }
  if (covered > dataLength) {
    fail(
      `data buffer holds ${dataLength} bytes but the header's tensors need ${covered} ` +
        `(truncated file?)`,
    );
  }
  if (covered < dataLength) {
    fail(
      `data buffer holds ${dataLength} bytes but the header's tensors cover only ${covered}; ` +
        `expected no trailing bytes`,
    );
  }
}

/** A fresh, aligned Float32Array from little-endian bytes `[begin, end)` of `data`. */
function readFloat32LE(data: Uint8Array, begin: number, end: number): Float32Array {
  if (LITTLE_ENDIAN) return new Float32Array(data.slice(begin, end).buffer);
  const out = new Float32Array((end - begin) / 4);
  const view = new DataView(data.buffer, data.byteOffset + begin, end - begin);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** "null", "an array", "a string", … for messages. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "object" ? "an object" : `a ${type}`;
}

/** A value as short JSON, for messages. */
function brief(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

// ---------------------------------------------------------------------------------------------
// Files

/**
 * Write tensors (and optional metadata) to a safetensors file atomically: a temporary file
 * beside `path`, then a rename, so a reader never sees half a checkpoint. Creates the folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSafetensors, writeSafetensors } from "./safetensors.ts";
 * const dir = await Deno.makeTempDir();
 * await writeSafetensors(`${dir}/w.safetensors`, [["w", {
 *   shape: [1, 2],
 *   data: new Float32Array([3, 4]),
 * }]], { format: "pt" });
 * const file = await readSafetensors(`${dir}/w.safetensors`);
 * assert.deepEqual(file.tensors.get("w")?.data, new Float32Array([3, 4]));
 * assert.deepEqual(file.metadata, { format: "pt" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeSafetensors(
  path: string,
  tensors: Map<string, Tensor> | [string, Tensor][],
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Read and decode a safetensors file (see {@linkcode decodeSafetensors}). A missing or unreadable
 * file is a {@linkcode CheckpointError} too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CheckpointError, readSafetensors } from "./safetensors.ts";
 * await assert.rejects(
 *   readSafetensors("no/such/dir/best.safetensors"),
 *   new CheckpointError("no/such/dir/best.safetensors: no such file; expected a safetensors checkpoint"),
 * );
 * ```
 */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new CheckpointError(`${path}: no such file; expected a safetensors checkpoint`);
    }
    if (err instanceof Deno.errors.IsADirectory) {
      throw new CheckpointError(`${path}: is a folder; expected a safetensors checkpoint file`);
    }
    if (err instanceof Deno.errors.PermissionDenied) {
      throw new CheckpointError(`${path}: cannot be read (permission denied)`);
    }
    throw err;
  }
  return decodeSafetensors(bytes, path);
}
