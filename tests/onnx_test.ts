/**
 * ONNX export: the exported graph run in onnxruntime-node gives PyTorch's logits (fixtures from
 * tests/fixtures/make_onnx_fixtures.py) for every cell, every supported opset and several
 * batch sizes and lengths; the digit-sum graph's bytes are pinned; the generated tasks' graphs
 * (the adding problem's dense input, the copy task's head at every step) give lstm-lab's forward
 * outputs; the graph carries what it should; bad files give one clear error.
 *
 * deno test --allow-read --allow-write --allow-env --allow-ffi --allow-sys tests/onnx_test.ts
 * (onnxruntime-node itself needs only --allow-ffi; read and write are for the fixtures and temp files.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import p from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";
import { UserError } from "../lib/errors.ts";
import {
  checkpointOnnxMetadata,
  DEFAULT_OPSET,
  exportOnnx,
  OnnxError,
  SUPPORTED_OPSETS,
  taskOfModel,
} from "../lib/io/onnx.ts";
import { createOnnxSession } from "../lib/io/onnx_run.ts";
import { CELL_KINDS, type CellKind, type ModelConfig, paramSpecs } from "../lib/model/config.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { MT19937 } from "../lib/data/mt19937.ts";
import { type GeneratedTaskName, taskOf } from "../lib/tasks/task.ts";
import { VERSION } from "../lib/version.ts";
import { assertClose } from "./helpers.ts";

const { onnx } = p;

/** One fixture file: a PyTorch model's parameters and its logits for some digit batches. */
interface Fixture {
  torch_version: string;
  config: ModelConfig;
  params: Record<string, { shape: number[]; data: number[] }>;
  cases: { batch: number; length: number; digits: number[]; logits: number[] }[];
}

async function loadFixture(cell: CellKind): Promise<Fixture> {
  const url = new URL(`./fixtures/onnx_${cell}.json`, import.meta.url);
  return JSON.parse(await Deno.readTextFile(url)) as Fixture;
}

