/**
 * The memory curve (lib/analysis/memory_curve.ts) against what theory says it must be: a linear
 * network with an orthogonal recurrence holds N, a delay line holds exactly its length, a noisy
 * copy of the input scores 1/(1 + σ²), and no network — untrained or trained — exceeds N.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MT19937 } from "../lib/data/mt19937.ts";
import { memoryCurve, modelMemoryCurve } from "../lib/analysis/memory_curve.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { initialModel } from "../lib/train/gradflow.ts";
import { CAPACITY_PRESET, IRNN_SETTINGS, jobConfigs } from "../lib/train/config.ts";
import { runScript } from "./helpers.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { taskOf } from "../lib/tasks/task.ts";

/** A random orthogonal matrix `[N, N]` (Gram–Schmidt on Gaussian columns), float64. */
function randomOrthogonal(N: number, rng: MT19937): Float64Array {
  const Q = Float64Array.from({ length: N * N }, () => rng.standardNormal());
  for (let j = 0; j < N; j++) { // column j
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < N; i++) dot += Q[i * N + j]! * Q[i * N + k]!;
      for (let i = 0; i < N; i++) Q[i * N + j]! -= dot * Q[i * N + k]!;
    }
    let norm = 0;
    for (let i = 0; i < N; i++) norm += Q[i * N + j]! ** 2;
    for (let i = 0; i < N; i++) Q[i * N + j]! /= Math.sqrt(norm);
  }
  return Q;
}

Deno.test("memory curve: a linear network with a random orthogonal recurrence reaches N within 2 %", () => {
  const rng = new MT19937(1);
  const N = 32, T = 64, n = 16000;
  const Q = randomOrthogonal(N, rng);
  const w = Float64Array.from({ length: N }, () => rng.standardNormal());
  const inputs = Float64Array.from({ length: n * T }, () => rng.standardNormal());
  const states = new Float64Array(n * N);
  const h = new Float64Array(N);
  const next = new Float64Array(N);
  for (let s = 0; s < n; s++) {
    h.fill(0);
    for (let t = 0; t < T; t++) { // h_t = Q h_{t−1} + w u_t
      for (let i = 0; i < N; i++) {
        let sum = w[i]! * inputs[s * T + t]!;
        for (let j = 0; j < N; j++) sum += Q[i * N + j]! * h[j]!;
        next[i] = sum;
      }
      h.set(next);
    }
    states.set(h, s * N);
  }
  const curve = memoryCurve(states, inputs, n, N, T);
  assert.ok(curve.capacity <= N, `MC ${curve.capacity} > N`);
  assert.ok(curve.capacity >= 0.98 * N, `MC ${curve.capacity.toFixed(3)} < 0.98 N = ${0.98 * N}`);
});

Deno.test("memory curve: a noisy copy of the last input scores 1/(1 + σ²), older inputs 0", () => {
  const rng = new MT19937(2);
  const n = 20000, T = 3, sigma = 0.5;
  const inputs = Float64Array.from({ length: n * T }, () => rng.standardNormal());
  const states = Float64Array.from(
    { length: n },
    (_, s) => inputs[s * T + T - 1]! + sigma * rng.standardNormal(),
  );
  const curve = memoryCurve(states, inputs, n, 1, T);
  assert.ok(Math.abs(curve.r2[0]! - 1 / (1 + sigma ** 2)) < 0.01, `r²(0) = ${curve.r2[0]}`);
  assert.ok(curve.r2[1]! < 0.001 && curve.r2[2]! < 0.001, `r² = ${curve.r2}`);
  assert.deepEqual([curve.fitted, curve.scored, curve.units], [15000, 5000, 1]);
});

Deno.test("memory curve: refuses too few sequences and delays beyond the sequence", () => {
  const zeros = new Float64Array(100);
  assert.throws(() => memoryCurve(zeros, zeros, 10, 8, 10), /10 sequences are too few for 8 units/);
  assert.throws(() => memoryCurve(zeros, zeros, 10, 1, 10, { delays: 11 }), /delays 11 not in/);
});

Deno.test("memory curve: untrained cells and a trained LSTM hold at most N", async () => {
  for (const cell of ["lstm", "gru", "srn", "irnn"] as const) {
    const [config] = jobConfigs([cell], [50], [0], CAPACITY_PRESET, { irnn: IRNN_SETTINGS });
    const model = initialModel(config!);
    for (const target of ["one-hot", "value"] as const) {
      const curve = modelMemoryCurve(model, { length: 50, sequences: 1200, target });
      assert.equal(curve.bound, target === "value" ? 32 : 32 / 9);
      assert.ok(
        curve.capacity > 0.3 && curve.capacity <= curve.bound,
        `${cell}: ${curve.capacity}`,
      );
    }
  }
  const { model } = await loadCheckpoint(
    "tests/fixtures/run_analysis/default/lstm-L10-s0/best.safetensors",
  );
  const trained = modelMemoryCurve(model, { length: 40, sequences: 1200 });
  assert.ok(trained.capacity > 0.2 && trained.capacity <= trained.bound, `${trained.capacity}`);
  // deterministic for a seed
  assert.deepEqual(modelMemoryCurve(model, { length: 40, sequences: 1200 }), trained);
});

