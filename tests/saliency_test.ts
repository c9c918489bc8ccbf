/**
 * Input saliency against central finite differences of one logit, and the split backward pass
 * (`backwardFrom`) against `lossAndBackward`, bit for bit.
 *
 * Every digit appears once in the test sequence, so moving one embedding row moves exactly one
 * input's embedding e_t. Step 1e-2 on float32 kernels: the tolerance (5e-4 + 1e-2·|g|) is the
 * one the parameter gradient check uses.
 */
import assert from "node:assert/strict";
import { initParams, inputSaliency, SeqClassifier } from "../mod.ts";
import { crossEntropyBackward, crossEntropyForward } from "../lib/nn/mod.ts";

const EPS = 1e-2;
const DIGITS = new Int32Array([3, 7, 0, 9, 1, 5, 8, 2, 6, 4]); // each digit once

function smallModel(cell: "lstm" | "gru" | "srn"): SeqClassifier {
  const model = new SeqClassifier({ cell, vocab: 10, embed: 4, hidden: 5, classes: 7 });
  initParams(model, { init: "torch", seed: 3 });
  for (let k = 0; k < model.params.length; k++) model.params[k]! *= 2;
  return model;
}

for (const cell of ["lstm", "gru", "srn"] as const) {
  Deno.test(`inputSaliency (${cell}): the L2 norm of finite differences of the logit`, () => {
    const model = smallModel(cell);
    const T = DIGITS.length;
    const E = model.config.embed;
    for (const target of [undefined, 2]) {
      const out = inputSaliency(model, DIGITS, target);
      const logits = model.forward(DIGITS, 1, T);
      if (target === undefined) {
        const best = logits.indexOf(Math.max(...logits));
        assert.equal(out.target, best, "target defaults to the predicted class");
      } else assert.equal(out.target, target);
      assert.deepEqual([...out.logits], [...logits]);
      const emb = model.p["embedding.weight"];
      for (let t = 0; t < T; t++) {
        let sq = 0;
        for (let e = 0; e < E; e++) {
          const k = DIGITS[t]! * E + e;
          const saved = emb[k]!;
          emb[k] = saved + EPS;
          const up = model.forward(DIGITS, 1, T)[out.target]!;
          emb[k] = saved - EPS;
          const down = model.forward(DIGITS, 1, T)[out.target]!;
          emb[k] = saved;
          sq += ((up - down) / (2 * EPS)) ** 2;
        }
        const numeric = Math.sqrt(sq);
        const err = Math.abs(out.saliency[t]! - numeric);
        assert.ok(
          err <= 5e-4 + 1e-2 * numeric,
          `${cell} t=${t}: saliency ${out.saliency[t]}, finite difference ${numeric}`,
        );
      }
      assert.ok(Math.max(...out.saliency) > 1e-2, "saliency ~0: the check would prove nothing");
    }
  });
}

Deno.test("inputSaliency leaves model.grads unchanged and rejects a target out of range", () => {
  const model = smallModel("lstm");
  model.grads.fill(0.25);
  inputSaliency(model, DIGITS);
  assert.ok(model.grads.every((g) => g === 0.25));
  assert.throws(
    () => inputSaliency(model, DIGITS, 7),
    new RangeError("inputSaliency: target must be a class in 0..6, got 7"),
  );
});

for (const cell of ["lstm", "gru", "srn"] as const) {
  Deno.test(`backwardFrom (${cell}) with the cross-entropy's dlogits equals lossAndBackward`, () => {
    const model = smallModel(cell);
    const [B, T, C] = [2, 5, 7];
    const labels = new Int32Array([4, 1]);
    model.zeroGrad();
    model.lossAndBackward(DIGITS, labels, B, T);
    const expected = model.grads.slice();
    model.zeroGrad();
    const logits = model.forward(DIGITS, B, T);
    const probs = new Float32Array(B * C);
    const dlogits = new Float32Array(B * C);
    crossEntropyForward(probs, logits, labels, B, C);
    crossEntropyBackward(dlogits, probs, labels, B, C);
    model.backwardFrom(DIGITS, dlogits, B, T);
    assert.deepEqual(model.grads, expected);
    assert.throws(
      () => model.backwardFrom(DIGITS, dlogits, 1, T),
      new RangeError("backwardFrom(B=1, T=5) after a forward pass of B=2, T=5"),
    );
  });
}
