/**
 * PyTorch parity of the adding and copy tasks (fixtures:
 * tests/fixtures/make_torch_task_fixtures.py). The building blocks: a dense input layer over
 * real-valued channels (`linearForward` over the [B·T, D] rows), an MSE head at every step, and
 * cross-entropy at every step over [B·T, C] logits, each with its outputs, loss and every gradient.
 * The whole task models, for the LSTM, GRU and SRN: `taskOf("adding").model` (two channels into
 * W_ih, head at the last step, MSE) and `taskOf("copy").model` (embedding, head at every step,
 * cross-entropy) as `SeqClassifier`s loaded with PyTorch's weights, their outputs, loss and every
 * parameter's gradient.
 */
import assert from "node:assert/strict";
import { type CellKind, type ParamName, SeqClassifier } from "../lib/model/mod.ts";
import {
  crossEntropyBackward,
  crossEntropyForward,
  linearBackward,
  linearForward,
  mseBackward,
  mseForward,
} from "../lib/nn/mod.ts";
import { COPY_VOCAB } from "../lib/tasks/mod.ts";
import { type GeneratedTaskName, taskOf } from "../lib/tasks/task.ts";
import { assertClose } from "./helpers.ts";

interface DenseMseCase {
  batch: number;
  length: number;
  embed: number;
  x: number[];
  target: number[];
  params: Record<"dense.weight" | "dense.bias" | "head.weight" | "head.bias", number[]>;
  out: number[];
  loss: number;
  grads: Record<"x" | "dense.weight" | "dense.bias" | "head.weight" | "head.bias", number[]>;
}

interface DenseCeCase {
  batch: number;
  length: number;
  inputs: number;
  x: number[];
  targets: number[];
  params: Record<"dense.weight" | "dense.bias", number[]>;
  logits: number[];
  loss: number;
  grads: Record<"x" | "dense.weight" | "dense.bias", number[]>;
}

/** One task model in PyTorch: `length` is T for adding, the delay T for copy (`steps` = T + 20). */
interface ModelCase {
  task: GeneratedTaskName;
  cell: CellKind;
  batch: number;
  length: number;
  steps: number;
  embed: number;
  hidden: number;
  /** `[B, T, 2]` channel values (adding) or `[B, L]` symbols (copy). */
  inputs: number[];
  /** `[B]` sums (adding) or `[B, L]` symbols (copy). */
  targets: number[];
  params: Partial<Record<ParamName, number[]>>;
  /** PyTorch's layout: `[B, 1]` (adding) or `[B, L, 10]`, batch first (copy). */
  outputs: number[];
  loss: number;
  grads: Partial<Record<ParamName, number[]>>;
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/torch_tasks.json", import.meta.url)),
) as { dense_mse: DenseMseCase[]; dense_ce: DenseCeCase[]; models: ModelCase[] };

const f32 = (values: number[]) => Float32Array.from(values);

for (const c of fixture.dense_mse) {
  Deno.test(`task parity: dense [B,T,2] → MSE at every step, B=${c.batch} T=${c.length}`, () => {
    const [N, D, E] = [c.batch * c.length, 2, c.embed];
    const [x, target] = [f32(c.x), f32(c.target)];
    const [w, b] = [f32(c.params["dense.weight"]), f32(c.params["dense.bias"])];
    const [wHead, bHead] = [f32(c.params["head.weight"]), f32(c.params["head.bias"])];
    const h = new Float32Array(N * E);
    const out = new Float32Array(N);
    linearForward(h, x, w, b, N, D, E);
    linearForward(out, h, wHead, bHead, N, E, 1);
    assertClose(out, c.out, { atol: 1e-6, what: "outputs" });
    const loss = mseForward(out, target, N);
    assertClose(loss, c.loss, { atol: 1e-6, what: "loss" });

    const dout = new Float32Array(N);
    const dh = new Float32Array(N * E);
    const grads = {
      "x": new Float32Array(N * D),
      "dense.weight": new Float32Array(E * D),
      "dense.bias": new Float32Array(E),
      "head.weight": new Float32Array(E),
      "head.bias": new Float32Array(1),
    };
    mseBackward(dout, out, target, N);
    linearBackward(dh, grads["head.weight"], grads["head.bias"], dout, h, wHead, N, E, 1);
    linearBackward(grads.x, grads["dense.weight"], grads["dense.bias"], dh, x, w, N, D, E);
    for (const [name, grad] of Object.entries(grads)) {
      const expected = c.grads[name as keyof typeof grads];
      assertClose(grad, expected, { atol: 3e-7, rtol: 1e-5, what: name });
    }
  });
}

