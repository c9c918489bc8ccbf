/**
 * ONNX export of a sequence model, written with `npm:onnx-proto`.
 *
 * The book's digit-sum graph, for batch B and sequence length T (both symbolic):
 * ```
 * digits int64 [B, T]
 *   → Gather(embedding.weight, axis 0)      [B, T, E]
 *   → Transpose(perm 1,0,2)                 [T, B, E]
 *   → LSTM | GRU | RNN (layout 0, forward)  Y_h [1, B, H]
 *   → Squeeze(axes [0])                     [B, H]
 *   → Gemm(transB 1, linear.weight, linear.bias)
 * logits float32 [B, C]
 * ```
 * A model of another shape (a generated task's, see {@linkcode onnxInterface}) reads `inputs` and
 * writes `outputs`. A dense input (the adding problem: `inputs` float32 `[B, T, D]`) goes through
 * the Transpose straight into the recurrent op, with no Gather. A head at every step (the copy
 * task) reads the op's `Y` output instead of `Y_h`:
 * ```
 *   → LSTM | GRU | RNN                      Y [T, 1, B, H]
 *   → Squeeze(axes [1])                     [T, B, H]
 *   → Transpose(perm 1,0,2)                 [B, T, H]
 *   → MatMul(linear.weight_t [H, C]) → Add(linear.bias)
 * outputs float32 [B, T, C]                 batch-first (SeqClassifier.forward's are [T, B, C])
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
import { type GeneratedTaskName, type TaskName, taskOf } from "../tasks/task.ts";
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
 * String key/value pairs stored in the model's `metadata_props`, e.g. `cell`, `task` (a generated
 * task's model only), `vocab`, `embed`, `hidden`, `classes`, `train_length`, `dev_acc`,
 * `test_acc` (a task model: `dev_loss`, `test_loss`), `lstm_lab_version`, `checkpoint_sha256`.
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
 * toolkit's version and the sha256 (hex) of the checkpoint's bytes. A model of a generated task
 * (see {@linkcode taskOfModel}) has `task` (`adding` or `copy`) after `cell`, and its dev and
 * test loss (`dev_loss`, `test_loss`) in place of the accuracies; the digit sum's has no `task`.
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
 * assert.equal(meta.task, undefined);
 * ```
 *
 * @example A copy-task model
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkpointOnnxMetadata } from "./onnx.ts";
 * const config = {
 *   cell: "gru" as const, vocab: 10, embed: 16, hidden: 40, classes: 10, head: "every" as const,
 * };
 * const meta = checkpointOnnxMetadata(config, { lstm_lab_train: '{"length":3}', test_loss: "1.4" }, "ab");
 * assert.deepEqual([meta.task, meta.train_length, meta.test_loss, meta.dev_loss], ["copy", "3", "1.4", ""]);
 * ```
 */
export function checkpointOnnxMetadata(
  config: ModelConfig,
  metadata: Record<string, string>,
  sha256: string,
): OnnxMetadata {
  const { cell, vocab, embed, hidden, classes } = config;
  const task = taskOfModel(config);
  const generated = task === "adding" || task === "copy";
  const sizes: OnnxMetadata = {
    vocab: String(vocab),
    embed: String(embed),
    hidden: String(hidden),
    classes: String(classes),
    train_length: String(storedTrainLength(metadata.lstm_lab_train) ?? ""),
  };
  const scores: OnnxMetadata = generated
    ? { dev_loss: finiteOrEmpty(metadata.dev_loss), test_loss: finiteOrEmpty(metadata.test_loss) }
    : { dev_acc: finiteOrEmpty(metadata.dev_acc), test_acc: finiteOrEmpty(metadata.test_acc) };
  return {
    cell,
    ...(generated ? { task } : {}),
    ...sizes,
    ...scores,
    lstm_lab_version: VERSION,
    checkpoint_sha256: sha256,
  };
}

