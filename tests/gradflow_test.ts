/**
 * Gradient flow through time: the per-example ∂ℓ/∂h_t that the backward pass records (the last
 * step is the linear layer's gradient, the SRN obeys its recurrence, the batch does not matter),
 * the norms, the figure, and `deno task gradflow` end to end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertClose, dataWithLength5, runScript } from "./helpers.ts";
import { parseDigitSum } from "../lib/data/reader.ts";
import { BOOK_MODEL, CELL_KINDS } from "../lib/model/config.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { gradFlowSpec } from "../lib/plot/gradflow_spec.ts";
import { renderFigure } from "../lib/plot/render.ts";
import type { JobConfig } from "../lib/run/config.ts";
import { BOOK_PRESET } from "../lib/train/config.ts";
import {
  gradFlowCsv,
  gradFlowRows,
  hiddenGradientNorms,
  hiddenGradients,
  initialModel,
} from "../lib/train/gradflow.ts";
import { readJobData } from "../lib/train/job_data.ts";

const GRADFLOW_PERMS = ["--allow-read", "--allow-write", "--allow-env"];
const T = 6;
const B = 3;
const DATA = parseDigitSum(
  "3 4 0 0 7 0\t7\n9 9 0 1 0 0\t18\n0 5 0 0 0 2\t5\n",
  "mini.txt",
);

function modelOf(cell: JobConfig["cell"]): SeqClassifier {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell, hidden: 8, embed: 6 });
  initParams(model, { init: "torch", seed: 3 });
  return model;
}

Deno.test("hiddenGradients: at the last step, B · dL/dh_T = (softmax − one-hot) · W_linear", () => {
  for (const cell of CELL_KINDS) {
    const model = modelOf(cell);
    const { hidden: H, classes: C } = model.config;
    const dh = hiddenGradients(model, DATA.digits, DATA.labels, B, T);
    const logits = model.forward(DATA.digits, B, T);
    const W = model.p["linear.weight"];
    const expected = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const row = Array.from(logits.subarray(b * C, (b + 1) * C));
      const max = Math.max(...row);
      const exps = row.map((z) => Math.exp(z - max));
      const sum = exps.reduce((a, x) => a + x, 0);
      for (let c = 0; c < C; c++) {
        const d = exps[c]! / sum - (c === DATA.labels[b] ? 1 : 0);
        for (let j = 0; j < H; j++) expected[b * H + j]! += d * W[c * H + j]!;
      }
    }
    assertClose(dh.subarray((T - 1) * B * H), expected, { atol: 1e-6, what: `${cell} dh_T` });
  }
});

for (const cell of ["srn", "irnn"] as const) {
  const derivative = cell === "srn" ? "1 − h_t²" : "[h_t > 0]";
  Deno.test(`hiddenGradients: the ${cell.toUpperCase()}'s dL/dh_{t-1} = (dL/dh_t ⊙ ${derivative}) · W_hh at every step`, () => {
    const model = modelOf(cell);
    const H = model.config.hidden;
    const dh = hiddenGradients(model, DATA.digits, DATA.labels, B, T);
    const { hs } = model.lastActivations(); // [T+1, B, H]; hs[t] is h_t, h_0 = 0
    const W = model.p["rnn.weight_hh_l0"]; // [H, H]: pre_i = Σ_j h_j W[i, j]
    for (let t = T; t >= 2; t--) {
      const expected = new Float64Array(B * H);
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < H; i++) {
          const h = hs[(t * B + b) * H + i]!;
          const slope = cell === "srn" ? 1 - h * h : h > 0 ? 1 : 0; // tanh; ReLU
          const dpre = dh[((t - 1) * B + b) * H + i]! * slope;
          for (let j = 0; j < H; j++) expected[b * H + j]! += dpre * W[i * H + j]!;
        }
      }
      const actual = dh.subarray((t - 2) * B * H, (t - 1) * B * H);
      assertClose(actual, expected, { atol: 1e-6, rtol: 1e-5, what: `dL/dh_${t - 1}` });
    }
  });
}

Deno.test("hiddenGradients is per example: one example alone gives its rows of the batch", () => {
  for (const cell of CELL_KINDS) {
    const model = modelOf(cell);
    const H = model.config.hidden;
    const batch = new Float32Array(hiddenGradients(model, DATA.digits, DATA.labels, B, T));
    const alone = hiddenGradients(
      model,
      DATA.digits.subarray(T, 2 * T),
      DATA.labels.subarray(1, 2),
      1,
      T,
    );
    for (let t = 0; t < T; t++) {
      assertClose(
        alone.subarray(t * H, (t + 1) * H),
        batch.subarray((t * B + 1) * H, (t * B + 2) * H),
        {
          atol: 1e-6,
          rtol: 1e-5,
          what: `${cell} step ${t + 1}`,
        },
      );
    }
  }
});

Deno.test("hiddenGradientNorms: the mean over examples of ‖∂ℓ/∂h_t‖, whatever the batch size", () => {
  const model = modelOf("lstm");
  const H = model.config.hidden;
  const dh = hiddenGradients(model, DATA.digits, DATA.labels, B, T);
  const expected = Array.from({ length: T }, (_, t) => {
    let sum = 0;
    for (let b = 0; b < B; b++) {
      const v = dh.subarray((t * B + b) * H, (t * B + b + 1) * H);
      sum += Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    }
    return sum / B;
  });
  assertClose(hiddenGradientNorms(model, DATA), expected, { atol: 1e-9, rtol: 1e-6 });
  assertClose(hiddenGradientNorms(model, DATA, 2), expected, { atol: 1e-7, rtol: 1e-5 });
});

Deno.test("initialModel draws the job's initialisation, forget-gate bias included", () => {
  const config: JobConfig = { ...BOOK_PRESET, cell: "lstm", length: 5, seed: 4 };
  const plain = initialModel(config);
  const biased = initialModel({ ...config, forgetBias: 1 });
  const H = plain.config.hidden;
  const a = plain.p["rnn.bias_ih_l0"];
  const b = biased.p["rnn.bias_ih_l0"];
  assertClose(b.subarray(H, 2 * H), Array.from(a.subarray(H, 2 * H), (x) => x + 1), { atol: 1e-6 });
  assert.deepEqual(Array.from(b.subarray(0, H)), Array.from(a.subarray(0, H)));
  const expected = new SeqClassifier(plain.config);
  initParams(expected, { init: "xavier", seed: 4 });
  assert.deepEqual(plain.params, expected.params);
});

Deno.test("gradFlowSpec and gradFlowCsv: a log-scale figure without warnings, one row per step", async () => {
  const flows = ["lstm", "srn"].map((cell, k) => ({
    cell,
    init: Float64Array.from({ length: 10 }, (_, t) => 10 ** (t - 9 - k)),
    trained: Float64Array.from({ length: 10 }, (_, t) => 0.5 + t / 100),
  }));
  const csv = gradFlowCsv(flows).trim().split("\n");
  assert.equal(csv.length, 21);
  assert.equal(csv[0], "cell,t,init,trained");
  assert.equal(csv[1], "lstm,1,1e-9,0.5");
  assert.equal(csv[20], "srn,10,0.1,0.59");
  const figure = await renderFigure(gradFlowSpec(gradFlowRows(flows)), { scale: 1 });
  assert.deepEqual(figure.warnings, []);
  assert.match(figure.svg, /at initialisation/);
  assert.match(figure.svg, /1e-10/);
});

Deno.test("deno task gradflow: trains when needed, writes the CSV and figure; --run reuses a run", async () => {
  const base = await Deno.makeTempDir();
  try {
    const data = await dataWithLength5(base);
    const out = join(base, "out");
    const args = ["--cell", "srn,lstm", "--length", "5", "--data", data, "--out", out];
    const first = await runScript("gradflow.ts", [...args, "--patience", "1"], GRADFLOW_PERMS);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /training srn-L5-s0, lstm-L5-s0 into/);
    assert.match(first.stdout, /SRN {3}at initialisation/);
    const csvPath = join(out, "gradflow-srn-lstm-L5.csv");
    const csv = (await Deno.readTextFile(csvPath)).trim().split("\n");
    assert.equal(csv[0], "cell,t,init,trained");
    assert.deepEqual(csv.slice(1).map((l) => l.split(",").slice(0, 2).join(",")), [
      ...[1, 2, 3, 4, 5].map((t) => `srn,${t}`),
      ...[1, 2, 3, 4, 5].map((t) => `lstm,${t}`),
    ]);
    assert.ok(csv.slice(1).every((l) => l.split(",").slice(2).every((v) => Number(v) > 0)));
    for (const ext of ["svg", "png"]) {
      assert.ok((await Deno.stat(join(out, `gradflow-srn-lstm-L5.${ext}`))).size > 1000);
    }
    // The init column is the job's own initialisation (its config.json) on the test set.
    const jobConfig = JSON.parse(
      await Deno.readTextFile(join(out, "run", "srn-L5-s0", "config.json")),
    ) as JobConfig;
    assert.equal(jobConfig.patience, 1);
    const test = (await readJobData(data, 5)).test;
    const init = hiddenGradientNorms(initialModel(jobConfig), test);
    assertClose(csv.slice(1, 6).map((l) => Number(l.split(",")[2])), init, { rtol: 1e-6 });

    // --run reads the trained jobs: the same numbers; a job that is not there is one error line.
    const other = join(base, "other");
    const fromRun = await runScript("gradflow.ts", [
      ...["--cell", "srn,lstm", "--length", "5", "--data", data, "--out", other],
      ...["--run", join(out, "run")],
    ], GRADFLOW_PERMS);
    assert.equal(fromRun.code, 0, fromRun.stderr);
    assert.doesNotMatch(fromRun.stdout, /^training /m, "nothing to train");
    assert.equal(
      await Deno.readTextFile(join(other, "gradflow-srn-lstm-L5.csv")),
      csv.join("\n") + "\n",
    );
    const missing = await runScript("gradflow.ts", [
      ...["--cell", "gru", "--length", "5", "--run", join(out, "run")],
    ], GRADFLOW_PERMS);
    assert.equal(missing.code, 1);
    const lines = missing.stderr.trim().split("\n");
    assert.equal(lines.length, 1, missing.stderr);
    assert.match(lines[0]!, /gru-L5-s0: no trained job .*train it first/);
    // The same command again reuses the trained jobs; other settings there are refused.
    const again = await runScript("gradflow.ts", [...args, "--patience", "1"], GRADFLOW_PERMS);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /^training /m);
    const clash = await runScript("gradflow.ts", [...args, "--patience", "3"], GRADFLOW_PERMS);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /was trained with other settings/);
    const noLength = await runScript("gradflow.ts", ["--cell", "srn"], GRADFLOW_PERMS);
    assert.equal(noLength.code, 2);
    assert.match(noLength.stderr, /--length is required/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
