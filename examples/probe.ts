/**
 * Question: how long do the two digits stay readable? A linear probe (softmax regression, fit with
 * our own Adam on the training set's states) decodes the first and the second digit from the cell
 * state c_t and the hidden state h_t at every step; the table gives its test accuracy.
 *
 * Command: deno run --allow-read examples/probe.ts [runs/default] [lstm-L35-s0]
 *
 * Answer on the default run (lstm-L35-s0, test accuracy 0.97; 2026-12-02): right after each digit
 * is seen, the probe reads it perfectly from c_t and h_t (1.00); then it fades. The first digit
 * stays ≥ 0.90 from c_t up to step 14 and ends at 0.71 (0.46 from h_t) at step 35; the second
 * ends at 0.56 (c) and 0.39 (h); chance is 0.10. The network is right on 97% all the same, so at
 * the end it does not hold each digit in a linear code of its own (it holds their sum, or a
 * nonlinear code): c_t keeps more of them than h_t at every step.
 */
import { Adam, argmaxRows, collectStates, openRun, type StateSet } from "../mod.ts";
import {
  crossEntropyBackward,
  crossEntropyForward,
  linearBackward,
  linearForward,
} from "../lib/nn/mod.ts";

const run = await openRun(Deno.args[0] ?? "runs/default");
const job = Deno.args[1] ? run.job(Deno.args[1]) : run.jobs.at(-1)!;
const { model } = await job.loadModel();
const [train, test] = [await job.data("train"), await job.data("test")];
const states = { train: collectStates(model, train), test: collectStates(model, test) };
const { T, H } = states.train;

/** Rows `[n, H]` of state `which` at step t. */
function features(set: StateSet, which: "c" | "h", t: number): Float32Array {
  const x = new Float32Array(set.n * H);
  for (let i = 0; i < set.n; i++) {
    x.set(set[which].subarray((i * T + t) * H, (i * T + t + 1) * H), i * H);
  }
  return x;
}

/** Fit a softmax probe H → 10 on the training states; its accuracy on the test states. */
function probe(which: "c" | "h", t: number, digit: 0 | 1): number {
  const x = features(states.train, which, t);
  const y = Int32Array.from({ length: train.n }, (_, i) => train.digits[i * T + digit]!);
  const params = new Float32Array(10 * H + 10), grads = new Float32Array(params.length);
  const [w, b] = [params.subarray(0, 10 * H), params.subarray(10 * H)];
  const [dw, db] = [grads.subarray(0, 10 * H), grads.subarray(10 * H)];
  const adam = new Adam(params, grads, { lr: 0.05 });
  const logits = new Float32Array(train.n * 10), probs = new Float32Array(train.n * 10);
  for (let step = 0; step < 200; step++) {
    linearForward(logits, x, w, b, train.n, H, 10);
    crossEntropyForward(probs, logits, y, train.n, 10);
    crossEntropyBackward(logits, probs, y, train.n, 10); // logits now hold dlogits
    grads.fill(0);
    linearBackward(null, dw, db, logits, x, w, train.n, H, 10);
    adam.step();
  }
  const xt = features(states.test, which, t), out = new Float32Array(test.n * 10);
  linearForward(out, xt, w, b, test.n, H, 10);
  const preds = argmaxRows(out, 10);
  return preds.filter((p, i) => p === test.digits[i * T + digit]).length / test.n;
}

console.log(`${job.name}: test accuracy of a linear probe for each digit, from c_t and h_t`);
console.log("  t  first:c  first:h  second:c  second:h");
for (let t = 0; t < T; t++) {
  const accs = [probe("c", t, 0), probe("h", t, 0), probe("c", t, 1), probe("h", t, 1)];
  const cells = accs.map((a, k) => (t < k >> 1 ? "·" : a.toFixed(2)).padStart(k < 2 ? 8 : 9));
  console.log(String(t + 1).padStart(3), ...cells);
}
