/**
 * Digit-sum accuracy without sampling error: the input space holds every (pair, noise position,
 * noise value) once, the book's test lines are in it, a sample of it is seeded, and a trained
 * model's exact accuracy lies in the interval its sample gives.
 */
import assert from "node:assert/strict";
import { inputSpace, inputSpaceSize } from "../lib/data/input_space.ts";
import { readDigitSum } from "../lib/data/reader.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { argmaxRows, evaluate, predict } from "../lib/train/evaluate.ts";
import { evaluateInputSpace, SUM_ENTROPY, wilsonInterval } from "../lib/train/space_accuracy.ts";

const CHECKPOINT = "tests/fixtures/run_analysis/default/lstm-L10-s0/best.safetensors";

const rowsOf = (d: { digits: Int32Array; n: number; length: number }) =>
  Array.from(
    { length: d.n },
    (_, i) => d.digits.subarray(i * d.length, (i + 1) * d.length).join(" "),
  );

Deno.test("input space: every pair, noise position and value once, the book's test lines among them", async () => {
  const { data, exhaustive } = inputSpace(10);
  assert.equal(exhaustive, true);
  assert.equal(data.n, inputSpaceSize(10));
  const seen = new Map<string, number>();
  for (const row of rowsOf(data)) seen.set(row, (seen.get(row) ?? 0) + 1);
  // noise value 0 at any of the 8 positions is the plain pair: 100 sequences seen 8 times each
  assert.equal(seen.size, 100 * 8 * 9 + 100);
  assert.equal([...seen.values()].filter((c) => c === 8).length, 100);
  for (let i = 0; i < data.n; i++) {
    assert.equal(data.labels[i], data.digits[i * 10]! + data.digits[i * 10 + 1]!);
  }
  const test = await readDigitSum("datasets/10/test.txt");
  for (const row of rowsOf(test)) assert.ok(seen.has(row), row);
});

Deno.test("input space: past 10,000 sequences a seeded sample of 10,000", () => {
  const a = inputSpace(100, { seed: 3 });
  const b = inputSpace(100, { seed: 3 });
  assert.equal(a.exhaustive, false);
  assert.equal(a.data.n, 10_000);
  assert.deepEqual(a.data.digits, b.data.digits);
  assert.notDeepEqual(inputSpace(100, { seed: 4 }).data.digits, a.data.digits);
  for (const row of rowsOf(a.data)) {
    const noise = row.split(" ").slice(2).filter((d) => d !== "0");
    assert.ok(noise.length <= 1, row);
  }
  assert.throws(() => inputSpace(2), /length 2 must be an integer >= 3/);
});

Deno.test("input space: a trained LSTM's exact accuracy, its 100 test examples among them, and a sample's interval", async () => {
  const { model } = await loadCheckpoint(CHECKPOINT);
  const exact = evaluateInputSpace(model, 10);
  assert.equal(exact.exhaustive, true);
  // the same answers by the training forward pass, one sequence at a time
  const { data } = inputSpace(10);
  let correct = 0;
  for (let i = 0; i < data.n; i += 400) {
    const logits = model.forward(data.digits.subarray(i * 10, (i + 1) * 10), 1, 10);
    if (argmaxRows(logits, 19)[0] === data.labels[i]) correct++;
  }
  assert.ok(Math.abs(correct / 20 - exact.accuracy) < 0.25, `${correct}/20 vs ${exact.accuracy}`);
  // the book's 100 test examples are part of the space: their accuracy is the job's test_acc
  const book = evaluate(model, await readDigitSum("datasets/10/test.txt"));
  const result = JSON.parse(
    await Deno.readTextFile("tests/fixtures/run_analysis/default/lstm-L10-s0/result.json"),
  );
  assert.equal(book.accuracy, result.test_acc);
  assert.equal(exact.information, SUM_ENTROPY - exact.loss);
  // at length 13 the space (11,000) is sampled: the exact value lies in the sample's interval
  const full = evaluateInputSpace(model, 13, { limit: 11_000 });
  const sample = evaluateInputSpace(model, 13);
  assert.deepEqual([full.exhaustive, sample.exhaustive, sample.n], [true, false, 10_000]);
  assert.ok(
    sample.interval[0] <= full.accuracy && full.accuracy <= sample.interval[1],
    `${full.accuracy} not in ${sample.interval}`,
  );
  const width = sample.interval[1] - sample.interval[0];
  const book100 = wilsonInterval(sample.accuracy, 100);
  assert.ok(width <= (book100[1] - book100[0]) / 2, "at least half as wide as 100 examples give");
});

Deno.test("input space: the memory share counts noise at position >= 4 or a noise value of 0", async () => {
  const { model } = await loadCheckpoint(CHECKPOINT);
  const exact = evaluateInputSpace(model, 10);
  // 100 pairs × (6 positions ≥ 4 × 10 values + 2 adjacent positions × the value 0)
  assert.equal(exact.memory.n, 6200);
  assert.deepEqual(exact.memory.interval, [exact.memory.accuracy, exact.memory.accuracy]);
  const { data } = inputSpace(10);
  const preds = argmaxRows(predict(model, data), 19);
  let right = 0;
  for (let i = 0; i < data.n; i++) {
    const row = data.digits.subarray(i * 10, (i + 1) * 10);
    const adjacent = row[2] !== 0 || row[3] !== 0;
    if (!adjacent && preds[i] === data.labels[i]) right++;
  }
  assert.equal(exact.memory.accuracy, right / 6200);
  const sample = evaluateInputSpace(model, 13);
  // 92 of the 110 (position, value) pairs at length 13 are memory ones: 0.836, sd 0.004 here
  assert.ok(sample.memory.n > 0.8 * 10_000 && sample.memory.n < 0.87 * 10_000);
  const [low, high] = sample.memory.interval;
  assert.ok(low < sample.memory.accuracy && sample.memory.accuracy < high);
});
