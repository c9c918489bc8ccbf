/**
 * ONNX export of a sequence classifier, written with `npm:onnx-proto`.
 *
 * The graph, for batch B and sequence length T (both symbolic):
 * ```
 * digits int64 [B, T]
 *   → Gather(embedding.weight, axis 0)      [B, T, E]
 *   → Transpose(perm 1,0,2)                 [T, B, E]
 *   → LSTM | GRU | RNN (layout 0, forward)  Y_h [1, B, H]
 *   → Squeeze(axes [0])                     [B, H]
 *   → Gemm(transB 1, linear.weight, linear.bias)
 * logits float32 [B, C]
 * ```
 * The recurrent weights are re-ordered from PyTorch's gate order to ONNX's: LSTM i,f,g,o → i,o,f,c;
 * GRU r,z,n → z,r,h (with `linear_before_reset = 1`, which is PyTorch's GRU); RNN has one gate.
 * @module
 */

import p from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";
import { UserError } from "../errors.ts";
import { type ModelConfig, paramSpecs, validateConfig } from "../model/config.ts";
import { type CellKind, CELLS, type OnnxOperator } from "../nn/cells.ts";
import { VERSION } from "../version.ts";

const { onnx } = p;

type TensorProto = OnnxTypes.ITensorProto;
type NodeProto = OnnxTypes.INodeProto;
type AttributeProto = OnnxTypes.IAttributeProto;
type ValueInfoProto = OnnxTypes.IValueInfoProto;
type GraphProto = OnnxTypes.IGraphProto;
type ModelProto = OnnxTypes.IModelProto;

/**
 * A model file that is not ONNX, or not the ONNX model the toolkit expects. Its message is one
 * line naming the file and what was expected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OnnxError } from "./onnx.ts";
 * const err = new OnnxError("model.onnx: not an ONNX model (the file is empty)");
 * assert.equal(err.name, "OnnxError");
 * assert.equal(err.exitCode, 1);
 * ```
 */
