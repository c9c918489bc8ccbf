/**
 * Central finite differences against the hand-written backward pass, for every parameter tensor
 * of all four cells (which covers the embedding table path, the linear layers and the loss),
 * and for the kernels the model does not use directly.
 *
 * The kernels are float32, so the differences are taken with a step of 1e-2 on a small model
 * whose loss is O(1); the tolerance (5e-4 + 1e-2·|g|) is what float32 rounding and the O(ε²)
 * truncation leave. A wrong formula gives errors of the order of the gradient itself.
 */
import assert from "node:assert/strict";
import { initParams, type ParamName, SeqClassifier } from "../mod.ts";
import {
  crossEntropyBackward,
  crossEntropyForward,
  embeddingBackward,
  embeddingForward,
  linearBackward,
  linearForward,
  mseBackward,
  mseForward,
} from "../lib/nn/mod.ts";
import { MT19937 } from "../lib/data/mod.ts";
import { ADDING_CHANNELS, COPY_VOCAB, generateAdding, generateCopy } from "../lib/tasks/mod.ts";

const EPS = 1e-2;

function checkGradient(what: string, analytic: ArrayLike<number>, numeric: ArrayLike<number>) {
  let worst = 0;
  for (let k = 0; k < analytic.length; k++) {
    const a = analytic[k]!;
    const n = numeric[k]!;
    const err = Math.abs(a - n);
    assert.ok(
      err <= 5e-4 + 1e-2 * Math.abs(n),
      `${what}[${k}]: backward ${a}, finite difference ${n}`,
    );
    worst = Math.max(worst, Math.abs(n));
  }
  assert.ok(worst > 1e-3, `${what}: every gradient is ~0, the check would prove nothing`);
}

/**
 * The central finite difference (f(x + ε) − f(x − ε)) / 2ε of `loss` for each entry of `x`,
 * which is restored after each.
 */
function finiteDifferences(x: Float32Array, loss: () => number, eps = EPS): Float64Array {
  const numeric = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const saved = x[k]!;
    x[k] = saved + eps;
    const up = loss();
    x[k] = saved - eps;
    const down = loss();
    x[k] = saved;
    numeric[k] = (up - down) / (2 * eps);
  }
  return numeric;
}

for (const cell of ["lstm", "gru", "srn", "irnn"] as const) {
  Deno.test(`gradient check: every parameter of the ${cell} classifier`, () => {
    const [B, T] = [3, 5];
    const config = { cell, vocab: 5, embed: 3, hidden: 4, classes: 6 };
    // the IRNN's kernel on the SRN's random weights: its own initialisation (identity, zero
    // biases) would leave most of the recurrent gradient untested
    const initial = new SeqClassifier({ ...config, cell: cell === "irnn" ? "srn" : cell });
    initParams(initial, { init: "torch", seed: 7 });
    const model = new SeqClassifier(config, initial.params);
    // ReLU has a kink at 0: a smaller step keeps every pre-activation on its side of it
    const eps = cell === "irnn" ? 1e-3 : EPS;
    // larger weights than the default, so that every gate is exercised away from 0
    for (let k = 0; k < model.params.length; k++) model.params[k]! *= 2;
    const rng = new MT19937(11);
    const digits = Int32Array.from({ length: B * T }, () => rng.randint(0, 5));
    const labels = Int32Array.from({ length: B }, () => rng.randint(0, 6));
    model.zeroGrad();
    model.lossAndBackward(digits, labels, B, T);
    if (cell === "irnn") {
      const states = model.lastActivations().hs.subarray(B * 4, (T + 1) * B * 4);
      assert.ok(states.some((h) => h === 0) && states.some((h) => h > 0.1), "ReLU on both sides");
    }
    for (const spec of model.specs) {
      const name = spec.name as ParamName;
      const param = model.p[name];
      const numeric = finiteDifferences(param, () => model.loss(digits, labels, B, T), eps);
      checkGradient(`${cell} ${name}`, model.g[name], numeric);
    }
  });
}

Deno.test("gradient check: a frozen embedding gets no gradient, the rest is unchanged", () => {
  const model = new SeqClassifier({ cell: "lstm", vocab: 5, embed: 3, hidden: 4, classes: 6 });
  initParams(model, { init: "torch", seed: 1 });
  const digits = new Int32Array([1, 2, 3, 4, 0, 1]);
  const labels = new Int32Array([2, 5]);
  model.lossAndBackward(digits, labels, 2, 3);
  const full = new Float32Array(model.grads);
  model.zeroGrad();
  model.freezeEmbedding = true;
  model.lossAndBackward(digits, labels, 2, 3);
  assert.ok(model.g["embedding.weight"].every((v) => v === 0));
  const offset = model.specs[1]!.offset;
  assert.deepEqual(model.grads.subarray(offset), full.subarray(offset));
});

