/**
 * Adding a cell takes a kernel pair and a row in the table of cells (lib/nn/cells.ts). This test
 * does just that for a toy gated cell: its kernels are below, its record is put into `CELLS` at
 * run time (what a row in cells.ts does), and then the unchanged model, initialisation, tracing,
 * gate figure and training job run it by looking it up: a cell name tested on any of these paths
 * would break them. (Each test file runs in its own isolate, so the other files see the table as
 * lib/nn/cells.ts writes it.)
 *
 * The toy cell (two gate blocks, z and n, in that order):
 *
 *     z = σ(x W_zᵀ + b_z + h U_zᵀ)   n = tanh(x W_nᵀ + b_n + h U_nᵀ)   h' = (1 − z) ⊙ n + z ⊙ h
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MT19937 } from "../lib/data/mt19937.ts";
import { exportOnnx } from "../lib/io/onnx.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { traceForward } from "../lib/model/forward_trace.ts";
import { sigmoid, tanh } from "../lib/nn/activations.ts";
import { type Cell, CELL_KINDS, type CellBuffers, type CellKind, CELLS } from "../lib/nn/cells.ts";
import { Adam } from "../lib/optim/adam.ts";
import { gateSeries } from "../lib/plot/checkpoint_panels.ts";
import { jobConfigs, RECOMMENDED_PRESET } from "../lib/train/config.ts";
import { runJob } from "../lib/train/job.ts";
import { readJobData } from "../lib/train/job_data.ts";

/**
 * One step of the batch rows [lo, hi): `a [B,2H]` = `x [B,2H]` + `h [B,H]` · W_hhᵀ, then z, n
 * into `acts [B,2H]` and h' into `out [B,H]` (offsets in elements).
 */
function toyStep(
  out: Float32Array,
  o: number,
  acts: Float32Array,
  ao: number,
  x: Float32Array,
  xo: number,
  h: Float32Array,
  ho: number,
  whh: Float32Array,
  H: number,
  lo: number,
  hi: number,
): void {
  for (let b = lo; b < hi; b++) {
    for (let g = 0; g < 2 * H; g++) {
      let s = x[xo + b * 2 * H + g]!;
      for (let k = 0; k < H; k++) s += whh[g * H + k]! * h[ho + b * H + k]!;
      acts[ao + b * 2 * H + g] = g < H ? sigmoid(s) : tanh(s);
    }
    for (let j = 0; j < H; j++) {
      const z = acts[ao + b * 2 * H + j]!;
      const n = acts[ao + b * 2 * H + H + j]!;
      out[o + b * H + j] = (1 - z) * n + z * h[ho + b * H + j]!;
    }
  }
}

/** Forward over steps from … T−1: `xp [T,B,2H]` → `hs [T+1,B,H]`, `acts [T,B,2H]`. */
function toyForward(b: CellBuffers, T: number, B: number, H: number, from = 0, lo = 0, hi = B) {
  const BH = B * H;
  if (from === 0) b.hs.fill(0, lo * H, hi * H);
  for (let t = from; t < T; t++) {
    toyStep(
      b.hs,
      (t + 1) * BH,
      b.acts,
      2 * t * BH,
      b.xp,
      2 * t * BH,
      b.hs,
      t * BH,
      b.whh,
      H,
      lo,
      hi,
    );
  }
}

/** Inference: the same steps on one step's state, `inferH [2,B,H]`, from the `table` rows. */
function toyInfer(b: CellBuffers, T: number, B: number, H: number, lo = 0, hi = B) {
  const BH = B * H;
  b.inferH.fill(0, lo * H, hi * H);
  for (let t = 0; t < T; t++) {
    const prev = (t & 1) * BH;
    for (let r = lo; r < hi; r++) {
      const row = b.tokens[r * T + t]! * 2 * H;
      b.inferXp.set(b.table.subarray(row, row + 2 * H), r * 2 * H);
    }
    toyStep(b.inferH, BH - prev, b.inferActs, 0, b.inferXp, 0, b.inferH, prev, b.whh, H, lo, hi);
  }
}