export class OnnxError extends UserError {
  /** An ONNX error with its one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "OnnxError";
  }
}

/**
 * String key/value pairs stored in the model's `metadata_props`, e.g. `cell`, `vocab`, `embed`,
 * `hidden`, `classes`, `train_length`, `dev_acc`, `test_acc`, `lstm_lab_version`,
 * `checkpoint_sha256`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { OnnxMetadata } from "./onnx.ts";
 * const meta: OnnxMetadata = { cell: "lstm", train_length: "10", test_acc: "0.90" };
 * assert.equal(Object.keys(meta).length, 3);
 * ```
 */
export interface OnnxMetadata {
  /** One `metadata_props` entry. */
  [key: string]: string;
}

/** Options of {@linkcode exportOnnx}. */
export interface ExportOnnxOptions {
  /** The default-domain opset to import, 14–21 (default {@linkcode DEFAULT_OPSET}). */
  opset?: number;
  /** Written to the model's `metadata_props`. */
  metadata?: OnnxMetadata;
  /** The model's `producer_version` (the producer name is always `lstm-lab`). */
  producerVersion?: string;
}

/**
 * The ONNX metadata of a checkpoint's model (what `deno task export` writes): its sizes, its
 * training length, dev and test accuracy (from the checkpoint's `metadata`, "" when unknown), the
 * toolkit's version and the sha256 (hex) of the checkpoint's bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkpointOnnxMetadata } from "./onnx.ts";
 * const config = { cell: "lstm" as const, vocab: 10, embed: 32, hidden: 32, classes: 19 };
 * const meta = checkpointOnnxMetadata(config, { lstm_lab_train: '{"length":10}', dev_acc: "0.9" }, "ab");
 * assert.equal(meta.train_length, "10");
 * assert.equal(meta.dev_acc, "0.9");
 * assert.equal(meta.test_acc, "");
 * ```
 */
export function checkpointOnnxMetadata(
  config: ModelConfig,
  metadata: Record<string, string>,
  sha256: string,
): OnnxMetadata {
  const { cell, vocab, embed, hidden, classes } = config;
  return {
    cell,
    vocab: String(vocab),
    embed: String(embed),
    hidden: String(hidden),
    classes: String(classes),
    train_length: String(storedTrainLength(metadata.lstm_lab_train) ?? ""),
    dev_acc: finiteOrEmpty(metadata.dev_acc),
    test_acc: finiteOrEmpty(metadata.test_acc),
    lstm_lab_version: VERSION,
    checkpoint_sha256: sha256,
  };
}

/**
 * The `length` of the training config stored with a checkpoint (its `lstm_lab_train` metadata),
 * or undefined when it is absent or holds no integer length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storedTrainLength } from "./onnx.ts";
 * assert.equal(storedTrainLength('{"cell":"lstm","length":35}'), 35);
 * assert.equal(storedTrainLength(undefined), undefined);
 * ```
 */
export function storedTrainLength(trainConfig: string | undefined): number | undefined {
  if (trainConfig === undefined) return undefined;
  try {
    const length = (JSON.parse(trainConfig) as { length?: unknown }).length;
    return typeof length === "number" && Number.isInteger(length) ? length : undefined;
  } catch {
    return undefined;
  }
}

/** A stored number as written, or "" when absent or not a finite number (e.g. `null`). */
function finiteOrEmpty(value: string | undefined): string {
  return value !== undefined && value.trim() !== "" && Number.isFinite(Number(value)) ? value : "";
}

/**
 * The opset {@linkcode exportOnnx} imports unless told otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_OPSET } from "./onnx.ts";
 * assert.equal(DEFAULT_OPSET, 17);
 * ```
 */
export const DEFAULT_OPSET = 17;

/**
 * The opsets {@linkcode exportOnnx} can write: from 14 (the first with the `layout` attribute on
 * LSTM/GRU/RNN) to 21.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SUPPORTED_OPSETS } from "./onnx.ts";
 * assert.ok(SUPPORTED_OPSETS.includes(17));
 * ```
 */
export const SUPPORTED_OPSETS: readonly number[] = [14, 15, 16, 17, 18, 19, 20, 21];

/**
 * The lowest IR version that can carry each opset (ONNX 1.9 … 1.16), so that older runtimes and
 * checkers accept what they can.
 */
const IR_VERSION_FOR_OPSET: Readonly<Record<number, number>> = {
  14: 7,
  15: 8,
  16: 8,
  17: 8,
  18: 8,
  19: 9,
  20: 9,
  21: 10,
};

/** A cell's ONNX operator (`onnx` in `CELLS`), with a `RangeError` for a cell ONNX lacks. */
function onnxOperator(cell: CellKind): OnnxOperator {
  const op = CELLS[cell].onnx;
  if (op === null) throw new RangeError(`ONNX has no operator for the ${CELLS[cell].label} cell`);
  return op;
}

/** The attributes of a cell's ONNX operator besides `hidden_size`. */
function cellAttributes(op: OnnxOperator): AttributeProto[] {
  return Object.entries(op.attributes).map(([name, value]) =>
    typeof value === "number" ? intAttribute(name, value) : stringsAttribute(name, [...value])
  );
}

/**
 * Export a model to ONNX bytes. `params` holds every tensor of `paramSpecs(config)` under its
 * PyTorch name, row-major in PyTorch's layout. Throws `RangeError` for a bad config, opset or
 * parameter size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportOnnx } from "./onnx.ts";
 * import { type ModelConfig, paramSpecs } from "../model/config.ts";
 * const config: ModelConfig = { cell: "gru", vocab: 10, embed: 4, hidden: 3, classes: 19 };
 * const params = new Map(
 *   paramSpecs(config).map((s) => [s.name, new Float32Array(s.size).fill(0.1)]),
 * );
 * const bytes = exportOnnx(config, params, { metadata: { cell: "gru", train_length: "10" } });
 * assert.ok(bytes.length > 0);
 * ```
 */
export function exportOnnx(
  config: ModelConfig,
  params: Map<string, Float32Array>,
  options: ExportOnnxOptions = {},
): Uint8Array {
  validateConfig(config);
  onnxOperator(config.cell);
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!SUPPORTED_OPSETS.includes(opset)) {
    throw new RangeError(`opset must be an integer in [14, 21], got ${JSON.stringify(opset)}`);
  }
  checkParams(config, params);
  const model: ModelProto = {
    irVersion: IR_VERSION_FOR_OPSET[opset]!,
    opsetImport: [{ domain: "", version: opset }],
    producerName: "lstm-lab",
    producerVersion: options.producerVersion ?? "",
    docString: `lstm-lab digit-sum classifier (${config.cell})`,
    graph: buildGraph(config, params),
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const encoded = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  return new Uint8Array(encoded); // a plain copy, not protobufjs's (possibly pooled) Buffer
}

/** Throw a `RangeError` unless `params` has every parameter of `config` at its size. */
function checkParams(config: ModelConfig, params: Map<string, Float32Array>): void {
  for (const spec of paramSpecs(config)) {
    const data = params.get(spec.name);
    if (data === undefined) throw new RangeError(`params: ${spec.name} is missing`);
    if (data.length !== spec.size) {
      throw new RangeError(
        `params: ${spec.name} has ${data.length} floats, expected ${spec.size} [${
          spec.shape.join(", ")
        }]`,
      );
    }
  }
}

/** The graph: nodes, initializers, the `digits` input and the `logits` output. */
function buildGraph(config: ModelConfig, params: Map<string, Float32Array>): GraphProto {
  const { vocab: V, embed: E, hidden: H, classes: C } = config;
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  return {
    name: `lstm_lab_${config.cell}`,
    docString: `digits int64 [batch, seq] → Embedding(${V}, ${E}) → ${torchCell(config)} → ` +
      `hidden state of the last step → Linear(${H}, ${C}) → logits float32 [batch, ${C}]`,
    node: buildNodes(config),
    initializer: buildInitializers(config, params),
    input: [valueInfo("digits", INT64, ["batch", "seq"], "digit sequences, one symbol id a step")],
    output: [valueInfo("logits", FLOAT, ["batch", C], "unnormalised class scores")],
    valueInfo: [
      valueInfo("embedded", FLOAT, ["batch", "seq", E], "embedding rows, batch-major"),
      valueInfo("embedded_time_major", FLOAT, ["seq", "batch", E], "embedding rows, time-major"),
      valueInfo("rnn.Y_h", FLOAT, [1, "batch", H], "hidden state of the last step"),
      valueInfo("last_hidden", FLOAT, ["batch", H], "hidden state of the last step"),
    ],
  };
}

/** Gather → Transpose → LSTM/GRU/RNN → Squeeze → Gemm. */
function buildNodes(config: ModelConfig): NodeProto[] {
  const { vocab: V, embed: E, hidden: H, classes: C } = config;
  const op = onnxOperator(config.cell);
  const opType = op.op;
  return [
    node("embedding", "Gather", ["embedding.weight", "digits"], ["embedded"], {
      attributes: [intAttribute("axis", 0)],
      doc: `nn.Embedding(${V}, ${E}): one row of embedding.weight per digit, [batch, seq, ${E}]`,
    }),
    node("time_major", "Transpose", ["embedded"], ["embedded_time_major"], {
      attributes: [intsAttribute("perm", [1, 0, 2])],
      doc: `to time-major for the ${opType} (layout 0): [seq, batch, ${E}]`,
    }),
    node("rnn", opType, ["embedded_time_major", "rnn.W", "rnn.R", "rnn.B"], ["", "rnn.Y_h"], {
      attributes: [intAttribute("hidden_size", H), ...cellAttributes(op)],
      doc: `nn.${torchCell(config)} forward, h0 = 0; ` +
        `Y_h is the hidden state of the last step, [1, batch, ${H}]`,
    }),
    node("last_hidden", "Squeeze", ["rnn.Y_h", "squeeze.axes"], ["last_hidden"], {
      attributes: [],
      doc: `drop the num_directions axis: [batch, ${H}]`,
    }),
    node("linear", "Gemm", ["last_hidden", "linear.weight", "linear.bias"], ["logits"], {
      attributes: [intAttribute("transB", 1)],
      doc: `nn.Linear(${H}, ${C}): last_hidden · linear.weightᵀ + linear.bias, [batch, ${C}]`,
    }),
  ];
}

/**
 * The PyTorch module a cell is, for doc strings: `LSTM(7, 5)`, `GRU(7, 5)`, `RNN(7, 5, tanh)`,
 * `RNN(7, 5, relu)`.
 */
function torchCell({ cell, embed, hidden }: ModelConfig): string {
  const { label, torch } = CELLS[cell];
  const nonlinearity = torch?.nonlinearity ? `, ${torch.nonlinearity}` : "";
  return `${torch?.module ?? label}(${embed}, ${hidden}${nonlinearity})`;
}

/** The initializers: embedding, W/R/B in ONNX's gate order, linear, and Squeeze's axes. */
function buildInitializers(config: ModelConfig, params: Map<string, Float32Array>): TensorProto[] {
  const { vocab: V, embed: E, hidden: H, classes: C } = config;
  const cell = CELLS[config.cell];
  const G = cell.gates;
  const op = onnxOperator(config.cell);
  const order = gateOrder(cell.gateLetters, op.gates);
  const get = (name: string) => params.get(name)!;
  const bias = new Float32Array(2 * G * H);
  bias.set(reorderGates(get("rnn.bias_ih_l0"), order, H, 1), 0);
  bias.set(reorderGates(get("rnn.bias_hh_l0"), order, H, 1), G * H);
  const gates = op.gates.join("");
  return [
    floatTensor("embedding.weight", [V, E], get("embedding.weight"), "embedding.weight"),
    floatTensor(
      "rnn.W",
      [1, G * H, E],
      reorderGates(get("rnn.weight_ih_l0"), order, H, E),
      `rnn.weight_ih_l0, gate blocks in ONNX order ${gates}`,
    ),
    floatTensor(
      "rnn.R",
      [1, G * H, H],
      reorderGates(get("rnn.weight_hh_l0"), order, H, H),
      `rnn.weight_hh_l0, gate blocks in ONNX order ${gates}`,
    ),
    floatTensor("rnn.B", [1, 2 * G * H], bias, `[rnn.bias_ih_l0; rnn.bias_hh_l0], order ${gates}`),
    floatTensor("linear.weight", [C, H], get("linear.weight"), "linear.weight"),
    floatTensor("linear.bias", [C], get("linear.bias"), "linear.bias"),
    int64Tensor("squeeze.axes", [1], [0], "the num_directions axis of Y_h"),
  ];
}

/** For each ONNX gate position, the index of the same gate in PyTorch's order. */
function gateOrder(torchGates: readonly string[], onnxGates: readonly string[]): number[] {
  return onnxGates.map((gate) => torchGates.indexOf(gate));
}

/**
 * Re-stack the gate blocks of `src` ([G·rows, cols], row-major): block k of the result is block
 * `order[k]` of `src`. Each block is `rows × cols` floats and is copied whole.
 */
function reorderGates(
  src: Float32Array,
  order: readonly number[],
  rows: number,
  cols: number,
): Float32Array {
  const block = rows * cols;
  const out = new Float32Array(src.length);
  order.forEach((from, to) => out.set(src.subarray(from * block, (from + 1) * block), to * block));
  return out;
}

/** A float32 initializer with little-endian raw data. */
function floatTensor(name: string, dims: number[], data: Float32Array, doc: string): TensorProto {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  data.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw, docString: doc };
}

