/**
 * ONNX export: the exported graph run in onnxruntime-node gives PyTorch's logits (fixtures from
 * tests/fixtures/make_onnx_fixtures.py) for all three cells, every supported opset and several
 * batch sizes and lengths; the graph carries what it should; bad files give one clear error.
 *
 * deno test --allow-read --allow-write --allow-env --allow-ffi --allow-sys tests/onnx_test.ts
 * (onnxruntime-node itself needs only --allow-ffi; read and write are for the fixtures and temp files.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import p from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";
import { UserError } from "../lib/errors.ts";
import { DEFAULT_OPSET, exportOnnx, OnnxError, SUPPORTED_OPSETS } from "../lib/io/onnx.ts";
import { createOnnxSession } from "../lib/io/onnx_run.ts";
import { CELL_KINDS, type CellKind, type ModelConfig, paramSpecs } from "../lib/model/config.ts";
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