/**
 * The task a model of `config` is shaped for: `digit-sum` for an embedding input with a head at
 * the last step (the book's graph, any sizes), `adding` or `copy` for exactly the model that
 * `taskOf(name).model(cell, embed, hidden)` builds, or undefined for any other shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskOfModel } from "./onnx.ts";
 * assert.equal(taskOfModel({ cell: "lstm", vocab: 10, embed: 32, hidden: 32, classes: 19 }), "digit-sum");
 * assert.equal(
 *   taskOfModel({ cell: "gru", vocab: 2, embed: 2, hidden: 40, classes: 1, input: "dense" }),
 *   "adding",
 * );
 * assert.equal(
 *   taskOfModel({ cell: "srn", vocab: 3, embed: 3, hidden: 4, classes: 1, input: "dense" }),
 *   undefined,
 * );
 * ```
 */
export function taskOfModel(config: ModelConfig): TaskName | undefined {
  const shape = (c: ModelConfig) =>
    [c.cell, c.vocab, c.embed, c.hidden, c.classes, c.input ?? "embedding", c.head ?? "last"]
      .join();
  if ((config.input ?? "embedding") === "embedding" && (config.head ?? "last") === "last") {
    return "digit-sum";
  }
  const names: GeneratedTaskName[] = ["adding", "copy"];
  return names.find((name) =>
    shape(taskOf(name).model(config.cell, config.embed, config.hidden)) === shape(config)
  );
}

/**
 * The one input and the one output of a model's graph. The digit-sum model (an embedding input,
 * a head at the last step) reads `digits` int64 `[batch, seq]` and writes `logits` float32
 * `[batch, C]`. Any other model reads `inputs` — int64 symbol ids `[batch, seq]` through an
 * embedding, or float32 `[batch, seq, D]` for a dense input of D channels — and writes `outputs`
 * float32, `[batch, C]` for a head at the last step or `[batch, seq, C]` (batch-first) for a head
 * at every step.
 */
export interface OnnxInterface {
  /** The input's name: `digits` (the digit-sum graph) or `inputs`. */
  input: "digits" | "inputs";
  /** `int64` symbol ids, or `float32` channels (a dense input). */
  inputType: "int64" | "float32";
  /** `["batch", "seq"]`, or `["batch", "seq", D]` for a dense input. */
  inputDims: (number | string)[];
  /** The output's name: `logits` (the digit-sum graph) or `outputs`. Always float32. */
  output: "logits" | "outputs";
  /** `["batch", C]`, or `["batch", "seq", C]` for a head at every step. */
  outputDims: (number | string)[];
}

/**
 * The interface of the graph {@linkcode exportOnnx} writes for `config` (see
 * {@linkcode OnnxInterface}); without `classes` the output's last dimension is `"C"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onnxInterface } from "./onnx.ts";
 * assert.deepEqual(onnxInterface({ vocab: 2, classes: 1, input: "dense" }), {
 *   input: "inputs",
 *   inputType: "float32",
 *   inputDims: ["batch", "seq", 2],
 *   output: "outputs",
 *   outputDims: ["batch", 1],
 * });
 * assert.deepEqual(onnxInterface({ vocab: 10, head: "every" }).outputDims, ["batch", "seq", "C"]);
 * ```
 */
export function onnxInterface(
  config: Pick<ModelConfig, "vocab" | "input" | "head"> & { classes?: number },
): OnnxInterface {
  const dense = config.input === "dense";
  const every = config.head === "every";
  const book = !dense && !every;
  const C = config.classes ?? "C";
  return {
    input: book ? "digits" : "inputs",
    inputType: dense ? "float32" : "int64",
    inputDims: dense ? ["batch", "seq", config.vocab] : ["batch", "seq"],
    output: book ? "logits" : "outputs",
    outputDims: every ? ["batch", "seq", C] : ["batch", C],
  };
}

/**
 * A value as error messages and doc strings write it: `digits int64 [batch, seq]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeIo } from "./onnx.ts";
 * assert.equal(describeIo("outputs", "float32", ["batch", "seq", 10]), "outputs float32 [batch, seq, 10]");
 * ```
 */
export function describeIo(name: string, type: string, dims: readonly (number | string)[]): string {
  return `${name} ${type} [${dims.join(", ")}]`;
}