/** An int64 initializer with little-endian raw data. */
function int64Tensor(name: string, dims: number[], data: number[], doc: string): TensorProto {
  const raw = new Uint8Array(data.length * 8);
  const view = new DataView(raw.buffer);
  data.forEach((value, i) => view.setBigInt64(i * 8, BigInt(value), true));
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: raw, docString: doc };
}

/** A node of the default domain. */
function node(
  name: string,
  opType: string,
  input: string[],
  output: string[],
  { attributes, doc }: { attributes: AttributeProto[]; doc: string },
): NodeProto {
  return { name, opType, domain: "", input, output, attribute: attributes, docString: doc };
}

function intAttribute(name: string, value: number): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function intsAttribute(name: string, values: number[]): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function stringsAttribute(name: string, values: string[]): AttributeProto {
  const encoder = new TextEncoder();
  return {
    name,
    type: onnx.AttributeProto.AttributeType.STRINGS,
    strings: values.map((v) => encoder.encode(v)),
  };
}

/** A tensor type with fixed (number) and symbolic (string) dimensions. */
function valueInfo(
  name: string,
  elemType: number,
  dims: (number | string)[],
  doc: string,
): ValueInfoProto {
  const dim = dims.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d });
  return { name, type: { tensorType: { elemType, shape: { dim } } }, docString: doc };
}
