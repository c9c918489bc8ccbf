/**
 * Run an exported model in onnxruntime-node (one thread), after checking that the file is an
 * ONNX model with the interface the toolkit writes for the model's shape
 * ({@linkcode onnxInterface}): by default the digit sum's, input `digits` int64 `[batch, seq]`
 * and output `logits` float32 `[batch, C]`; for a generated task's model, `inputs` int64
 * `[batch, seq]` or float32 `[batch, seq, D]` and `outputs` float32 `[batch, C]` or
 * `[batch, seq, C]`.
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
import type { ModelConfig } from "../model/config.ts";
import type { ModelInputs } from "../model/seq_classifier.ts";
import {
  describeIo,
  OnnxError,
  type OnnxInterface,
  onnxInterface,
  type OnnxMetadata,
} from "./onnx.ts";

const { onnx } = p;

type ModelProto = OnnxTypes.ModelProto;
type ValueInfoProto = OnnxTypes.IValueInfoProto;

/** A loaded model, ready to run. */
export interface OnnxSession {
  /** Output classes C, from the output's fixed last dimension. */
  readonly classes: number;
  /** The model's `metadata_props`. */
  readonly metadata: OnnxMetadata;
  /** True when the output holds every step, `[batch, seq, C]`; false for `[batch, C]`. */
  readonly everyStep: boolean;
  /** Channels D of a dense input, `[batch, seq, D]`; 0 for symbol ids `[batch, seq]`. */
  readonly channels: number;
  /**
   * Outputs `[batch, C]`, or `[batch, length, C]` for a head at every step (batch-first), of
   * `inputs` `[batch, length]` symbol ids (an `Int32Array`) or `[batch, length, D]` channels (a
   * `Float32Array`), row-major. Throws `RangeError` when `inputs` is of the other kind, does not
   * hold `batch · length` (· D) values or holds a negative symbol id, and {@linkcode OnnxError}
   * when onnxruntime fails (e.g. a symbol past the embedding's rows).
   */
  run(inputs: ModelInputs, batch: number, length: number): Promise<Float32Array>;
  /** Free the native session. */
  release(): Promise<void>;
}

/**
 * Load an ONNX model from bytes or from a file path and check its interface: the one
 * `exportOnnx` writes for a model shaped as `model` (its `input`, `head` and, for a
 * dense input, `vocab` channels), by default the digit sum's. `path` names the model in error
 * messages when bytes are given (default `model.onnx`). Throws {@linkcode OnnxError} for a file
 * that cannot be read, is not ONNX, or has another interface.
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
 *
 * @example A dense input (the adding problem's model)
 * ```ts
 * import assert from "node:assert/strict";
 * import { createOnnxSession } from "./onnx_run.ts";
 * import { exportOnnx } from "./onnx.ts";
 * import { type ModelConfig, paramSpecs } from "../model/config.ts";
 * const config: ModelConfig = {
 *   cell: "gru", vocab: 2, embed: 2, hidden: 3, classes: 1, input: "dense",
 * };
 * const params = new Map(
 *   paramSpecs(config).map((s) => [s.name, new Float32Array(s.size).fill(0.1)]),
 * );
 * const session = await createOnnxSession(exportOnnx(config, params), "adding.onnx", config);
 * const outputs = await session.run(new Float32Array([0.5, 1, 0.2, 0, 0.3, 1]), 1, 3);
 * assert.deepEqual([session.channels, session.everyStep, outputs.length], [2, false, 1]);
 * await session.release();
 * ```
 */