for (const c of fixture.dense_ce) {
  Deno.test(`task parity: cross-entropy at every step, B=${c.batch} T=${c.length}`, () => {
    const [N, D, C] = [c.batch * c.length, c.inputs, COPY_VOCAB];
    const [x, targets] = [f32(c.x), Int32Array.from(c.targets)];
    const [w, b] = [f32(c.params["dense.weight"]), f32(c.params["dense.bias"])];
    const logits = new Float32Array(N * C);
    const probs = new Float32Array(N * C);
    linearForward(logits, x, w, b, N, D, C);
    assertClose(logits, c.logits, { atol: 1e-6, what: "logits" });
    const loss = crossEntropyForward(probs, logits, targets, N, C);
    assertClose(loss, c.loss, { atol: 1e-6, what: "loss" });

    const dlogits = new Float32Array(N * C);
    const grads = {
      "x": new Float32Array(N * D),
      "dense.weight": new Float32Array(C * D),
      "dense.bias": new Float32Array(C),
    };
    crossEntropyBackward(dlogits, probs, targets, N, C);
    linearBackward(grads.x, grads["dense.weight"], grads["dense.bias"], dlogits, x, w, N, D, C);
    for (const [name, grad] of Object.entries(grads)) {
      const expected = c.grads[name as keyof typeof grads];
      assertClose(grad, expected, { atol: 3e-7, rtol: 1e-5, what: name });
    }
  });
}

/** The task's model with the case's PyTorch weights; every fixture tensor is one of its own. */
function modelFrom(c: ModelCase): SeqClassifier {
  const model = new SeqClassifier(taskOf(c.task).model(c.cell, c.embed, c.hidden));
  assert.deepEqual(
    Object.keys(c.params),
    model.specs.map((s) => s.name),
    "the fixture's tensors are the model's, in order",
  );
  for (const spec of model.specs) {
    const values = c.params[spec.name as ParamName]!;
    assert.equal(values.length, spec.size, `${spec.name} [${spec.shape}]`);
    model.p[spec.name as ParamName].set(values);
  }
  return model;
}

function inputsOf(c: ModelCase): Float32Array | Int32Array {
  return c.task === "adding" ? f32(c.inputs) : Int32Array.from(c.inputs);
}

function targetsOf(c: ModelCase): Float32Array | Int32Array {
  return c.task === "adding" ? f32(c.targets) : Int32Array.from(c.targets);
}

/** Our outputs in PyTorch's layout: `[T, B, C]` time-major → `[B, T, C]` for a head at every step. */
function batchMajor(outputs: Float32Array, c: ModelCase, C: number): Float32Array {
  if (c.task === "adding") return outputs.slice();
  const [B, T] = [c.batch, c.steps];
  const out = new Float32Array(B * T * C);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      out.set(outputs.subarray((t * B + b) * C, (t * B + b + 1) * C), (b * T + t) * C);
    }
  }
  return out;
}

for (const c of fixture.models) {
  const label = `task model parity ${c.task} ${c.cell} B=${c.batch} steps=${c.steps} H=${c.hidden}`;

  Deno.test(`${label}: outputs and loss equal PyTorch's, infer equals forward`, () => {
    const model = modelFrom(c);
    const C = model.config.classes;
    const [inputs, targets] = [inputsOf(c), targetsOf(c)];
    const outputs = batchMajor(model.forward(inputs, c.batch, c.steps), c, C);
    assert.equal(outputs.length, c.batch * (c.task === "copy" ? c.steps : 1) * C);
    assertClose(outputs, c.outputs, { atol: 1e-6, what: "outputs" });
    assertClose(model.lossOfLastForward(targets, c.batch, c.steps), c.loss, {
      atol: 1e-6,
      what: "loss",
    });
    assertClose(model.loss(inputs, targets, c.batch, c.steps), c.loss, {
      atol: 1e-6,
      what: "loss",
    });
    const inferred = batchMajor(model.infer(inputs, c.batch, c.steps), c, C);
    assert.deepEqual(inferred, outputs, "infer's outputs are forward's, bit for bit");
  });

  Deno.test(`${label}: every gradient equals PyTorch's`, () => {
    const model = modelFrom(c);
    const loss = model.lossAndBackward(inputsOf(c), targetsOf(c), c.batch, c.steps);
    assertClose(loss, c.loss, { atol: 1e-6, what: "loss" });
    assert.deepEqual(Object.keys(c.grads), model.specs.map((s) => s.name));
    for (const spec of model.specs) {
      const name = spec.name as ParamName;
      const expected = c.grads[name]!;
      // a gradient far above the tolerance, so that the comparison can fail
      assert.ok(
        Math.max(...expected.map(Math.abs)) > 1e-3,
        `${name}: PyTorch's gradient is not ~0`,
      );
      assertClose(model.g[name], expected, { atol: 3e-7, rtol: 1e-5, what: name });
    }
  });
}
