/**
 * `deno run bench/matmul_rate.ts [--rounds 30]`: the achieved rate, in G multiply-adds a second, of
 * the three matrix products of an LSTM training step at batch 8, length 35 — forward `h·W_hhᵀ`
 * (`[8,H]·[4H,H]ᵀ`), backward `dgates·W_hh` (`[8,4H]·[H,4H]ᵀ`) and `dW_hh += dgatesᵀ·h`
 * (34·8 rows) — at hidden 32, 64, 128 and 256, and of the forward product at batch 100. Each rate
 * is from the quickest of `rounds` timings of about 2 ms of calls (short rounds slip between the
 * bursts of a busy machine).
 */
import { runMain } from "../lib/cli.ts";
import { matmulATB, matmulBT } from "../lib/nn/matmul.ts";

function filled(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => Math.fround(Math.sin(k * 1.7)));
}

/** G multiply-adds a second of `fn` (`macs` a call): the lowest of `rounds` timings. */
function rate(fn: () => void, macs: number, rounds: number): number {
  const calls = Math.max(1, Math.round(6e6 / macs)); // about 2 ms at 3 G/s
  for (let i = 0; i < calls; i++) fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, (performance.now() - t0) / calls);
  }
  return macs / best / 1e6;
}

/** The declaration of `bench/matmul_rate.ts`. */
const MATMUL_RATE = {
  name: "deno run bench/matmul_rate.ts",
  flags: {
    rounds: { type: "int", default: 30, min: 1, help: "timings per product; the quickest counts" },
  },
} as const;

await runMain(MATMUL_RATE, ({ flags: { rounds } }) => {
  console.log("G multiply-adds/s   forward  backward      dW  forward, batch 100");
  for (const H of [32, 64, 128, 256]) {
    const [B, N] = [8, 34 * 8];
    const w = filled(4 * H * H);
    const out = new Float32Array(100 * 4 * H);
    const h = filled(N * H);
    const gates = filled(N * 4 * H);
    const dw = new Float32Array(4 * H * H);
    const fwd = rate(() => matmulBT(out, 0, h, 0, w, 0, B, 4 * H, H), B * 4 * H * H, rounds);
    const bwd = rate(() => matmulBT(out, 0, gates, 0, w, 0, B, H, 4 * H), B * 4 * H * H, rounds);
    const dW = rate(() => matmulATB(dw, gates, 0, h, 0, N, 4 * H, H), N * 4 * H * H, rounds);
    const f100 = rate(() => matmulBT(out, 0, h, 0, w, 0, 100, 4 * H, H), 100 * 4 * H * H, rounds);
    console.log(
      `hidden ${String(H).padStart(3)} ${
        [fwd, bwd, dW].map((g) => g.toFixed(2).padStart(9)).join("")
      } ${f100.toFixed(2).padStart(19)}`,
    );
  }
  return Promise.resolve();
});
