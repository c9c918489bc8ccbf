/**
 * Chrono initialisation of the gate biases: the draws' bounds and distribution, the effective
 * bias (b_ih + b_hh) equal to the draw, the job's generator, determinism, and the job configs and
 * flags that ask for it.
 */
import assert from "node:assert/strict";
import { MT19937 } from "../lib/data/mt19937.ts";
import type { CellKind } from "../lib/model/config.ts";
import { type InitOptions, initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import {
  CAPACITY_PRESET,
  initOptionsOf,
  IRNN_SETTINGS,
  jobConfigs,
  RECOMMENDED_PRESET,
} from "../lib/train/config.ts";
import { type RawFlags, readFlags } from "../lib/flags/declare.ts";
import { cellOptionsOf, INIT_FLAGS, initOptions } from "../lib/flags/train.ts";
import { UsageError } from "../lib/errors.ts";
import { runScript } from "./helpers.ts";

const CONFIG = { vocab: 10, embed: 4, classes: 19 };

function initialised(cell: CellKind, hidden: number, options: InitOptions): SeqClassifier {
  const model = new SeqClassifier({ ...CONFIG, cell, hidden });
  initParams(model, options);
  return model;
}

/**
 * A model with chrono gate biases and its twin with the scheme's constant ones (same init and
 * seed), with the chrono model's two bias vectors.
 */
function chronoAndConstant(
  cell: CellKind,
  hidden: number,
  init: InitOptions["init"],
  seed: number,
  tmax: number,
) {
  const chrono = initialised(cell, hidden, { init, seed, gateInit: "chrono", chronoTmax: tmax });
  const constant = initialised(cell, hidden, { init, seed });
  return { chrono, constant, bih: chrono.p["rnn.bias_ih_l0"], bhh: chrono.p["rnn.bias_hh_l0"] };
}

/** The H values u ~ U(1, tmax − 1) chrono draws after the scheme's own draws from `seed`. */
function expectedDraws(cell: CellKind, hidden: number, seed: number, tmax: number): number[] {
  const rng = new MT19937(seed);
  initialised(cell, hidden, { init: "xavier", seed, rng });
  return Array.from({ length: hidden }, () => 1 + rng.random() * (tmax - 2));
}

/** The job options of the initialisation flags as given on a command line. */
const initFlagOptions = (raw: RawFlags) => initOptions(readFlags(raw, INIT_FLAGS));

Deno.test("chrono LSTM: b_f = log(u), u ~ U(1, T_max − 1) per unit, b_i = −b_f; bias_hh zeroed there", () => {
  const H = 1024;
  const tmax = 100;
  const { chrono, constant, bih, bhh } = chronoAndConstant("lstm", H, "xavier", 3, tmax);
  const effective = (j: number) => bih[j]! + bhh[j]!;
  const u = Array.from({ length: H }, (_, j) => Math.exp(effective(H + j)));
  // the bounds, and a uniform spread over them (the draws are fixed by the seed)
  assert.ok(u.every((x) => x >= 1 - 1e-5 && x <= tmax - 1 + 1e-3), "u in [1, T_max − 1]");
  assert.ok(
    Math.min(...u) < 1 + 0.01 * (tmax - 2) && Math.max(...u) > tmax - 1 - 0.01 * (tmax - 2),
  );
  const mean = u.reduce((a, b) => a + b, 0) / H;
  assert.ok(Math.abs(mean - tmax / 2) < 3.5, `mean u ${mean}, expected about ${tmax / 2}`);
  // the effective bias is exactly the draw from the job's generator, after the scheme's draws
  const draws = expectedDraws("lstm", H, 3, tmax);
  for (let j = 0; j < H; j++) {
    assert.equal(bih[H + j], Math.fround(Math.log(draws[j]!)), `b_f[${j}]`);
    assert.equal(bih[j], Math.fround(-Math.log(draws[j]!)), `b_i[${j}]`);
    assert.equal(bhh[j], 0);
    assert.equal(bhh[H + j], 0);
    assert.equal(effective(j), -effective(H + j));
  }
  // the cell and output gates' biases, and every weight, are the scheme's
  const same = (name: "rnn.bias_ih_l0" | "rnn.bias_hh_l0", from: number, to: number) =>
    assert.deepEqual(chrono.p[name].slice(from, to), constant.p[name].slice(from, to), name);
  same("rnn.bias_ih_l0", 2 * H, 4 * H);
  same("rnn.bias_hh_l0", 2 * H, 4 * H);
  const biasesStart = chrono.specs[3]!.offset; // rnn.bias_ih_l0, then rnn.bias_hh_l0
  const biasesEnd = chrono.specs[5]!.offset; // linear.weight
  assert.deepEqual(chrono.params.slice(0, biasesStart), constant.params.slice(0, biasesStart));
  assert.deepEqual(chrono.params.slice(biasesEnd), constant.params.slice(biasesEnd));
});

Deno.test("chrono GRU: b_z = +log(u) with bias_hh's z slice zeroed; r and n as the scheme gives them", () => {
  const H = 64;
  const tmax = 35;
  const { chrono, constant, bih, bhh } = chronoAndConstant("gru", H, "torch", 5, tmax);
  const rng = new MT19937(5);
  initialised("gru", H, { init: "torch", seed: 5, rng });
  for (let j = 0; j < H; j++) {
    const u = 1 + rng.random() * (tmax - 2);
    assert.equal(bih[H + j]! + bhh[H + j]!, Math.fround(Math.log(u)), `b_z[${j}]`);
    assert.equal(bhh[H + j], 0);
    assert.ok(bih[H + j]! >= 0 && bih[H + j]! <= Math.log(tmax - 1));
  }
  for (const name of ["rnn.bias_ih_l0", "rnn.bias_hh_l0"] as const) {
    assert.deepEqual(chrono.p[name].slice(0, H), constant.p[name].slice(0, H), `${name} r`);
    assert.deepEqual(chrono.p[name].slice(2 * H), constant.p[name].slice(2 * H), `${name} n`);
  }
});

Deno.test("chrono is deterministic per seed; constant keeps today's bytes", () => {
  const options = { init: "xavier", gateInit: "chrono", chronoTmax: 50 } as const;
  const a = initialised("lstm", 32, { ...options, seed: 1 });
  const b = initialised("lstm", 32, { ...options, seed: 1 });
  const c = initialised("lstm", 32, { ...options, seed: 2 });
  assert.deepEqual(a.params, b.params);
  assert.notDeepEqual(a.params, c.params);
  const explicit = initialised("lstm", 32, {
    init: "xavier",
    seed: 1,
    forgetBias: 3,
    gateInit: "constant",
  });
  const implicit = initialised("lstm", 32, { init: "xavier", seed: 1, forgetBias: 3 });
  assert.deepEqual(explicit.params, implicit.params);
});

Deno.test("chrono: refused for the SRN, with constant biases, and for T_max <= 2", () => {
  const chrono = { init: "xavier", seed: 0, gateInit: "chrono", chronoTmax: 10 } as const;
  assert.throws(
    () => initialised("srn", 4, chrono),
    /chrono initialises the gates of the LSTM and GRU, not srn/,
  );
  assert.throws(
    () => initialised("lstm", 4, { ...chrono, forgetBias: 3 }),
    /forgetBias and inputBias must be 0/,
  );
  assert.throws(
    () => initialised("gru", 4, { ...chrono, chronoTmax: 2 }),
    /T_max must be a number > 2, got 2/,
  );
  assert.throws(() => initialised("lstm", 4, { ...chrono, chronoTmax: undefined }), /got NaN/);
});

Deno.test("jobConfigs: chrono jobs get T_max = length and no constant biases; constant configs unchanged", () => {
  const options = { ...CAPACITY_PRESET, ...initFlagOptions({ "gate-init": "chrono" }) };
  const jobs = jobConfigs(["lstm", "gru", "srn"], [50], [0], options);
  assert.deepEqual(
    jobs.map((j) => [j.cell, j.gateInit, j.chronoTmax, j.forgetBias, j.inputBias]),
    [["lstm", "chrono", 50, 0, 0], ["gru", "chrono", 50, 0, 0], [
      "srn",
      undefined,
      undefined,
      0,
      0,
    ]],
  );
  assert.ok(!("gateInit" in jobs[2]!), "the SRN's config has no gate-init key");
  assert.deepEqual(initOptionsOf(jobs[0]!), {
    init: "xavier",
    seed: 0,
    forgetBias: 0,
    inputBias: 0,
    rng: undefined,
    gateInit: "chrono",
    chronoTmax: 50,
  });
  const fixed = jobConfigs(["gru"], [50], [0], { ...options, chronoTmax: 20 });
  assert.equal(fixed[0]!.chronoTmax, 20);
  // without the flags, the config is what it was before chrono existed (same keys, same JSON)
  const constant = jobConfigs(["lstm"], [10], [0], {
    ...RECOMMENDED_PRESET,
    ...initFlagOptions({}),
  });
  assert.equal(
    JSON.stringify(constant[0]),
    JSON.stringify({ cell: "lstm", length: 10, seed: 0, ...RECOMMENDED_PRESET }),
  );
});

Deno.test("initFlagOptions: --chrono-tmax needs chrono and a number >= 3", () => {
  assert.deepEqual(initFlagOptions({ "gate-init": "chrono", "chrono-tmax": "1000" }), {
    gateInit: "chrono",
    chronoTmax: 1000,
  });
  assert.deepEqual(initFlagOptions({ "gate-init": "constant" }), {});
  assert.throws(
    () => initFlagOptions({ "chrono-tmax": "100" }),
    (err: Error) =>
      err instanceof UsageError && err.message === "--chrono-tmax needs --gate-init chrono",
  );
  assert.throws(
    () => initFlagOptions({ "gate-init": "chrono", "chrono-tmax": "2" }),
    /--chrono-tmax expects a number in \[3, 1000000000\], got "2"/,
  );
  assert.throws(
    () => initFlagOptions({ "gate-init": "warm" }),
    /--gate-init expects one of constant\|chrono, got "warm"/,
  );
});

Deno.test({
  name:
    "deno task train --gate-init chrono: the job's and the run's config.json say chrono; the IRNN's its settings",
  ignore: Deno.permissions.querySync({ name: "run" }).state !== "granted",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const args = [
        "--lengths",
        "5",
        "--cells",
        "gru,irnn",
        "--epochs",
        "1",
        "--eval-steps",
        "1000",
      ];
      const result = await runScript(
        "train.ts",
        [...args, "--gate-init", "chrono", "--out", dir, "--workers", "1"],
        ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"],
      );
      assert.equal(result.code, 0, result.stderr);
      const config = JSON.parse(await Deno.readTextFile(`${dir}/gru-L5-s0/config.json`));
      assert.equal(config.gateInit, "chrono");
      assert.equal(config.chronoTmax, 5);
      assert.equal(config.forgetBias, 0);
      const run = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
      assert.equal(run.gateInit, "chrono");
      const irnn = JSON.parse(await Deno.readTextFile(`${dir}/irnn-L5-s0/config.json`));
      const irnnSettings = [irnn.gateInit, irnn.lr, irnn.clip, irnn.inputDropout];
      assert.deepEqual(irnnSettings, [undefined, 0.001, 10, 0]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("IRNN init: W_hh = I · scale, zero biases, W_ih ~ N(0, 0.001²) after the scheme's draws", () => {
  const H = 64;
  for (const irnnScale of [undefined, 0.5]) {
    const model = initialised("irnn", H, { init: "xavier", seed: 9, irnnScale });
    const whh = model.p["rnn.weight_hh_l0"];
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < H; j++) assert.equal(whh[i * H + j], i === j ? irnnScale ?? 1 : 0);
    }
    assert.ok(model.p["rnn.bias_ih_l0"].every((b) => b === 0));
    assert.ok(model.p["rnn.bias_hh_l0"].every((b) => b === 0));
    // the embedding and linear layer are the scheme's, as the SRN's of the same seed
    const srn = initialised("srn", H, { init: "xavier", seed: 9 });
    for (const name of ["embedding.weight", "linear.weight", "linear.bias"] as const) {
      assert.deepEqual(model.p[name], srn.p[name], name);
    }
    // the input weights: the next normal draws of the job's generator, times 0.001
    const rng = new MT19937(9);
    initialised("srn", H, { init: "xavier", seed: 9, rng });
    const wih = model.p["rnn.weight_ih_l0"];
    for (let k = 0; k < wih.length; k++) {
      assert.equal(wih[k], Math.fround(0.001 * rng.standardNormal()), `W_ih[${k}]`);
    }
    const std = Math.sqrt(wih.reduce((s, w) => s + w * w, 0) / wih.length);
    assert.ok(Math.abs(std - 0.001) < 0.0002, `std ${std}`);
  }
  assert.throws(
    () => initialised("srn", 4, { init: "xavier", seed: 0, irnnScale: 2 }),
    /irnnScale applies to the IRNN only, not srn/,
  );
  assert.throws(
    () => initialised("irnn", 4, { init: "xavier", seed: 0, forgetBias: 1 }),
    /forgetBias applies to the LSTM and GRU, not irnn/,
  );
});

Deno.test("jobConfigs: the IRNN's jobs take IRNN_SETTINGS unless given as flags, and alone keep irnnScale", () => {
  const options = { ...CAPACITY_PRESET, ...initFlagOptions({ "irnn-scale": "0.9" }) };
  const jobs = jobConfigs(["lstm", "srn", "irnn"], [50], [0], options, cellOptionsOf({}));
  assert.deepEqual(
    jobs.map((j) => [j.cell, j.lr, j.clip, j.inputDropout, j.irnnScale, j.forgetBias]),
    [
      ["lstm", 0.003, 0, 0.05, undefined, 3],
      ["srn", 0.003, 0, 0.05, undefined, 0],
      ["irnn", 0.001, 10, 0, 0.9, 0],
    ],
  );
  // the same keys in the same order as any other job's config
  assert.deepEqual(Object.keys(jobs[2]!), [...Object.keys(jobs[1]!), "irnnScale"]);
  const given = jobConfigs(
    ["irnn"],
    [50],
    [0],
    { ...CAPACITY_PRESET, clip: 5 },
    cellOptionsOf({ clip: "5" }),
  );
  assert.deepEqual([given[0]!.lr, given[0]!.clip], [IRNN_SETTINGS.lr, 5]);
  assert.deepEqual(cellOptionsOf({ lr: "0.01", "input-dropout": "0.1" }), { irnn: { clip: 10 } });
  assert.deepEqual(initOptionsOf(jobs[2]!).irnnScale, 0.9);
  assert.ok(
    !("irnnScale" in jobConfigs(["irnn"], [50], [0], CAPACITY_PRESET)[0]!),
    "default: absent",
  );
  assert.deepEqual(initFlagOptions({ "irnn-scale": "1" }), {});
  assert.throws(
    () => initFlagOptions({ "irnn-scale": "-1" }),
    /--irnn-scale expects a number in \[0, 10\], got "-1"/,
  );
});
