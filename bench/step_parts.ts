/**
 * `deno run bench/step_parts.ts [--hidden 32] [--batch 8] [--length 35] [--rounds 9]`: where an
 * LSTM training step's time goes — the whole step, its forward and backward kernels, the three
 * recurrent products alone (forward `h·W_hhᵀ`, backward `dgates·W_hh`, `dW_hh += dgatesᵀ·h`), and
 * the two forward passes at batch 100 (`forward`, which keeps every step, and `infer`), each the
 * lowest of `--rounds` round means (a round calls for 200 ms, at least 3 times). What the kernels
 * spend outside the products is the elementwise work (the gates' nonlinearities, the state
 * updates). A profile by subtraction: V8's `--prof` cannot attribute Deno's optimised code here
 * (its log's V8 differs from Node's).
 * @module
 */
import { parseArgs } from "node:util";
import { Adam, BOOK_MODEL, initParams, SeqClassifier } from "../mod.ts";
import {
  lstmBackward,
  lstmForward,
  makeScratch,
  matmulATB,
  matmulBT,
  transpose,
} from "../lib/nn/mod.ts";

const { values } = parseArgs({
  options: {
    hidden: { type: "string", default: "32" },
    batch: { type: "string", default: "8" },
    length: { type: "string", default: "35" },
    rounds: { type: "string", default: "9" },
  },
});
const [H, B, T, rounds] = [values.hidden, values.batch, values.length, values.rounds].map(Number);
const G = 4 * H!;
const model = new SeqClassifier({ ...BOOK_MODEL, hidden: H! });
initParams(model, { init: "torch", seed: 0 });
const adam = new Adam(model.params, model.grads, { lr: 0.001 });
const digits = Int32Array.from({ length: B! * T! }, (_, k) => (k * 7) % 10);
const labels = Int32Array.from({ length: B! }, (_, k) => k % 19);
const evalDigits = Int32Array.from({ length: 100 * T! }, (_, k) => (k * 7) % 10);
const xp = Float32Array.from({ length: T! * B! * G }, (_, k) => Math.sin(k));
const whh = Float32Array.from({ length: G * H! }, (_, k) => Math.cos(k) / 8);
const hs = new Float32Array((T! + 1) * B! * H!);
const cs = new Float32Array(hs.length);
const acts = new Float32Array(T! * B! * G);
const tcs = new Float32Array(T! * B! * H!);
const dxp = new Float32Array(acts.length);
const dwhh = new Float32Array(whh.length);
const scratch = makeScratch(B!, H!, 4);
const dhLast = new Float32Array(B! * H!).fill(0.1);

const parts: [string, () => void][] = [
  ["training step", () => {
    model.zeroGrad();
    model.lossAndBackward(digits, labels, B!, T!);
    adam.step();
  }],
  ["  forward (model)", () => model.forward(digits, B!, T!)],
  ["forward, batch 100", () => model.forward(evalDigits, 100, T!)],
  ["infer, batch 100", () => model.infer(evalDigits, 100, T!)],
  ["  Adam", () => adam.step()],
  ["lstmForward", () => lstmForward(hs, cs, acts, tcs, xp, whh, T!, B!, H!)],
  ["  h·W_hhᵀ alone", () => {
    for (let t = 1; t < T!; t++) matmulBT(acts, t * B! * G, hs, t * B! * H!, whh, 0, B!, G, H!);
  }],
  [
    "lstmBackward",
    () => lstmBackward(dxp, dwhh, dhLast, hs, cs, acts, tcs, whh, T!, B!, H!, scratch),
  ],
  ["  dgates·W_hh alone", () => {
    transpose(scratch.whhT, whh, 0, G, H!);
    for (let t = 1; t < T!; t++) {
      matmulBT(scratch.dh, 0, dxp, t * B! * G, scratch.whhT, 0, B!, H!, G);
    }
  }],
  ["  dW_hh alone", () => matmulATB(dwhh, dxp, B! * G, hs, B! * H!, (T! - 1) * B!, G, H!)],
];
const best = new Map<string, number>();
for (let r = 0; r < rounds!; r++) {
  for (const [name, run] of parts) {
    const started = performance.now();
    let calls = 0;
    for (; calls < 3 || performance.now() - started < 200; calls++) run();
    best.set(name, Math.min(best.get(name) ?? Infinity, (performance.now() - started) / calls));
  }
}
const macs = (T! - 1) * B! * G * H!;
console.log(`LSTM, hidden ${H}, batch ${B}, length ${T}; ${macs} multiply-adds per product`);
for (const [name, ms] of best) console.log(`${name.padEnd(22)} ${ms.toFixed(3)} ms`);
