/**
 * The adding and copy generators: their layout, their reproducibility, and their memoryless
 * baselines measured on samples (the adding baseline within sampling error of 1/6; the copy
 * baseline's logits scoring exactly 10 · ln 8 / (T + 20) under the cross-entropy kernel).
 */
import assert from "node:assert/strict";
import { MT19937 } from "../lib/data/mod.ts";
import { crossEntropyForward } from "../lib/nn/mod.ts";
import {
  ADDING_BASELINE_MSE,
  addingBaselineMse,
  COPY_DELIMITER,
  COPY_VOCAB,
  copyBaseline,
  copyBaselineLogits,
  copyLength,
  generateAdding,
  generateCopy,
} from "../lib/tasks/mod.ts";

Deno.test("adding: one marker in each half, values in [0, 1], target the marked sum", () => {
  for (const T of [2, 5, 10, 101]) {
    const { inputs, targets, batch, length } = generateAdding(new MT19937(3), 200, T);
    assert.equal(batch, 200);
    assert.equal(length, T);
    assert.equal(inputs.length, 200 * T * 2);
    const half = Math.floor(T / 2);
    for (let b = 0; b < 200; b++) {
      const marked: number[] = [];
      for (let t = 0; t < T; t++) {
        const value = inputs[(b * T + t) * 2]!;
        const marker = inputs[(b * T + t) * 2 + 1]!;
        assert.ok(value >= 0 && value <= 1, `value ${value}`);
        assert.ok(marker === 0 || marker === 1, `marker ${marker}`);
        if (marker === 1) marked.push(t);
      }
      assert.equal(marked.length, 2, `T=${T} example ${b}: two markers`);
      assert.ok(marked[0]! < half && marked[1]! >= half, `T=${T}: markers at ${marked}`);
      const sum = inputs[(b * T + marked[0]!) * 2]! + inputs[(b * T + marked[1]!) * 2]!;
      assert.equal(targets[b], Math.fround(sum));
    }
  }
});

Deno.test("adding: the marker steps are uniform within each half", () => {
  const [B, T] = [40_000, 10];
  const { inputs } = generateAdding(new MT19937(5), B, T);
  const counts = new Array<number>(T).fill(0);
  for (let k = 0; k < B * T; k++) if (inputs[2 * k + 1] === 1) counts[k % T]!++;
  // each step of a half is marked in 1/5 of the examples: 8000 ± 80 (one standard deviation)
  for (const count of counts) assert.ok(Math.abs(count - B / 5) < 500, `counts ${counts}`);
});

Deno.test("adding: the same seed gives the same bytes, another seed other ones", () => {
  const a = generateAdding(new MT19937(7), 8, 30);
  const b = generateAdding(new MT19937(7), 8, 30);
  const c = generateAdding(new MT19937(8), 8, 30);
  assert.deepEqual(a.inputs, b.inputs);
  assert.deepEqual(a.targets, b.targets);
  assert.notDeepEqual(a.inputs, c.inputs);
  // two batches in a row from one generator are two different batches
  const rng = new MT19937(7);
  generateAdding(rng, 8, 30);
  assert.notDeepEqual(generateAdding(rng, 8, 30).targets, a.targets);
});

Deno.test("adding: the memoryless baseline's MSE on 100,000 examples is 1/6", () => {
  const { targets } = generateAdding(new MT19937(1), 100_000, 10);
  const mse = addingBaselineMse(targets);
  // (y − 1)² has standard deviation 0.197, so the mean of 100,000 is within ±0.0006 (1 s.d.)
  assert.ok(Math.abs(mse - ADDING_BASELINE_MSE) < 0.003, `baseline MSE ${mse}`);
  let mean = 0;
  for (const y of targets) mean += y / targets.length;
  assert.ok(Math.abs(mean - 1) < 0.005, `mean target ${mean}`);
});

Deno.test("adding: bad sizes are refused with what was expected", () => {
  assert.throws(() => generateAdding(new MT19937(0), 1, 1), /length must be an integer >= 2/);
  assert.throws(() => generateAdding(new MT19937(0), 0, 10), /batch must be an integer >= 1/);
  assert.throws(() => addingBaselineMse(new Float32Array(0)), /at least one value/);
});

