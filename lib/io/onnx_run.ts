/**
 * Run an exported model in onnxruntime-node (one thread), after checking that the file is an
 * ONNX model with the toolkit's interface: input `digits` int64 `[batch, seq]`, output `logits`
 * float32 `[batch, C]`.
 *
 * onnxruntime-node is a native addon. Under Deno, loading it needs `--allow-ffi` (it can be
 * narrowed to `--allow-ffi=node_modules`), and reading a model from a path needs `--allow-read`.
 * The addon is imported lazily, on the first {@linkcode createOnnxSession}, so importing this
 * module asks for no permission.
 * @module
 */

import p from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { OnnxError, type OnnxMetadata } from "./onnx.ts";

const { onnx } = p;

type ModelProto = OnnxTypes.ModelProto;
type ValueInfoProto = OnnxTypes.IValueInfoProto;

/** A loaded model, ready to run. */
export interface OnnxSession {
  /** Output classes C, from the `logits` output's fixed second dimension. */
  readonly classes: number;
  /** The model's `metadata_props`. */
  readonly metadata: OnnxMetadata;
  /**
   * Logits `[batch, C]` for `digits` `[batch, length]` (row-major). Throws `RangeError` when
   * `digits` does not hold `batch · length` values or holds a negative one, and
   * {@linkcode OnnxError} when onnxruntime fails (e.g. a digit past the embedding's rows).
   */
  run(digits: Int32Array, batch: number, length: number): Promise<Float32Array>;
  /** Free the native session. */
  release(): Promise<void>;
}

/**
 * Load an ONNX model from bytes or from a file path and check its interface. `path` names the
 * model in error messages when bytes are given (default `model.onnx`). Throws
 * {@linkcode OnnxError} for a file that cannot be read, is not ONNX, or has another interface.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createOnnxSession } from "./onnx_run.ts";
 * import { exportOnnx } from "./onnx.ts";
 * import { type ModelConfig, paramSpecs } from "../model/config.ts";
 * const config: ModelConfig = { cell: "lstm", vocab: 10, embed: 4, hidden: 3, classes: 19 };
 * const params = new Map(
 *   paramSpecs(config).map((s) => [s.name, new Float32Array(s.size).fill(0.1)]),
 * );
 * const session = await createOnnxSession(exportOnnx(config, params));
 * const logits = await session.run(new Int32Array([1, 2, 0, 0, 7, 0]), 2, 3);
 * assert.equal(session.classes, 19);
 * assert.equal(logits.length, 38);
 * await session.release();
 * ```
 */
export async function createOnnxSession(
  modelBytesOrPath: Uint8Array | string,
  path?: string,
): Promise<OnnxSession> {
  const name = path ?? (typeof modelBytesOrPath === "string" ? modelBytesOrPath : "model.onnx");
  const bytes = typeof modelBytesOrPath === "string"
    ? await readModelFile(modelBytesOrPath, name)
    : modelBytesOrPath;
  const model = decodeModel(bytes, name);
  checkInput(model, name);
  const classes = checkOutput(model, name);
  const metadata: OnnxMetadata = {};
  for (const { key, value } of model.metadataProps) metadata[key ?? ""] = value ?? "";
  const ort = await import("onnxruntime-node");
  const session = await openSession(ort, bytes, name);
  return {
    classes,
    metadata,
    run: (digits, batch, length) => runSession(ort, session, name, classes, digits, batch, length),
    release: () => session.release(),
  };
}

async function readModelFile(file: string, name: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new OnnxError(`${name}: no such file`);
    throw new OnnxError(`${name}: cannot read (${firstLine(err)})`);
  }
}

/** Decode the protobuf, or say in one line why the bytes are not an ONNX model. */
function decodeModel(bytes: Uint8Array, name: string): ModelProto {
  const why = (reason: string) => new OnnxError(`${name}: not an ONNX model (${reason})`);
  if (bytes.length === 0) throw why("the file is empty");
  if (looksLikeSafetensors(bytes)) throw why("it looks like a safetensors checkpoint");
  if (looksLikeText(bytes)) throw why("it is a text file");
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw why(`protobuf decoding failed: ${firstLine(err)}`);
  }
  if (toNumber(model.irVersion) <= 0) throw why("no ir_version");
  if (!model.graph) throw why("no graph");
  return model;
}

/** A safetensors file starts with a little-endian u64 header length and then `{`. */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9 || bytes[8] !== 0x7b) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  return headerLength > 0n && headerLength <= BigInt(bytes.length - 8);
}

/** Valid UTF-8 with no control characters but tab, newline and carriage return. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  const control = head.some((b) =>
    (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f
  );
  if (control) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head);
    return true;
  } catch {
    return false; // not UTF-8 (or a character cut at 4096 bytes): call it binary
  }
}

/** The graph inputs that are not initializers. */
function runtimeInputs(model: ModelProto): ValueInfoProto[] {
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name ?? ""));
  return (model.graph?.input ?? []).filter((v) => !initializers.has(v.name ?? ""));
}