/** The ONNX element types of {@linkcode OnnxInterface.inputType}. */
const ELEM_TYPES: Readonly<Record<OnnxInterface["inputType"], number>> = {
  int64: onnx.TensorProto.DataType.INT64,
  float32: onnx.TensorProto.DataType.FLOAT,
};

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
 * PyTorch name, row-major in PyTorch's layout. The graph's input and output follow the model's
 * input layer and head ({@linkcode onnxInterface}): the digit-sum graph, or a generated task's.
 * Throws `RangeError` for a bad config, opset or parameter size.
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
    docString: `lstm-lab ${MODEL_DOC[taskOfModel(config) ?? "other"]} (${config.cell})`,
    graph: buildGraph(config, params),
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const encoded = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  return new Uint8Array(encoded); // a plain copy, not protobufjs's (possibly pooled) Buffer
}

/** What the model's doc string calls a model of each task. */
const MODEL_DOC: Readonly<Record<TaskName | "other", string>> = {
  "digit-sum": "digit-sum classifier",
  adding: "adding-problem model",
  copy: "copy-task model",
  other: "sequence model",
};

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

/** The graph: nodes, initializers, the input (`digits` or `inputs`) and the output. */
function buildGraph(config: ModelConfig, params: Map<string, Float32Array>): GraphProto {
  const { vocab: V, embed: E, hidden: H, classes: C } = config;
  const io = onnxInterface(config);
  const dense = config.input === "dense";
  const every = config.head === "every";
  const book = io.input === "digits";
  const { FLOAT } = onnx.TensorProto.DataType;
  const inputDoc = dense
    ? `${V} real-valued channels a step, batch-major`
    : `${book ? "digit" : "symbol"} sequences, one symbol id a step`;
  const outputDoc = book
    ? "unnormalised class scores"
    : every
    ? "the linear head at every step, batch-major (unnormalised scores for a classifier)"
    : "the linear head after the last step";
  return {
    name: `lstm_lab_${config.cell}`,
    docString: `${describeIo(io.input, io.inputType, io.inputDims)} → ` +
      (dense ? "" : `Embedding(${V}, ${E}) → `) + `${torchCell(config)} → ` +
      `hidden state of ${every ? "every step" : "the last step"} → Linear(${H}, ${C}) → ` +
      describeIo(io.output, "float32", io.outputDims),
    node: buildNodes(config),
    initializer: buildInitializers(config, params),
    input: [valueInfo(io.input, ELEM_TYPES[io.inputType], io.inputDims, inputDoc)],
    output: [valueInfo(io.output, FLOAT, io.outputDims, outputDoc)],
    valueInfo: [
      ...(dense
        ? [valueInfo("inputs_time_major", FLOAT, ["seq", "batch", V], "the channels, time-major")]
        : [
          valueInfo("embedded", FLOAT, ["batch", "seq", E], "embedding rows, batch-major"),
          valueInfo(
            "embedded_time_major",
            FLOAT,
            ["seq", "batch", E],
            "embedding rows, time-major",
          ),
        ]),
      ...(every
        ? [
          valueInfo("rnn.Y", FLOAT, ["seq", 1, "batch", H], "hidden state of every step"),
          valueInfo("hidden_time_major", FLOAT, ["seq", "batch", H], "hidden states, time-major"),
          valueInfo("hidden", FLOAT, ["batch", "seq", H], "hidden states, batch-major"),
          valueInfo("linear.matmul", FLOAT, ["batch", "seq", C], "hidden · linear.weightᵀ"),
        ]
        : [
          valueInfo("rnn.Y_h", FLOAT, [1, "batch", H], "hidden state of the last step"),
          valueInfo("last_hidden", FLOAT, ["batch", H], "hidden state of the last step"),
        ]),
    ],
  };
}

/**
 * Gather (an embedding input) → Transpose → LSTM/GRU/RNN → Squeeze → Gemm (a head at the last
 * step), or → Squeeze → Transpose → MatMul → Add (a head at every step).
 */