function fixtureParams(fixture: Fixture): Map<string, Float32Array> {
  return new Map(
    Object.entries(fixture.params).map(([name, { data }]) => [name, Float32Array.from(data)]),
  );
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Run every fixture case through one session (so the symbolic dims must really work). */
async function runFixture(fixture: Fixture, bytes: Uint8Array): Promise<number> {
  const session = await createOnnxSession(bytes, `${fixture.config.cell}.onnx`);
  let worst = 0;
  try {
    assert.equal(session.classes, fixture.config.classes);
    for (const { batch, length, digits, logits } of fixture.cases) {
      const got = await session.run(Int32Array.from(digits), batch, length);
      assertClose(got, logits, { atol: 1e-5, what: `${fixture.config.cell} ${batch}×${length}` });
      worst = Math.max(worst, maxAbsDiff(got, logits));
    }
  } finally {
    await session.release();
  }
  return worst;
}

function decode(bytes: Uint8Array): OnnxTypes.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

for (const cell of CELL_KINDS) {
  Deno.test(`onnx ${cell}: onnxruntime gives PyTorch's logits at several batch sizes and lengths`, async () => {
    const fixture = await loadFixture(cell);
    assert.equal(fixture.config.cell, cell);
    const shapes = new Set(fixture.cases.map((c) => `${c.batch}x${c.length}`));
    assert.ok(shapes.size >= 4, "the fixture should hold several batch shapes");
    const worst = await runFixture(fixture, exportOnnx(fixture.config, fixtureParams(fixture)));
    console.log(
      `${cell}: max |logit diff| vs PyTorch ${fixture.torch_version} = ${worst.toExponential(2)}`,
    );
  });
}

Deno.test("onnx: every supported opset (14–21) runs and matches PyTorch, for every cell", async () => {
  assert.deepEqual(SUPPORTED_OPSETS, [14, 15, 16, 17, 18, 19, 20, 21]);
  for (const cell of CELL_KINDS) {
    const fixture = await loadFixture(cell);
    for (const opset of SUPPORTED_OPSETS) {
      const bytes = exportOnnx(fixture.config, fixtureParams(fixture), { opset });
      const model = decode(bytes);
      assert.equal(Number(model.opsetImport[0]!.version), opset);
      await runFixture(fixture, bytes);
    }
  }
});

Deno.test("onnx: the graph is Gather → Transpose → cell → Squeeze → Gemm with symbolic dims", async () => {
  const fixture = await loadFixture("gru");
  const metadata = { cell: "gru", train_length: "10", test_acc: "0.87" };
  const bytes = exportOnnx(fixture.config, fixtureParams(fixture), {
    metadata,
    producerVersion: "0.1.0",
  });
  const model = decode(bytes);
  assert.equal(model.producerName, "lstm-lab");
  assert.equal(model.producerVersion, "0.1.0");
  assert.equal(Number(model.irVersion), 8);
  assert.deepEqual(
    model.opsetImport.map((o) => [o.domain, Number(o.version)]),
    [["", DEFAULT_OPSET]],
  );
  assert.deepEqual(
    Object.fromEntries(model.metadataProps.map((e) => [e.key, e.value])),
    metadata,
  );
  const graph = model.graph!;
  assert.ok(graph.docString && graph.docString.length > 0, "graph doc_string");
  assert.deepEqual(graph.node!.map((n) => n.opType), [
    "Gather",
    "Transpose",
    "GRU",
    "Squeeze",
    "Gemm",
  ]);
  for (const n of graph.node!) assert.ok(n.docString && n.docString.length > 0, `${n.name} doc`);
  const gru = graph.node![2]!;
  const attributes = Object.fromEntries(gru.attribute!.map((a) => [a.name, Number(a.i)]));
  assert.equal(attributes.hidden_size, fixture.config.hidden);
  assert.equal(attributes.linear_before_reset, 1);
  assert.ok(!("layout" in attributes), "layout stays at its default 0");
  const dims = (v: OnnxTypes.IValueInfoProto) =>
    v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
  assert.equal(graph.input![0]!.name, "digits");
  assert.equal(graph.input![0]!.type!.tensorType!.elemType, onnx.TensorProto.DataType.INT64);
  assert.deepEqual(dims(graph.input![0]!), ["batch", "seq"]);
  assert.equal(graph.output![0]!.name, "logits");
  assert.deepEqual(dims(graph.output![0]!), ["batch", fixture.config.classes]);
  for (const t of graph.initializer!.filter((t) => t.name !== "squeeze.axes")) {
    assert.equal(t.dataType, onnx.TensorProto.DataType.FLOAT, `${t.name} is float32`);
    assert.ok(t.rawData && t.rawData.length > 0, `${t.name} has raw data`);
  }
  const session = await createOnnxSession(bytes);
  assert.deepEqual(session.metadata, metadata);
  await session.release();
});

/** A model whose every parameter value encodes (tensor, gate, row, column), to see the blocks. */
function taggedParams(config: ModelConfig): Map<string, Float32Array> {
  return new Map(
    paramSpecs(config).map((spec, t) => {
      const data = new Float32Array(spec.size);
      const cols = spec.shape.length === 2 ? spec.shape[1]! : 1;
      for (let i = 0; i < spec.size; i++) {
        const row = Math.floor(i / cols);
        const gate = Math.floor(row / config.hidden);
        data[i] = t * 1000 + gate * 100 + (row % config.hidden) * 10 + (i % cols);
      }
      return [spec.name, data];
    }),
  );
}

/** The gate index (in PyTorch's order) of each block of H rows of an initializer. */
function blockGates(model: OnnxTypes.ModelProto, name: string, config: ModelConfig): number[] {
  const tensor = model.graph!.initializer!.find((t) => t.name === name)!;
  const raw = tensor.rawData!;
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
  const dims = tensor.dims!.map(Number);
  const cols = dims.length === 3 ? dims[2]! : 1;
  const blocks = values.length / (config.hidden * cols);
  return Array.from({ length: blocks }, (_, b) => {
    const first = values[b * config.hidden * cols]!;
    return Math.floor((first % 1000) / 100);
  });
}

Deno.test("onnx: the SRN is an RNN with activations [Tanh], the IRNN one with [Relu]", async () => {
  for (const [cell, activation] of [["srn", "Tanh"], ["irnn", "Relu"]] as const) {
    const fixture = await loadFixture(cell);
    const rnn = decode(exportOnnx(fixture.config, fixtureParams(fixture))).graph!.node![2]!;
    assert.equal(rnn.opType, "RNN");
    const attribute = rnn.attribute!.find((a) => a.name === "activations")!;
    assert.deepEqual(attribute.strings!.map((b) => new TextDecoder().decode(b)), [activation]);
    assert.match(rnn.docString!, new RegExp(`nn\\.RNN\\(7, 5, ${activation.toLowerCase()}\\)`));
  }
  // the IRNN's weights exported as an SRN (tanh) do not give PyTorch's ReLU logits
  const irnn = await loadFixture("irnn");
  const asSrn = exportOnnx({ ...irnn.config, cell: "srn" }, fixtureParams(irnn));
  await assert.rejects(runFixture(irnn, asSrn), /irnn/);
});

Deno.test("onnx: gate blocks are re-ordered from PyTorch's order to ONNX's", () => {
  // PyTorch LSTM i,f,g,o → ONNX i,o,f,c; GRU r,z,n → z,r,h; RNN one gate.
  const expected: Record<CellKind, number[]> = {
    lstm: [0, 3, 1, 2],
    gru: [1, 0, 2],
    srn: [0],
    irnn: [0],
  };
  for (const cell of CELL_KINDS) {
    const config: ModelConfig = { cell, vocab: 10, embed: 3, hidden: 2, classes: 19 };
    const model = decode(exportOnnx(config, taggedParams(config)));
    const order = expected[cell];
    assert.deepEqual(blockGates(model, "rnn.W", config), order, `${cell} W`);
    assert.deepEqual(blockGates(model, "rnn.R", config), order, `${cell} R`);
    assert.deepEqual(blockGates(model, "rnn.B", config), [...order, ...order], `${cell} B`);
    // B is [Wb; Rb]: the first half comes from bias_ih_l0 (tensor 3), the second from bias_hh_l0.
    const b = model.graph!.initializer!.find((t) => t.name === "rnn.B")!.rawData!;
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    const half = b.length / 8;
    assert.equal(Math.floor(view.getFloat32(0, true) / 1000), 3);
    assert.equal(Math.floor(view.getFloat32(half * 4, true) / 1000), 4);
    // Within a block, rows and columns keep PyTorch's layout.
    const w = model.graph!.initializer!.find((t) => t.name === "rnn.W")!.rawData!;
    const wv = new DataView(w.buffer, w.byteOffset, w.length);
    assert.equal(wv.getFloat32((1 * 3 + 2) * 4, true) % 100, 12); // block 0, row 1, column 2
  }
});

Deno.test("onnx: exportOnnx rejects a bad opset and a missing or mis-sized parameter", async () => {
  const fixture = await loadFixture("srn");
  const params = fixtureParams(fixture);
  assert.throws(
    () => exportOnnx(fixture.config, params, { opset: 13 }),
    new RangeError("opset must be an integer in [14, 21], got 13"),
  );
  const missing = new Map(params);
  missing.delete("linear.bias");
  assert.throws(
    () => exportOnnx(fixture.config, missing),
    new RangeError("params: linear.bias is missing"),
  );
  const short = new Map(params);
  short.set("rnn.weight_ih_l0", new Float32Array(3));
  assert.throws(
    () => exportOnnx(fixture.config, short),
    new RangeError("params: rnn.weight_ih_l0 has 3 floats, expected 35 [5, 7]"),
  );
});

/** Assert that `promise` rejects with an OnnxError whose message is exactly `message`. */
async function assertOnnxError(promise: Promise<unknown>, message: string | RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof OnnxError, `expected OnnxError, got ${err}`);
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, 1);
    if (typeof message === "string") assert.equal(err.message, message);
    else assert.match(err.message, message);
    assert.ok(!err.message.includes("\n"), "one line");
    return true;
  });
}