/** The one value of the model's inputs or outputs, or an error that names what the model has. */
function onlyValue(
  values: ValueInfoProto[],
  what: "inputs" | "outputs",
  name: string,
  expected: string,
): ValueInfoProto {
  const value = values[0];
  if (values.length !== 1 || value === undefined) {
    const found = values.map(describeValue).join(", ") || "none";
    throw new OnnxError(`${name}: the model has ${values.length} ${what} (${found}), ${expected}`);
  }
  return value;
}

function checkInput(model: ModelProto, name: string): void {
  const inputs = runtimeInputs(model);
  const expected = "expected one input digits int64 [batch, seq]";
  const input = onlyValue(inputs, "inputs", name, expected);
  const tensor = input.type?.tensorType;
  const ok = input.name === "digits" && tensor?.elemType === onnx.TensorProto.DataType.INT64 &&
    tensor.shape?.dim?.length === 2;
  if (!ok) {
    throw new OnnxError(`${name}: the model's input is ${describeValue(input)}, ${expected}`);
  }
}

/** Check the output and return its class count C. */
function checkOutput(model: ModelProto, name: string): number {
  const outputs = model.graph?.output ?? [];
  const expected = "expected one output logits float32 [batch, C]";
  const output = onlyValue(outputs, "outputs", name, expected);
  const tensor = output.type?.tensorType;
  const dims = tensor?.shape?.dim ?? [];
  const classes = dims.length === 2 ? toNumber(dims[1]!.dimValue) : 0;
  const ok = output.name === "logits" && tensor?.elemType === onnx.TensorProto.DataType.FLOAT &&
    classes > 0;
  if (!ok) {
    throw new OnnxError(`${name}: the model's output is ${describeValue(output)}, ${expected}`);
  }
  return classes;
}

/** `name type [dims]`, e.g. `tokens float32 [batch, 7]`. */
function describeValue(value: ValueInfoProto): string {
  const tensor = value.type?.tensorType;
  if (!tensor) return `${value.name || "(unnamed)"} (not a tensor)`;
  const type = ELEM_TYPE_NAMES[tensor.elemType ?? 0] ?? `type ${tensor.elemType}`;
  const dims = (tensor.shape?.dim ?? []).map((d) => d.dimParam || String(toNumber(d.dimValue)));
  return `${value.name || "(unnamed)"} ${type} [${dims.join(", ")}]`;
}

const ELEM_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: "float32",
  2: "uint8",
  3: "int8",
  4: "uint16",
  5: "int16",
  6: "int32",
  7: "int64",
  8: "string",
  9: "bool",
  10: "float16",
  11: "float64",
  12: "uint32",
  13: "uint64",
  16: "bfloat16",
};

/** onnxruntime-node, loaded on first use. */
type Ort = typeof import("onnxruntime-node");

async function openSession(ort: Ort, bytes: Uint8Array, name: string): Promise<InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      logSeverityLevel: 4, // errors reach the caller as exceptions; keep stderr clean
    });
  } catch (err) {
    throw new OnnxError(`${name}: onnxruntime cannot load the model (${firstLine(err)})`);
  }
}

async function runSession(
  ort: Ort,
  session: InferenceSession,
  name: string,
  classes: number,
  digits: Int32Array,
  batch: number,
  length: number,
): Promise<Float32Array> {
  if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(length) || length < 1) {
    throw new RangeError(`batch and length must be positive integers, got ${batch} and ${length}`);
  }
  if (digits.length !== batch * length) {
    throw new RangeError(`digits has ${digits.length} values, expected ${batch} × ${length}`);
  }
  const negative = digits.findIndex((d) => d < 0); // Gather would wrap it to a row from the end
  if (negative >= 0) {
    throw new RangeError(`digits[${negative}] is ${digits[negative]}, expected a symbol id ≥ 0`);
  }
  const input = new ort.Tensor("int64", BigInt64Array.from(digits, (d) => BigInt(d)), [
    batch,
    length,
  ]);
  let logits: Tensor | undefined;
  try {
    logits = (await session.run({ digits: input })).logits;
  } catch (err) {
    throw new OnnxError(`${name}: onnxruntime failed (${firstLine(err)})`);
  } finally {
    input.dispose();
  }
  if (logits?.type !== "float32" || logits.dims.join() !== `${batch},${classes}`) {
    throw new OnnxError(`${name}: logits are not float32 [${batch}, ${classes}]`);
  }
  return logits.data as Float32Array;
}

/** An int64 field as decoded by protobufjs: a number, or a `Long` when long.js is present. */
function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]!.trim();
}