/** BPTT from `dhLast [B,H]`: `dxp [T,B,2H]`, dL/dW_hh added to `dwhh`; `dhOut` as the others. */
function toyBackward(b: CellBuffers, T: number, B: number, H: number, dhOut: Float32Array | null) {
  const BH = B * H;
  const { dh, dh2 } = b;
  dh.set(b.dhLast.subarray(0, BH));
  for (let t = T - 1; t >= 0; t--) {
    if (dhOut) dhOut.set(dh.subarray(0, BH), t * BH);
    const a = 2 * t * BH;
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < H; j++) {
        const z = b.acts[a + r * 2 * H + j]!;
        const n = b.acts[a + r * 2 * H + H + j]!;
        const h = b.hs[t * BH + r * H + j]!;
        const d = dh[r * H + j]!;
        b.dxp[a + r * 2 * H + j] = d * (h - n) * z * (1 - z);
        b.dxp[a + r * 2 * H + H + j] = d * (1 - z) * (1 - n * n);
        dh2[r * H + j] = d * z;
      }
      for (let g = 0; g < 2 * H; g++) {
        const da = b.dxp[a + r * 2 * H + g]!;
        for (let k = 0; k < H; k++) {
          dh2[r * H + k]! += da * b.whh[g * H + k]!;
          b.dwhh[g * H + k]! += da * b.hs[t * BH + r * H + k]!;
        }
      }
    }
    dh.set(dh2.subarray(0, BH));
  }
}

const TOY = "toy" as CellKind;

/** The toy cell's row of the table. */
const TOY_CELL: Cell = {
  kind: TOY,
  label: "Toy",
  color: "#17becf",
  gates: 2,
  gateNames: ["keep", "new"],
  gateLetters: ["z", "n"],
  shownGates: ["keep"],
  cellState: false,
  foldsRecurrentBias: true,
  keepGate: 0,
  inputGate: null,
  identityInit: false,
  torch: null,
  onnx: null,
  trainSizes: () => ({ cs: 0, tcs: 0, hp: 0, dhp: 0 }),
  inferSizes: (B, H) => ({
    inferC: 0,
    inferActs: 2 * B * H,
    inferTcs: 0,
    inferXp: 2 * B * H,
    inferHp: 0,
  }),
  forward: toyForward,
  infer: toyInfer,
  backward: toyBackward,
  split: null,
};

// what a row in lib/nn/cells.ts does
(CELLS as Record<string, Cell>)[TOY] = TOY_CELL;
(CELL_KINDS as CellKind[]).push(TOY);

const CONFIG = { cell: TOY, vocab: 5, embed: 3, hidden: 4, classes: 6 };

Deno.test("toy cell: the model's backward through the table matches finite differences", () => {
  const [B, T, eps] = [3, 5, 1e-2];
  const model = new SeqClassifier(CONFIG);
  initParams(model, { init: "torch", seed: 7, forgetBias: 0.5 });
  for (let k = 0; k < model.params.length; k++) model.params[k]! *= 2; // gates away from 0
  const rng = new MT19937(11);
  const digits = Int32Array.from({ length: B * T }, () => rng.randint(0, 5));
  const labels = Int32Array.from({ length: B }, () => rng.randint(0, 6));
  model.zeroGrad();
  model.lossAndBackward(digits, labels, B, T);
  const analytic = Float64Array.from(model.grads);
  let largest = 0;
  for (let k = 0; k < model.params.length; k++) {
    const keep = model.params[k]!;
    model.params[k] = keep + eps;
    const up = model.loss(digits, labels, B, T);
    model.params[k] = keep - eps;
    const down = model.loss(digits, labels, B, T);
    model.params[k] = keep;
    const numeric = (up - down) / (2 * eps);
    const name = model.specs.findLast((s) => s.offset <= k)!.name;
    assert.ok(
      Math.abs(analytic[k]! - numeric) <= 5e-4 + 1e-2 * Math.abs(numeric),
      `${name} [${k}]: backward ${analytic[k]}, finite difference ${numeric}`,
    );
    largest = Math.max(largest, Math.abs(numeric));
  }
  assert.ok(largest > 1e-2, `every gradient is ~0 (largest ${largest})`);
});