Deno.test("onnx: files that are not ONNX give one clear OnnxError line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const text = join(dir, "train.txt");
    await Deno.writeTextFile(text, "0 0 5 0 0\t0\n1 2 0 0 0\t3\n");
    await assertOnnxError(
      createOnnxSession(text),
      `${text}: not an ONNX model (it is a text file)`,
    );

    const header = new TextEncoder().encode(
      '{"linear.bias":{"dtype":"F32","shape":[19],"data_offsets":[0,76]}}',
    );
    const blob = new Uint8Array(8 + header.length + 76);
    new DataView(blob.buffer).setBigUint64(0, BigInt(header.length), true);
    blob.set(header, 8);
    const checkpoint = join(dir, "best.safetensors");
    await Deno.writeFile(checkpoint, blob);
    await assertOnnxError(
      createOnnxSession(checkpoint),
      `${checkpoint}: not an ONNX model (it looks like a safetensors checkpoint)`,
    );

    const empty = join(dir, "empty.onnx");
    await Deno.writeFile(empty, new Uint8Array());
    await assertOnnxError(
      createOnnxSession(empty),
      `${empty}: not an ONNX model (the file is empty)`,
    );

    await assertOnnxError(
      createOnnxSession(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x01, 0x02]), "junk.bin"),
      "junk.bin: not an ONNX model (protobuf decoding failed: invalid wire type 7 at offset 5)",
    );
    await assertOnnxError(
      createOnnxSession(new Uint8Array(16), "zeros.bin"),
      "zeros.bin: not an ONNX model (no ir_version)",
    );
    const nowhere = join(dir, "missing.onnx");
    await assertOnnxError(createOnnxSession(nowhere), `${nowhere}: no such file`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A hand-built one-node model: `input` → Cast(to output type) → `output`. */
function handModel(
  input: { name: string; type: number; dims: (number | string)[] },
  output: { name: string; type: number; dims: (number | string)[] },
  extraNode?: OnnxTypes.INodeProto,
): Uint8Array {
  const info = (v: typeof input): OnnxTypes.IValueInfoProto => ({
    name: v.name,
    type: {
      tensorType: {
        elemType: v.type,
        shape: {
          dim: v.dims.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d }),
        },
      },
    },
  });
  const cast: OnnxTypes.INodeProto = {
    opType: "Cast",
    input: [input.name],
    output: [output.name],
    attribute: [{ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: output.type }],
  };
  const model: OnnxTypes.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "hand",
      node: extraNode ? [extraNode] : [cast],
      input: [info(input)],
      output: [info(output)],
    },
  };
  return new Uint8Array(onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

Deno.test("onnx: a model whose input or output does not match gives one clear OnnxError line", async () => {
  const { FLOAT, INT32, INT64 } = onnx.TensorProto.DataType;
  const logits = { name: "logits", type: FLOAT, dims: ["batch", 19] };
  await assertOnnxError(
    createOnnxSession(
      handModel({ name: "tokens", type: FLOAT, dims: ["batch", "seq"] }, logits),
      "other.onnx",
    ),
    "other.onnx: the model's input is tokens float32 [batch, seq], " +
      "expected one input digits int64 [batch, seq]",
  );
  await assertOnnxError(
    createOnnxSession(
      handModel({ name: "digits", type: INT32, dims: ["batch", 35] }, logits),
      "i32.onnx",
    ),
    "i32.onnx: the model's input is digits int32 [batch, 35], expected one input digits int64 [batch, seq]",
  );
  await assertOnnxError(
    createOnnxSession(handModel({ name: "digits", type: INT64, dims: ["n"] }, logits), "flat.onnx"),
    "flat.onnx: the model's input is digits int64 [n], expected one input digits int64 [batch, seq]",
  );
  await assertOnnxError(
    createOnnxSession(
      handModel({ name: "digits", type: INT64, dims: ["batch", "seq"] }, {
        name: "probs",
        type: FLOAT,
        dims: ["batch", "seq"],
      }),
      "probs.onnx",
    ),
    "probs.onnx: the model's output is probs float32 [batch, seq], " +
      "expected one output logits float32 [batch, C]",
  );
  // The interface matches but the graph does not compute it: onnxruntime's own error, one line.
  await assertOnnxError(
    createOnnxSession(
      handModel({ name: "digits", type: INT64, dims: ["batch", "seq"] }, logits, {
        opType: "NoSuchOp",
        input: ["digits"],
        output: ["logits"],
      }),
      "bad.onnx",
    ),
    /^bad\.onnx: onnxruntime cannot load the model \(.+\)$/,
  );
});

Deno.test("onnx: run rejects mis-sized input and reports a digit outside the embedding", async () => {
  const fixture = await loadFixture("lstm");
  const session = await createOnnxSession(
    exportOnnx(fixture.config, fixtureParams(fixture)),
    "m.onnx",
  );
  try {
    await assert.rejects(
      session.run(new Int32Array(5), 2, 3),
      new RangeError("digits has 5 values, expected 2 × 3"),
    );
    await assert.rejects(
      session.run(new Int32Array(0), 0, 3),
      new RangeError("batch and length must be positive integers, got 0 and 3"),
    );
    await assert.rejects(
      session.run(new Int32Array([1, -1, 0]), 1, 3),
      new RangeError("digits[1] is -1, expected a symbol id ≥ 0"),
    );
    await assertOnnxError(
      session.run(new Int32Array([1, 12, 0]), 1, 3),
      /^m\.onnx: onnxruntime failed \(.*indices element out of data bounds, idx=12.*\)$/,
    );
  } finally {
    await session.release();
  }
});

/** sha256 (hex) of some bytes. */
async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("onnx: the digit-sum graph's bytes are those written before the task graphs", async () => {
  // sha256 of each fixture's model exported with this metadata, as of the commit that added the
  // generated tasks' graphs: the digit sum's graph, doc strings and metadata did not change.
  const pinned: Record<CellKind, Record<number, string>> = {
    lstm: {
      14: "8d9442dc2e3e5091b1cb8b901c9d302a1e8bcb7eb823699b5631541cf5e7de46",
      17: "84d15e7d7b5ac526a6559e3840c6fafa4857724b9d2d14291489753ff288b2dc",
      21: "44d98d09bf9de508a752cfebc9a0006e5003b78f32bfb1c2edb0658e2b273911",
    },
    gru: { 17: "f6099341ca3595902b85e8a5d4014e7575231d51f4b041c54af3c1b2e24fda8f" },
    srn: { 17: "716b7425b878206f8eedd7917fc13e9fa444ea5c8542273bc8f3f9ba9c1d180e" },
    irnn: { 17: "69b9e163f6278e29600b87578da185191c8c2b3df349a74fe5431e2d339f5886" },
  };
  for (const cell of CELL_KINDS) {
    const fixture = await loadFixture(cell);
    for (const [opset, sha] of Object.entries(pinned[cell])) {
      const bytes = exportOnnx(fixture.config, fixtureParams(fixture), {
        opset: Number(opset),
        metadata: { cell, train_length: "10" },
        producerVersion: "0.1.0",
      });
      assert.equal(await sha256Hex(bytes), sha, `${cell} opset ${opset}`);
    }
  }
});

/**
 * A model of a generated task at hidden 6 (embedding 5 for the copy task) whose every parameter
 * is drawn uniformly from [−0.5, 0.5): livelier than any initialisation (the IRNN's barely reads
 * its inputs at first), and the same for every cell. (Seed 1 leaves the adding IRNN's ReLUs all
 * dead, its output the bias whatever the inputs: {@linkcode runTaskModel} refuses that.)
 */
function taskModel(name: GeneratedTaskName, cell: CellKind, seed = 4): SeqClassifier {
  const model = new SeqClassifier(taskOf(name).model(cell, 5, 6));
  const rng = new MT19937(seed);
  for (let k = 0; k < model.params.length; k++) model.params[k] = rng.random() - 0.5;
  return model;
}

/** `[B, T, C]` of time-major `[T, B, C]` outputs. */
function batchFirst(values: Float32Array, B: number, T: number, C: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      out.set(values.subarray((t * B + b) * C, (t * B + b + 1) * C), (b * T + t) * C);
    }
  }
  return out;
}