Deno.test("gradient check: softmax cross-entropy with respect to the logits", () => {
  const [B, C] = [3, 5];
  const rng = new MT19937(2);
  const logits = Float32Array.from({ length: B * C }, () => 4 * rng.random() - 2);
  const labels = new Int32Array([0, 4, 2]);
  const probs = new Float32Array(B * C);
  const dlogits = new Float32Array(B * C);
  crossEntropyForward(probs, logits, labels, B, C);
  crossEntropyBackward(dlogits, probs, labels, B, C);
  const numeric = finiteDifferences(logits, () => crossEntropyForward(probs, logits, labels, B, C));
  checkGradient("dlogits", dlogits, numeric);
});

Deno.test("gradient check: linear and embedding kernels under a random linear loss", () => {
  const [N, I, O, V] = [4, 3, 5, 6];
  const rng = new MT19937(3);
  const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * rng.random() - 1);
  const weightEmb = rand(V * I);
  const w = rand(O * I);
  const b = rand(O);
  const tokens = new Int32Array([5, 0, 5, 2]);
  const probe = rand(N * O); // loss = Σ probe ⊙ linear(embedding(tokens))
  const x = new Float32Array(N * I);
  const out = new Float32Array(N * O);
  const loss = () => {
    embeddingForward(x, weightEmb, tokens, N, I);
    linearForward(out, x, w, b, N, I, O);
    return out.reduce((s, v, k) => s + v * probe[k]!, 0);
  };
  loss();
  const dx = new Float32Array(N * I);
  const dw = new Float32Array(O * I);
  const db = new Float32Array(O);
  const demb = new Float32Array(V * I);
  linearBackward(dx, dw, db, probe, x, w, N, I, O);
  embeddingBackward(demb, dx, tokens, N, I);
  for (
    const [what, param, grad] of [["linear.weight", w, dw], ["linear.bias", b, db], [
      "embedding",
      weightEmb,
      demb,
    ]] as const
  ) {
    checkGradient(what, grad, finiteDifferences(param, loss));
  }
});

Deno.test("gradient check: input dropout under a fixed mask; p = 0 is no dropout", () => {
  const [B, T] = [3, 5];
  const model = new SeqClassifier({ cell: "lstm", vocab: 5, embed: 3, hidden: 4, classes: 6 });
  initParams(model, { init: "torch", seed: 4 });
  for (let k = 0; k < model.params.length; k++) model.params[k]! *= 2;
  const rng = new MT19937(12);
  const digits = Int32Array.from({ length: B * T }, () => rng.randint(0, 5));
  const labels = Int32Array.from({ length: B }, () => rng.randint(0, 6));
  const lossWithDrops = () => {
    const dropout = { p: 0.3, rng: new MT19937(99) }; // the same drops every call
    return model.lossAndBackward(digits, labels, B, T, { dropout });
  };
  model.zeroGrad();
  const loss = lossWithDrops();
  const analytic = new Float32Array(model.grads);
  assert.notEqual(loss, model.loss(digits, labels, B, T), "some input was dropped");
  for (const spec of model.specs) {
    const name = spec.name as ParamName;
    const param = model.p[name];
    const numeric = finiteDifferences(param, lossWithDrops);
    checkGradient(
      `dropout ${name}`,
      analytic.subarray(spec.offset, spec.offset + spec.size),
      numeric,
    );
  }
  model.zeroGrad();
  const plain = model.lossAndBackward(digits, labels, B, T);
  const plainGrads = new Float32Array(model.grads);
  model.zeroGrad();
  const zero = model.lossAndBackward(digits, labels, B, T, {
    dropout: { p: 0, rng: new MT19937(1) },
  });
  assert.equal(zero, plain);
  assert.deepEqual(model.grads, plainGrads);
});

