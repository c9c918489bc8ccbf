/**
 * `SeqClassifier.infer`, the forward pass that keeps one step's state: the same logits as
 * `forward`, bit for bit, for every cell, odd sizes, one and two threads, and without disturbing a
 * forward pass's activations that a backward pass still needs.
 */
import assert from "node:assert/strict";
import { CELL_KINDS, initParams, SeqClassifier } from "../mod.ts";
import { RecurrentThreads } from "../lib/nn/mod.ts";
import { MT19937 } from "../lib/data/mod.ts";

const SIZES = [
  { hidden: 5, embed: 3, B: 1, T: 1 },
  { hidden: 7, embed: 4, B: 3, T: 2 },
  { hidden: 33, embed: 32, B: 101, T: 12 },
  { hidden: 32, embed: 32, B: 100, T: 35 },
];

function digitsOf(B: number, T: number, seed: number): Int32Array {
  const rng = new MT19937(seed);
  return Int32Array.from({ length: B * T }, () => rng.randint(0, 10));
}

for (const cell of CELL_KINDS) {
  Deno.test(`infer: ${cell} gives forward's logits, bit for bit, at odd sizes`, () => {
    for (const { hidden, embed, B, T } of SIZES) {
      const model = new SeqClassifier({ cell, vocab: 10, embed, hidden, classes: 19 });
      initParams(model, { init: "torch", seed: 1 });
      const digits = digitsOf(B, T, hidden);
      const kept = Array.from(model.forward(digits, B, T));
      const inferred = Array.from(model.infer(digits, B, T));
      assert.equal(inferred.length, B * 19);
      assert.ok(inferred.every((v, k) => Object.is(v, kept[k])), `${cell} h${hidden} B${B} T${T}`);
    }
  });
}

Deno.test("infer: on two threads (B = 100 and 101) the same bits as forward on one", () => {
  for (const cell of ["lstm", "gru"] as const) {
    for (const B of [100, 101]) {
      const config = { cell, vocab: 10, embed: 32, hidden: 32, classes: 19 };
      const one = new SeqClassifier(config);
      initParams(one, { init: "torch", seed: 2 });
      const two = new SeqClassifier(config, one.params, { shared: true });
      two.threads = new RecurrentThreads();
      try {
        const digits = digitsOf(B, 20, B);
        const kept = Array.from(one.forward(digits, B, 20));
        const inferred = Array.from(two.infer(digits, B, 20));
        assert.ok(inferred.every((v, k) => Object.is(v, kept[k])), `${cell} B${B}`);
        // a training pass (batch 8) and inference (batch B) take turns on the same threads
        two.lossAndBackward(digits.subarray(0, 8 * 20), new Int32Array(8), 8, 20);
        assert.ok(Array.from(two.infer(digits, B, 20)).every((v, k) => Object.is(v, kept[k])));
      } finally {
        two.threads.close();
      }
    }
  }
});

Deno.test("infer between forward and backwardFrom leaves the backward's result unchanged", () => {
  const config = { cell: "lstm" as const, vocab: 10, embed: 8, hidden: 6, classes: 19 };
  const model = new SeqClassifier(config);
  initParams(model, { init: "torch", seed: 3 });
  const digits = digitsOf(2, 7, 4);
  const dlogits = Float32Array.from({ length: 2 * 19 }, (_, k) => (k % 5) - 2);
  model.forward(digits, 2, 7);
  const alone = Array.from(model.backwardFrom(digits, dlogits, 2, 7));
  const gradsAlone = Array.from(model.grads);
  model.zeroGrad();
  model.forward(digits, 2, 7);
  model.infer(digitsOf(5, 3, 9), 5, 3);
  const between = Array.from(model.backwardFrom(digits, dlogits, 2, 7));
  assert.deepEqual(between, alone);
  assert.deepEqual(Array.from(model.grads), gradsAlone);
});

Deno.test("infer with forward hooks runs forward, so the hooks apply", () => {
  const config = { cell: "lstm" as const, vocab: 10, embed: 8, hidden: 6, classes: 19 };
  const model = new SeqClassifier(config);
  initParams(model, { init: "torch", seed: 5 });
  const digits = digitsOf(3, 6, 6);
  const plain = Array.from(model.infer(digits, 3, 6));
  model.hooks = { afterStep: (_t, h) => h.fill(0) };
  const hooked = Array.from(model.infer(digits, 3, 6));
  model.hooks = null;
  const bias = Array.from(model.p["linear.bias"]);
  assert.deepEqual(hooked, [...bias, ...bias, ...bias]); // h_T = 0: the logits are the bias
  assert.notDeepEqual(plain, hooked);
});

Deno.test("infer refuses a batch larger than its digits", () => {
  const model = new SeqClassifier({ cell: "gru", vocab: 10, embed: 4, hidden: 4, classes: 19 });
  assert.throws(
    () => model.infer(new Int32Array(5), 2, 3),
    new RangeError("infer needs B·T = 2·3 digits, got 5"),
  );
});