/**
 * Run a task model's graph in onnxruntime over a few batch shapes (one session, so the symbolic
 * dims must really work) against `SeqClassifier.forward`; the largest difference seen.
 */
async function runTaskModel(
  name: GeneratedTaskName,
  model: SeqClassifier,
  bytes: Uint8Array,
): Promise<number> {
  const task = taskOf(name);
  const { cell, classes: C } = model.config;
  const session = await createOnnxSession(bytes, `${name}-${cell}.onnx`, model.config);
  let worst = 0;
  try {
    assert.equal(session.classes, C);
    assert.equal(session.everyStep, name === "copy");
    assert.equal(session.channels, name === "adding" ? 2 : 0);
    const rng = new MT19937(7);
    for (const [B, length] of [[1, 2], [3, 7], [8, 25], [2, 60]] as const) {
      const batch = task.batch(rng, B, length);
      const T = batch.steps;
      const theirs = await session.run(batch.inputs, B, T);
      const forward = model.forward(batch.inputs, B, T);
      const ours = name === "copy" ? batchFirst(forward, B, T, C) : forward;
      assert.equal(theirs.length, B * (name === "copy" ? T : 1) * C);
      if (B > 1) assert.ok(new Set(ours).size > C, `${name} ${cell}: the outputs read the inputs`);
      assertClose(theirs, ours, { atol: 1e-5, what: `${name} ${cell} ${B}×${T}` });
      worst = Math.max(worst, maxAbsDiff(theirs, ours));
    }
  } finally {
    await session.release();
  }
  return worst;
}