function buildNodes(config: ModelConfig): NodeProto[] {
  const { vocab: V, embed: E, hidden: H, classes: C } = config;
  const io = onnxInterface(config);
  const op = onnxOperator(config.cell);
  const opType = op.op;
  const rnnAttributes = [intAttribute("hidden_size", H), ...cellAttributes(op)];
  const input: NodeProto[] = config.input === "dense"
    ? [
      node("time_major", "Transpose", [io.input], ["inputs_time_major"], {
        attributes: [intsAttribute("perm", [1, 0, 2])],
        doc: `to time-major for the ${opType} (layout 0): [seq, batch, ${V}]`,
      }),
    ]
    : [
      node("embedding", "Gather", ["embedding.weight", io.input], ["embedded"], {
        attributes: [intAttribute("axis", 0)],
        doc: `nn.Embedding(${V}, ${E}): one row of embedding.weight per ${
          io.input === "digits" ? "digit" : "symbol"
        }, [batch, seq, ${E}]`,
      }),
      node("time_major", "Transpose", ["embedded"], ["embedded_time_major"], {
        attributes: [intsAttribute("perm", [1, 0, 2])],
        doc: `to time-major for the ${opType} (layout 0): [seq, batch, ${E}]`,
      }),
    ];
  const x = config.input === "dense" ? "inputs_time_major" : "embedded_time_major";
  if (config.head === "every") {
    return [
      ...input,
      node("rnn", opType, [x, "rnn.W", "rnn.R", "rnn.B"], ["rnn.Y"], {
        attributes: rnnAttributes,
        doc: `nn.${torchCell(config)} forward, h0 = 0; ` +
          `Y is the hidden state of every step, [seq, 1, batch, ${H}]`,
      }),
      node("hidden_time_major", "Squeeze", ["rnn.Y", "squeeze.axes"], ["hidden_time_major"], {
        attributes: [],
        doc: `drop the num_directions axis: [seq, batch, ${H}]`,
      }),
      node("batch_major", "Transpose", ["hidden_time_major"], ["hidden"], {
        attributes: [intsAttribute("perm", [1, 0, 2])],
        doc: `to batch-major: [batch, seq, ${H}]`,
      }),
      node("linear.matmul", "MatMul", ["hidden", "linear.weight_t"], ["linear.matmul"], {
        attributes: [],
        doc: `nn.Linear(${H}, ${C}) at every step: hidden · linear.weightᵀ, [batch, seq, ${C}]`,
      }),
      node("linear", "Add", ["linear.matmul", "linear.bias"], [io.output], {
        attributes: [],
        doc: `+ linear.bias: [batch, seq, ${C}]`,
      }),
    ];
  }
  return [
    ...input,
    node("rnn", opType, [x, "rnn.W", "rnn.R", "rnn.B"], ["", "rnn.Y_h"], {
      attributes: rnnAttributes,
      doc: `nn.${torchCell(config)} forward, h0 = 0; ` +
        `Y_h is the hidden state of the last step, [1, batch, ${H}]`,
    }),
    node("last_hidden", "Squeeze", ["rnn.Y_h", "squeeze.axes"], ["last_hidden"], {
      attributes: [],
      doc: `drop the num_directions axis: [batch, ${H}]`,
    }),
    node("linear", "Gemm", ["last_hidden", "linear.weight", "linear.bias"], [io.output], {
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

/**
 * The initializers: embedding (an embedding input), W/R/B in ONNX's gate order, linear (its
 * weight transposed, `linear.weight_t`, for a head at every step), and Squeeze's axes.
 */
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
  const every = config.head === "every";
  return [
    ...(config.input === "dense"
      ? []
      : [floatTensor("embedding.weight", [V, E], get("embedding.weight"), "embedding.weight")]),
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
    every
      ? floatTensor(
        "linear.weight_t",
        [H, C],
        transpose(get("linear.weight"), C, H),
        `linear.weight transposed, [${H}, ${C}]`,
      )
      : floatTensor("linear.weight", [C, H], get("linear.weight"), "linear.weight"),
    floatTensor("linear.bias", [C], get("linear.bias"), "linear.bias"),
    every
      ? int64Tensor("squeeze.axes", [1], [1], "the num_directions axis of Y")
      : int64Tensor("squeeze.axes", [1], [0], "the num_directions axis of Y_h"),
  ];
}

/** `[cols, rows]` transpose of a row-major `[rows, cols]` matrix. */
function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  }
  return out;
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
