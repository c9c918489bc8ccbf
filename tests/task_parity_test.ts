/**
 * PyTorch parity of the adding and copy tasks' building blocks (fixtures:
 * tests/fixtures/make_torch_task_fixtures.py): a dense input layer over real-valued channels
 * (`linearForward` over the [B·T, D] rows), an MSE head at every step, and cross-entropy at every
 * step over [B·T, C] logits, each with its outputs, loss and every gradient.
 */
import {
  crossEntropyBackward,
  crossEntropyForward,
  linearBackward,
  linearForward,
  mseBackward,
  mseForward,
} from "../lib/nn/mod.ts";
import { COPY_VOCAB } from "../lib/tasks/mod.ts";
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

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/torch_tasks.json", import.meta.url)),
) as { dense_mse: DenseMseCase[]; dense_ce: DenseCeCase[] };

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