Deno.test("gradient check: a dense input layer over [B,T,2] and an MSE head at every step", () => {
  // the adding problem's channels through x · Wᵀ + b [B·T, E], a linear head to [B·T], MSE
  const [B, T, D, E] = [3, 4, ADDING_CHANNELS, 5];
  const { inputs: x } = generateAdding(new MT19937(6), B, T);
  const rng = new MT19937(13);
  const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * rng.random() - 1);
  const [w, b, wHead, bHead, target] = [rand(E * D), rand(E), rand(E), rand(1), rand(B * T)];
  const N = B * T;
  const h = new Float32Array(N * E);
  const pred = new Float32Array(N);
  const loss = () => {
    linearForward(h, x, w, b, N, D, E);
    linearForward(pred, h, wHead, bHead, N, E, 1);
    return mseForward(pred, target, N);
  };
  loss();
  const dpred = new Float32Array(N);
  const dh = new Float32Array(N * E);
  const grads = {
    x: new Float32Array(N * D),
    w: new Float32Array(E * D),
    b: new Float32Array(E),
    wHead: new Float32Array(E),
    bHead: new Float32Array(1),
  };
  mseBackward(dpred, pred, target, N);
  linearBackward(dh, grads.wHead, grads.bHead, dpred, h, wHead, N, E, 1);
  linearBackward(grads.x, grads.w, grads.b, dh, x, w, N, D, E);
  const params = { x, w, b, wHead, bHead };
  for (const name of ["x", "w", "b", "wHead", "bHead"] as const) {
    checkGradient(`dense/MSE ${name}`, grads[name], finiteDifferences(params[name], loss));
  }
});

Deno.test("gradient check: cross-entropy at every step over [B·T, C] rows (the copy task)", () => {
  const [B, delay, D] = [2, 2, 3];
  const { targets, length: T } = generateCopy(new MT19937(8), B, delay);
  const N = B * T;
  const C = COPY_VOCAB;
  const rng = new MT19937(14);
  const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * rng.random() - 1);
  const [x, w, b] = [rand(N * D), rand(C * D), rand(C)];
  const logits = new Float32Array(N * C);
  const probs = new Float32Array(N * C);
  const loss = () => {
    linearForward(logits, x, w, b, N, D, C);
    return crossEntropyForward(probs, logits, targets, N, C);
  };
  loss();
  const dlogits = new Float32Array(N * C);
  const grads = { x: new Float32Array(N * D), w: new Float32Array(C * D), b: new Float32Array(C) };
  crossEntropyBackward(dlogits, probs, targets, N, C);
  linearBackward(grads.x, grads.w, grads.b, dlogits, x, w, N, D, C);
  const params = { x, w, b };
  for (const name of ["x", "w", "b"] as const) {
    checkGradient(`per-step CE ${name}`, grads[name], finiteDifferences(params[name], loss));
  }
});

/** The task models: a dense input with an MSE head at the last step, an embedding read at every step. */
const TASK_MODELS = [
  { name: "adding (dense input, MSE at the last step)", input: "dense", head: "last" },
  { name: "copy (embedding, cross-entropy at every step)", input: "embedding", head: "every" },
  { name: "dense input, MSE at every step", input: "dense", head: "every" },
] as const;

for (const cell of ["lstm", "gru", "srn"] as const) {
  for (const task of TASK_MODELS) {
    Deno.test(`gradient check: every parameter of the ${cell} ${task.name}`, () => {
      const [B, T, H] = [3, 5, 4];
      const dense = task.input === "dense";
      const C = dense ? 2 : 6;
      const config = {
        cell,
        vocab: dense ? 2 : 5,
        embed: dense ? 2 : 3,
        hidden: H,
        classes: C,
        input: task.input,
        head: task.head,
      };
      const model = new SeqClassifier(config);
      initParams(model, { init: "torch", seed: 8 });
      for (let k = 0; k < model.params.length; k++) model.params[k]! *= 2;
      const rng = new MT19937(21);
      const inputs = dense
        ? Float32Array.from({ length: B * T * 2 }, () => 2 * rng.random() - 1)
        : Int32Array.from({ length: B * T }, () => rng.randint(0, 5));
      const reads = task.head === "every" ? T : 1;
      const targets = dense
        ? Float32Array.from({ length: B * reads * C }, () => 2 * rng.random() - 1)
        : Int32Array.from({ length: B * reads }, (_, k) => (k % 4 === 1 ? -1 : rng.randint(0, C)));
      model.zeroGrad();
      model.lossAndBackward(inputs, targets, B, T);
      assert.equal(model.specs.some((s) => s.name === "embedding.weight"), !dense);
      for (const spec of model.specs) {
        const name = spec.name as ParamName;
        const numeric = finiteDifferences(
          model.p[name],
          () => model.loss(inputs, targets, B, T),
        );
        checkGradient(`${cell} ${task.name} ${name}`, model.g[name], numeric);
      }
    });
  }
}