Deno.test("toy cell: infer gives forward's logits bit for bit; hooks see each step", () => {
  const model = new SeqClassifier(CONFIG);
  initParams(model, { init: "torch", seed: 3 });
  const digits = Int32Array.from({ length: 4 * 7 }, (_, k) => (3 * k) % 5);
  const kept = Array.from(model.forward(digits, 4, 7));
  assert.deepEqual(Array.from(model.infer(digits, 4, 7)), kept);
  const steps: number[] = [];
  model.hooks = { afterStep: (t, _h, c) => steps.push(c === null ? t : -1) };
  assert.deepEqual(Array.from(model.forward(digits, 4, 7)), kept);
  assert.deepEqual(steps, [0, 1, 2, 3, 4, 5, 6]);
});

Deno.test("toy cell: initialisation, tracing and the gate figure read its row", () => {
  const model = new SeqClassifier(CONFIG);
  initParams(model, { init: "zeros", seed: 0, forgetBias: 2 });
  // the keep gate is block 0: forgetBias lands in b_ih[0:H]
  assert.deepEqual(Array.from(model.p["rnn.bias_ih_l0"]), [2, 2, 2, 2, 0, 0, 0, 0]);
  const trace = traceForward(model, new Int32Array([1, 2, 0]));
  assert.deepEqual(Object.keys(trace.gates), ["keep", "new"]);
  assert.equal(trace.gates.keep![0], Math.fround(sigmoid(2))); // z = σ(2) at step 1 (zero weights)
  assert.equal(trace.c.length, 0);
  assert.deepEqual(gateSeries(trace).map((s) => s.name), ["keep gate", "hidden-state norm"]);
  assert.throws(
    () => initParams(new SeqClassifier(CONFIG), { init: "zeros", seed: 0, inputBias: 1 }),
    /inputBias applies to the LSTM only, not toy/,
  );
  assert.throws(
    () => exportOnnx(CONFIG, new Map()),
    /ONNX has no operator for the Toy cell/,
  );
});

Deno.test("toy cell: Adam lowers the loss on a fixed batch", () => {
  const [B, T] = [8, 5];
  const model = new SeqClassifier(CONFIG);
  initParams(model, { init: "torch", seed: 1 });
  const adam = new Adam(model.params, model.grads, { lr: 0.01 });
  const digits = Int32Array.from({ length: B * T }, (_, k) => (7 * k + 1) % 5);
  const labels = Int32Array.from(
    { length: B },
    (_, b) => (digits[b * T]! + digits[b * T + 1]!) % 6,
  );
  const losses: number[] = [];
  for (let step = 0; step < 300; step++) {
    model.zeroGrad();
    losses.push(model.lossAndBackward(digits, labels, B, T));
    adam.step();
  }
  assert.ok(losses[0]! > 1, `first loss ${losses[0]}`);
  assert.ok(losses.at(-1)! < 0.01, `last loss ${losses.at(-1)}`);
});

Deno.test("toy cell: a training job runs it and writes its run folder", async () => {
  const dir = await Deno.makeTempDir();
  const data = await readJobData("datasets", 5);
  const [config] = jobConfigs([TOY], [5], [0], { ...RECOMMENDED_PRESET, epochs: 2, evalSteps: 50 });
  assert.equal(config!.forgetBias, RECOMMENDED_PRESET.forgetBias); // it has a keep gate
  assert.equal(config!.inputBias, 0); // and no input gate
  const result = runJob(config!, data, dir);
  assert.equal(result.cell, TOY);
  assert.ok(result.steps > 0 && Number.isFinite(result.test_acc), JSON.stringify(result));
  const files = [...Deno.readDirSync(join(dir))].map((e) => e.name).sort();
  assert.ok(files.includes("metrics.csv") && files.includes("best.safetensors"), `${files}`);
  await Deno.remove(dir, { recursive: true });
});