for (const name of ["adding", "copy"] as const) {
  for (const cell of CELL_KINDS) {
    Deno.test(`onnx ${name} ${cell}: onnxruntime gives SeqClassifier.forward's outputs at several batch sizes and lengths`, async () => {
      const model = taskModel(name, cell);
      const params = new Map(Object.entries(model.p));
      const worst = await runTaskModel(name, model, exportOnnx(model.config, params));
      console.log(`${name} ${cell}: max |output diff| vs lstm-lab = ${worst.toExponential(2)}`);
    });
  }
}

Deno.test("onnx: the task graphs run and match at every supported opset (14–21)", async () => {
  for (const [name, cell] of [["adding", "gru"], ["copy", "lstm"]] as const) {
    const model = taskModel(name, cell, 2);
    for (const opset of SUPPORTED_OPSETS) {
      const bytes = exportOnnx(model.config, new Map(Object.entries(model.p)), { opset });
      assert.equal(Number(decode(bytes).opsetImport[0]!.version), opset);
      await runTaskModel(name, model, bytes);
    }
  }
});

/** A value's dims: fixed numbers and symbolic names. */
function dimsOf(v: OnnxTypes.IValueInfoProto): (string | number)[] {
  return v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
}

/** An initializer's float32 values. */
function floats(model: OnnxTypes.ModelProto, name: string): Float32Array {
  const raw = model.graph!.initializer!.find((t) => t.name === name)!.rawData!;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

Deno.test("onnx adding: float inputs [batch, seq, 2] → Transpose → cell → Squeeze → Gemm → outputs [batch, 1]", () => {
  const model = taskModel("adding", "lstm");
  const onnxModel = decode(exportOnnx(model.config, new Map(Object.entries(model.p))));
  assert.equal(onnxModel.docString, "lstm-lab adding-problem model (lstm)");
  const graph = onnxModel.graph!;
  assert.deepEqual(graph.node!.map((n) => n.opType), ["Transpose", "LSTM", "Squeeze", "Gemm"]);
  assert.deepEqual(graph.node![1]!.input, ["inputs_time_major", "rnn.W", "rnn.R", "rnn.B"]);
  for (const n of graph.node!) assert.ok(n.docString && n.docString.length > 0, `${n.name} doc`);
  assert.equal(graph.input![0]!.name, "inputs");
  assert.equal(graph.input![0]!.type!.tensorType!.elemType, onnx.TensorProto.DataType.FLOAT);
  assert.deepEqual(dimsOf(graph.input![0]!), ["batch", "seq", 2]);
  assert.equal(graph.output![0]!.name, "outputs");
  assert.deepEqual(dimsOf(graph.output![0]!), ["batch", 1]);
  assert.deepEqual(graph.initializer!.map((t) => `${t.name} [${t.dims!.map(Number)}]`), [
    "rnn.W [1,24,2]",
    "rnn.R [1,24,6]",
    "rnn.B [1,48]",
    "linear.weight [1,6]",
    "linear.bias [1]",
    "squeeze.axes [1]",
  ]);
  assert.match(
    graph.docString!,
    /^inputs float32 \[batch, seq, 2\] → LSTM\(2, 6\) → .* → outputs float32 \[batch, 1\]$/,
  );
});

Deno.test("onnx copy: inputs [batch, seq] → Gather → Transpose → cell → Squeeze → Transpose → MatMul → Add → outputs [batch, seq, 10]", () => {
  const model = taskModel("copy", "gru");
  const onnxModel = decode(exportOnnx(model.config, new Map(Object.entries(model.p))));
  assert.equal(onnxModel.docString, "lstm-lab copy-task model (gru)");
  const graph = onnxModel.graph!;
  assert.deepEqual(graph.node!.map((n) => n.opType), [
    "Gather",
    "Transpose",
    "GRU",
    "Squeeze",
    "Transpose",
    "MatMul",
    "Add",
  ]);
  for (const n of graph.node!) assert.ok(n.docString && n.docString.length > 0, `${n.name} doc`);
  const gru = graph.node![2]!;
  assert.deepEqual(gru.output, ["rnn.Y"], "the hidden state of every step, not Y_h");
  assert.equal(graph.input![0]!.name, "inputs");
  assert.equal(graph.input![0]!.type!.tensorType!.elemType, onnx.TensorProto.DataType.INT64);
  assert.deepEqual(dimsOf(graph.input![0]!), ["batch", "seq"]);
  assert.equal(graph.output![0]!.name, "outputs");
  assert.deepEqual(dimsOf(graph.output![0]!), ["batch", "seq", 10]);
  assert.deepEqual(graph.initializer!.map((t) => `${t.name} [${t.dims!.map(Number)}]`), [
    "embedding.weight [10,5]",
    "rnn.W [1,18,5]",
    "rnn.R [1,18,6]",
    "rnn.B [1,36]",
    "linear.weight_t [6,10]",
    "linear.bias [10]",
    "squeeze.axes [1]",
  ]);
  // linear.weight_t is linear.weight [10, 6] transposed; Squeeze drops Y's axis 1
  const w = model.p["linear.weight"];
  const wt = floats(onnxModel, "linear.weight_t");
  for (let c = 0; c < 10; c++) {
    for (let h = 0; h < 6; h++) assert.equal(wt[h * 10 + c], w[c * 6 + h]);
  }
  const axes = graph.initializer!.find((t) => t.name === "squeeze.axes")!.rawData!;
  assert.equal(new DataView(axes.buffer, axes.byteOffset, 8).getBigInt64(0, true), 1n);
});

Deno.test("onnx: taskOfModel and the metadata of a task checkpoint (task, losses)", () => {
  assert.equal(taskOfModel(taskOf("adding").model("irnn", 16, 40)), "adding");
  assert.equal(taskOfModel(taskOf("copy").model("srn", 16, 40)), "copy");
  assert.equal(
    taskOfModel({ cell: "gru", vocab: 10, embed: 4, hidden: 3, classes: 25 }),
    "digit-sum",
  );
  // a head at every step over 19 classes is neither task's model
  const odd: ModelConfig = {
    cell: "lstm",
    vocab: 10,
    embed: 4,
    hidden: 3,
    classes: 19,
    head: "every",
  };
  assert.equal(taskOfModel(odd), undefined);

  const train = JSON.stringify({ cell: "gru", length: 6, task: "adding", steps: 5 });
  const adding = checkpointOnnxMetadata(
    taskOf("adding").model("gru", 16, 8),
    { lstm_lab_train: train, dev_loss: "0.31", test_loss: "0.32", step: "5" },
    "ab12",
  );
  assert.deepEqual(Object.entries(adding), [
    ["cell", "gru"],
    ["task", "adding"],
    ["vocab", "2"],
    ["embed", "2"],
    ["hidden", "8"],
    ["classes", "1"],
    ["train_length", "6"],
    ["dev_loss", "0.31"],
    ["test_loss", "0.32"],
    ["lstm_lab_version", VERSION],
    ["checkpoint_sha256", "ab12"],
  ]);
  // the digit sum's keys are as before: no task, accuracies
  const book = checkpointOnnxMetadata(
    { cell: "lstm", vocab: 10, embed: 32, hidden: 32, classes: 19 },
    { dev_acc: "0.9" },
    "cd",
  );
  assert.deepEqual(Object.keys(book), [
    "cell",
    "vocab",
    "embed",
    "hidden",
    "classes",
    "train_length",
    "dev_acc",
    "test_acc",
    "lstm_lab_version",
    "checkpoint_sha256",
  ]);
});

Deno.test("onnx: a task graph opened for another shape gives one clear OnnxError line", async () => {
  const adding = taskModel("adding", "srn");
  const copy = taskModel("copy", "srn");
  const addingBytes = exportOnnx(adding.config, new Map(Object.entries(adding.p)));
  const copyBytes = exportOnnx(copy.config, new Map(Object.entries(copy.p)));
  // the default interface is the digit sum's
  await assertOnnxError(
    createOnnxSession(copyBytes, "copy.onnx"),
    "copy.onnx: the model's input is inputs int64 [batch, seq], " +
      "expected one input digits int64 [batch, seq]",
  );
  await assertOnnxError(
    createOnnxSession(addingBytes, "adding.onnx", copy.config),
    "adding.onnx: the model's input is inputs float32 [batch, seq, 2], " +
      "expected one input inputs int64 [batch, seq]",
  );
  await assertOnnxError(
    createOnnxSession(addingBytes, "adding.onnx", { ...adding.config, vocab: 3 }),
    "adding.onnx: the model's input is inputs float32 [batch, seq, 2], " +
      "expected one input inputs float32 [batch, seq, 3]",
  );
  await assertOnnxError(
    createOnnxSession(addingBytes, "adding.onnx", { ...adding.config, head: "every" }),
    "adding.onnx: the model's output is outputs float32 [batch, 1], " +
      "expected one output outputs float32 [batch, seq, C]",
  );
});

Deno.test("onnx: a task session's run rejects inputs of the other kind or size", async () => {
  const adding = taskModel("adding", "lstm");
  const copy = taskModel("copy", "lstm");
  const sessions = await Promise.all([
    createOnnxSession(
      exportOnnx(adding.config, new Map(Object.entries(adding.p))),
      "a",
      adding.config,
    ),
    createOnnxSession(exportOnnx(copy.config, new Map(Object.entries(copy.p))), "c", copy.config),
  ]);
  const [a, c] = sessions;
  try {
    await assert.rejects(
      a!.run(new Int32Array(6), 1, 3),
      new RangeError("inputs: this model reads float32 channels (a Float32Array), got Int32Array"),
    );
    await assert.rejects(
      a!.run(new Float32Array(5), 1, 3),
      new RangeError("inputs has 5 values, expected 1 × 3 × 2"),
    );
    await assert.rejects(
      c!.run(new Float32Array(3), 1, 3),
      new RangeError("inputs: this model reads symbol ids (an Int32Array), got Float32Array"),
    );
    await assert.rejects(
      c!.run(new Int32Array([1, -1, 0]), 1, 3),
      new RangeError("inputs[1] is -1, expected a symbol id ≥ 0"),
    );
    await assertOnnxError(
      c!.run(new Int32Array([1, 10, 0]), 1, 3),
      /^c: onnxruntime failed \(.*indices element out of data bounds, idx=10.*\)$/,
    );
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
});