Deno.test("deno task memory-curve: csv, json and figure for a checkpoint; bad flags are one line", async () => {
  const out = await Deno.makeTempDir();
  try {
    const checkpoint = "tests/fixtures/run_analysis/default/lstm-L10-s0/best.safetensors";
    const run = await runScript("memory_curve.ts", [
      ...["--checkpoint", checkpoint, "--length", "30", "--sequences", "800", "--out", out],
    ], ["--allow-read", "--allow-write"]);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(await Deno.readTextFile(join(out, "memory_curve.json")));
    const csv = (await Deno.readTextFile(join(out, "memory_curve.csv"))).trim().split("\n");
    assert.equal(csv[0], "delay,r2");
    assert.equal(csv.length, 31);
    const sum = csv.slice(1).reduce((a, line) => a + Number(line.split(",")[1]), 0);
    assert.ok(Math.abs(sum - json.capacity) < 1e-3 * 30, `${sum} vs ${json.capacity}`);
    assert.equal(json.units, 32);
    assert.equal(json.target, "one-hot");
    assert.match(
      run.stdout,
      new RegExp(`memory capacity ${json.capacity.toFixed(2)}, at most 3.56`),
    );
    const png = await Deno.readFile(join(out, "memory_curve.png"));
    assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]); // "PNG"
    const bad = await runScript("memory_curve.ts", ["--length", "0"]);
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr.split("\n")[0],
      'error: --length expects an integer in [2, 100000], got "0"',
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("memory curve: a model with a dense input is driven on every channel and holds at most N/D", () => {
  for (const cell of ["lstm", "gru", "srn", "irnn"] as const) {
    const model = new SeqClassifier(taskOf("adding").model(cell, 2, 12));
    initParams(model, { init: "xavier", seed: 1 });
    const curve = modelMemoryCurve(model, { length: 30, sequences: 1500 });
    assert.deepEqual([curve.units, curve.bound, curve.r2.length], [12, 6, 30]);
    assert.ok(curve.capacity > 0.2 && curve.capacity <= curve.bound, `${cell}: ${curve.capacity}`);
    // the last step's input is read best (the IRNN's identity recurrence sums its inputs instead)
    if (cell !== "irnn") {
      assert.ok(curve.r2[0]! >= Math.max(...curve.r2.slice(5)), `${cell}: ${curve.r2}`);
    }
  }
});

Deno.test("deno task memory-curve --run: every job's capacity in memory_curves.csv", async () => {
  const base = await Deno.makeTempDir();
  try {
    const run = join(base, "run");
    await Deno.mkdir(run);
    const fixture = "tests/fixtures/run_analysis/default";
    for (const job of ["lstm-L5-s0", "lstm-L10-s1"]) {
      await Deno.mkdir(join(run, job));
      for (const file of ["config.json", "best.safetensors"]) {
        await Deno.copyFile(join(fixture, job, file), join(run, job, file));
      }
    }
    const flags = ["--run", run, "--length", "20", "--sequences", "600"];
    const done = await runScript("memory_curve.ts", flags, ["--allow-read", "--allow-write"]);
    assert.equal(done.code, 0, done.stderr);
    const csv = (await Deno.readTextFile(join(run, "memory_curves.csv"))).trim().split("\n");
    assert.equal(csv[0], "cell,length,seed,units,bound,capacity,share_of_bound");
    for (const [i, job] of ["lstm-L5-s0", "lstm-L10-s1"].entries()) {
      const { model } = await loadCheckpoint(join(run, job, "best.safetensors"));
      const curve = modelMemoryCurve(model, { length: 20, sequences: 600 });
      const fields = csv[i + 1]!.split(",");
      assert.deepEqual(fields.slice(0, 4), [
        "lstm",
        job.includes("L5") ? "5" : "10",
        job.at(-1),
        "32",
      ]);
      assert.equal(Number(fields[5]), Number(curve.capacity.toPrecision(6)));
      assert.ok(Number(fields[5]) <= Number(fields[4]));
    }
    const two = await runScript("memory_curve.ts", ["--run", run, "--cell", "lstm"]);
    assert.deepEqual([two.code, two.stderr.split("\n")[0]], [
      2,
      "error: give one of --checkpoint FILE, --run DIR or --cell CELL",
    ]);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