export async function createOnnxSession(
  modelBytesOrPath: Uint8Array | string,
  path?: string,
  model: Pick<ModelConfig, "vocab" | "input" | "head"> = { vocab: 10 },
): Promise<OnnxSession> {
  const name = path ?? (typeof modelBytesOrPath === "string" ? modelBytesOrPath : "model.onnx");
  const bytes = typeof modelBytesOrPath === "string"
    ? await readModelFile(modelBytesOrPath, name)
    : modelBytesOrPath;
  const decoded = decodeModel(bytes, name);
  const expected = onnxInterface({ vocab: model.vocab, input: model.input, head: model.head });
  checkInput(decoded, name, expected);
  const classes = checkOutput(decoded, name, expected);
  const metadata: OnnxMetadata = {};
  for (const { key, value } of decoded.metadataProps) metadata[key ?? ""] = value ?? "";
  const ort = await import("onnxruntime-node");
  const session = await openSession(ort, bytes, name);
  const io = { ...expected, outputDims: expected.outputDims.with(-1, classes) };
  return {
    classes,
    metadata,
    everyStep: io.outputDims.length === 3,
    channels: io.inputDims.length === 3 ? Number(io.inputDims[2]) : 0,
    run: (inputs, batch, length) => runSession(ort, session, name, io, inputs, batch, length),
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

/** `value` has the expected name, element type and rank, and every fixed dimension expected. */
function matches(
  value: ValueInfoProto,
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): boolean {
  const tensor = value.type?.tensorType;
  const actual = tensor?.shape?.dim ?? [];
  return value.name === name && tensor?.elemType === elemType && actual.length === dims.length &&
    dims.every((d, k) => typeof d === "string" || toNumber(actual[k]!.dimValue) === d);
}

function checkInput(model: ModelProto, name: string, io: OnnxInterface): void {
  const inputs = runtimeInputs(model);
  const expected = `expected one input ${describeIo(io.input, io.inputType, io.inputDims)}`;
  const input = onlyValue(inputs, "inputs", name, expected);
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  if (!matches(input, io.input, io.inputType === "int64" ? INT64 : FLOAT, io.inputDims)) {
    throw new OnnxError(`${name}: the model's input is ${describeValue(input)}, ${expected}`);
  }
}

/** Check the output and return its class count C (its last dimension, fixed). */
function checkOutput(model: ModelProto, name: string, io: OnnxInterface): number {
  const outputs = model.graph?.output ?? [];
  const expected = `expected one output ${describeIo(io.output, "float32", io.outputDims)}`;
  const output = onlyValue(outputs, "outputs", name, expected);
  const dims = output.type?.tensorType?.shape?.dim ?? [];
  const classes = dims.length === io.outputDims.length ? toNumber(dims.at(-1)!.dimValue) : 0;
  const free = io.outputDims.map(() => "");
  if (!matches(output, io.output, onnx.TensorProto.DataType.FLOAT, free) || classes <= 0) {
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
  io: OnnxInterface,
  inputs: ModelInputs,
  batch: number,
  length: number,
): Promise<Float32Array> {
  if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(length) || length < 1) {
    throw new RangeError(`batch and length must be positive integers, got ${batch} and ${length}`);
  }
  const dense = io.inputType === "float32";
  if (dense !== inputs instanceof Float32Array) {
    throw new RangeError(
      `${io.input}: this model reads ${
        dense ? "float32 channels (a Float32Array)" : "symbol ids (an Int32Array)"
      }, got ${inputs.constructor.name}`,
    );
  }
  const D = dense ? Number(io.inputDims[2]) : 1;
  if (inputs.length !== batch * length * D) {
    throw new RangeError(
      `${io.input} has ${inputs.length} values, expected ${batch} × ${length}${
        dense ? ` × ${D}` : ""
      }`,
    );
  }
  let input: Tensor;
  if (inputs instanceof Float32Array) {
    input = new ort.Tensor("float32", inputs.slice(), [batch, length, D]);
  } else {
    const negative = inputs.findIndex((d) => d < 0); // Gather would wrap it to a row from the end
    if (negative >= 0) {
      throw new RangeError(
        `${io.input}[${negative}] is ${inputs[negative]}, expected a symbol id ≥ 0`,
      );
    }
    input = new ort.Tensor("int64", BigInt64Array.from(inputs, (d) => BigInt(d)), [
      batch,
      length,
    ]);
  }
  let output: Tensor | undefined;
  try {
    output = (await session.run({ [io.input]: input }))[io.output];
  } catch (err) {
    throw new OnnxError(`${name}: onnxruntime failed (${firstLine(err)})`);
  } finally {
    input.dispose();
  }
  const dims = io.outputDims.map((d) => d === "batch" ? batch : d === "seq" ? length : d);
  if (output?.type !== "float32" || output.dims.join() !== dims.join()) {
    throw new OnnxError(`${name}: ${io.output} are not float32 [${dims.join(", ")}]`);
  }
  return output.data as Float32Array;
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