Deno.test("copy: symbols, T − 1 blanks, the delimiter, 10 blanks; the symbols at the end", () => {
  const T = 100;
  const { inputs, targets, length, batch, delay } = generateCopy(new MT19937(2), 50, T);
  assert.deepEqual([batch, delay, length], [50, 100, 120]);
  assert.equal(copyLength(T), 120);
  for (let b = 0; b < 50; b++) {
    const x = Array.from(inputs.subarray(b * 120, (b + 1) * 120));
    const y = Array.from(targets.subarray(b * 120, (b + 1) * 120));
    const symbols = x.slice(0, 10);
    assert.ok(symbols.every((s) => s >= 1 && s <= 8), `symbols ${symbols}`);
    assert.deepEqual(x.slice(10), [
      ...new Array(99).fill(0),
      COPY_DELIMITER,
      ...new Array(10).fill(0),
    ]);
    assert.deepEqual(y, [...new Array(110).fill(0), ...symbols]);
  }
});

Deno.test("copy: the symbols are uniform over 1–8; the same seed gives the same bytes", () => {
  const { inputs } = generateCopy(new MT19937(4), 8_000, 1);
  const counts = new Array<number>(COPY_VOCAB).fill(0);
  for (let b = 0; b < 8_000; b++) {
    for (let k = 0; k < 10; k++) counts[inputs[b * 21 + k]!]!++;
  }
  assert.equal(counts[0], 0);
  assert.equal(counts[9], 0);
  // 80,000 draws: 10,000 ± 94 (one standard deviation) per symbol
  for (let s = 1; s <= 8; s++) assert.ok(Math.abs(counts[s]! - 10_000) < 500, `counts ${counts}`);
  assert.deepEqual(generateCopy(new MT19937(9), 4, 50), generateCopy(new MT19937(9), 4, 50));
  assert.notDeepEqual(generateCopy(new MT19937(9), 4, 50), generateCopy(new MT19937(10), 4, 50));
});

Deno.test("copy: the baseline is 10 · ln 8 / (T + 20), the values of Arjovsky et al.", () => {
  const quoted: [number, number][] = [[100, 0.1733], [200, 0.0945], [500, 0.0400], [1000, 0.0204]];
  for (const [T, value] of quoted) {
    assert.equal(copyBaseline(T).toFixed(4), value.toFixed(4), `T=${T}`);
    assert.equal(copyBaseline(T), (10 * Math.log(8)) / (T + 20));
  }
});

Deno.test("copy: the memoryless distribution scores the baseline under per-step cross-entropy", () => {
  for (const T of [1, 100, 500]) {
    const B = 16;
    const { targets, length: L } = generateCopy(new MT19937(T), B, T);
    const one = copyBaselineLogits(T);
    const logits = new Float32Array(B * L * COPY_VOCAB);
    for (let b = 0; b < B; b++) logits.set(one, b * L * COPY_VOCAB);
    const probs = new Float32Array(logits.length);
    // the loss kernel over [B·L, 10] rows: the mean over every step of every example
    const loss = crossEntropyForward(probs, logits, targets, B * L, COPY_VOCAB);
    assert.ok(Math.abs(loss - copyBaseline(T)) < 1e-12, `T=${T}: ${loss} vs ${copyBaseline(T)}`);
    // the same logits on targets one step late: a symbol where a blank is certain
    const late = new Int32Array(targets.length);
    late.set(targets.subarray(0, targets.length - 1), 1);
    assert.equal(crossEntropyForward(probs, logits, late, B * L, COPY_VOCAB), Infinity);
  }
});

Deno.test("copy: bad sizes are refused with what was expected", () => {
  assert.throws(() => generateCopy(new MT19937(0), 1, 0), /delay must be an integer >= 1/);
  assert.throws(() => generateCopy(new MT19937(0), 1.5, 10), /batch must be an integer >= 1/);
  assert.throws(() => copyBaseline(-3), /delay must be an integer >= 1/);
});
