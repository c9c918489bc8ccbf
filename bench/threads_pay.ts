/**
 * `deno run --allow-read bench/threads_pay.ts [--points 8x16,2x32,4x32,8x24,8x32,8x64]
 * [--length 35] [--rounds 9]`: where a second thread pays — the training step (forward, loss,
 * backward, Adam) of the LSTM and GRU at each batch × hidden point on one thread and on two (a
 * `RecurrentThreads` that splits every recurrence, `minWork: 0`), the lowest of `--rounds` round
 * means (a round calls for 300 ms), taking turns. `THREADS_MIN_WORK` in lib/nn/threads.ts comes
 * from this on a quiet machine; a busy second core turns every gain into a loss.
 * @module
 */
import { parseArgs } from "node:util";
import { Adam, BOOK_MODEL, initParams, SeqClassifier } from "../mod.ts";
import { CELLS, RecurrentThreads } from "../lib/nn/mod.ts";

const { values } = parseArgs({
  options: {
    points: { type: "string", default: "8x16,2x32,4x32,8x24,8x32,8x64" },
    length: { type: "string", default: "35" },
    rounds: { type: "string", default: "9" },
  },
});
const T = Number(values.length);
const rounds = Number(values.rounds);
const points = values.points!.split(",").map((p) => p.split("x").map(Number) as [number, number]);

/** A training step of `model` on fixed digits, as a function to time. */
function stepOf(model: SeqClassifier, B: number): () => void {
  const adam = new Adam(model.params, model.grads, { lr: 0.001 });
  const digits = Int32Array.from({ length: B * T }, (_, k) => (k * 7) % 10);
  const labels = Int32Array.from({ length: B }, (_, k) => k % 19);
  return () => {
    model.zeroGrad();
    model.lossAndBackward(digits, labels, B, T);
    adam.step();
  };
}

console.log(`training step, length ${T}, ms; work = B·G·H² multiply-adds a time step`);
console.log("cell  batch hidden   work   one thread  two threads  speed-up");
for (const cell of ["lstm", "gru"] as const) {
  for (const [B, H] of points) {
    const one = new SeqClassifier({ ...BOOK_MODEL, cell, hidden: H });
    initParams(one, { init: "torch", seed: 0 });
    const two = new SeqClassifier(one.config, one.params, { shared: true });
    two.threads = new RecurrentThreads({ minWork: 0 });
    const runs = [stepOf(one, B), stepOf(two, B)];
    const best = [Infinity, Infinity];
    for (let r = 0; r < rounds; r++) {
      runs.forEach((run, i) => {
        const started = performance.now();
        let calls = 0;
        for (; calls < 3 || performance.now() - started < 300; calls++) run();
        best[i] = Math.min(best[i]!, (performance.now() - started) / calls);
      });
    }
    two.threads.close();
    const work = B * CELLS[cell].gates * H * H;
    console.log(
      `${cell.padEnd(5)} ${String(B).padStart(5)} ${String(H).padStart(6)} ${
        String(work).padStart(6)
      } ${best[0]!.toFixed(3).padStart(12)} ${best[1]!.toFixed(3).padStart(12)} ${
        (best[0]! / best[1]!).toFixed(2).padStart(8)
      }×`,
    );
  }
}
