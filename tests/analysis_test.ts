/**
 * The analysis API on the committed fixture runs (tests/fixtures/run_analysis, real checkpoints)
 * and on seeded models: opening a run, loading its models and data, collecting states, and the
 * forward hooks (ablations and state overrides) against their closed forms.
 */
import assert from "node:assert/strict";
import {
  ablateUnits,
  collectStates,
  evaluate,
  initParams,
  openRun,
  overrideState,
  parseDigitSum,
  SeqClassifier,
  traceForward,
  UserError,
  withHooks,
} from "../mod.ts";
import { assertClose } from "./helpers.ts";

const FIXTURE = "tests/fixtures/run_analysis/default";

function seededModel(cell: "lstm" | "gru" | "srn"): SeqClassifier {
  const model = new SeqClassifier({ cell, vocab: 10, embed: 4, hidden: 6, classes: 19 });
  initParams(model, { init: "torch", seed: 5 });
  return model;
}

const DATA = parseDigitSum(
  "3 4 0 7 0\t7\n9 9 0 0 2\t18\n0 5 6 0 0\t5\n1 1 0 0 0\t2\n",
  "mini.txt",
);

Deno.test("openRun: jobs, summary and configs of the fixture run", async () => {
  const run = await openRun(`${FIXTURE}/`);
  assert.equal(run.dir, FIXTURE);
  assert.equal(run.name, "default");
  assert.deepEqual(run.jobs.map((j) => j.name), [
    "lstm-L5-s0",
    "lstm-L5-s1",
    "lstm-L10-s0",
    "lstm-L10-s1",
  ]);
  const job = run.job("lstm-L10-s1");
  assert.equal(job.dir, `${FIXTURE}/lstm-L10-s1`);
  assert.deepEqual([job.config.cell, job.config.length, job.config.seed], ["lstm", 10, 1]);
  assert.throws(
    () => run.job("gru-L10-s0"),
    new UserError(
      `${FIXTURE}: has no job gru-L10-s0; it has lstm-L5-s0, lstm-L5-s1, lstm-L10-s0, lstm-L10-s1`,
    ),
  );
});

Deno.test("openRun: each best checkpoint scores its summary's dev and test accuracy", async () => {
  const run = await openRun(FIXTURE);
  for (const job of run.jobs) {
    const { model, config, metadata } = await job.loadModel();
    assert.equal(config, model.config);
    assert.equal(Number(metadata.step), job.summary.best_step, job.name);
    const test = await job.data("test");
    assert.equal(test.length, job.config.length);
    assert.equal(await job.data("test"), test, "data is read once");
    assert.equal(evaluate(model, test).accuracy, job.summary.test_acc, job.name);
    assert.equal(evaluate(model, await job.data("dev")).accuracy, job.summary.best_dev_acc);
  }
});

Deno.test("openRun: a missing run folder and a missing checkpoint are one clear line", async () => {
  await assert.rejects(
    openRun("tests/fixtures/no_such_run"),
    new UserError("tests/fixtures/no_such_run: no such run folder; run deno task train first"),
  );
  const job = (await openRun(FIXTURE)).jobs[0]!;
  await assert.rejects(job.loadModel("last"), (err: Error) => {
    assert.equal(err.name, "CheckpointError");
    assert.match(err.message, /lstm-L5-s0\/last\.safetensors/);
    return true;
  });
});

for (const cell of ["lstm", "gru", "srn"] as const) {
  Deno.test(`hooks (${cell}): a no-op hook changes no bit of the logits or states`, () => {
    const model = seededModel(cell);
    const plain = collectStates(model, DATA);
    const hooked = withHooks(model, { afterStep() {} }, () => collectStates(model, DATA));
    assert.equal(model.hooks, null);
    assert.deepEqual(hooked, plain);
  });

  Deno.test(`hooks (${cell}): ablating unit j = zeroing its recurrent and readout weights`, () => {
    const model = seededModel(cell);
    const H = model.config.hidden;
    const ablated = withHooks(model, ablateUnits([2, 4]), () => collectStates(model, DATA));
    for (let k = 0; k < ablated.h.length; k += H) {
      assert.deepEqual([ablated.h[k + 2], ablated.h[k + 4]], [0, 0]);
      if (cell === "lstm") assert.deepEqual([ablated.c[k + 2], ablated.c[k + 4]], [0, 0]);
    }
    const whh = model.p["rnn.weight_hh_l0"];
    const lw = model.p["linear.weight"];
    for (const j of [2, 4]) {
      for (let row = 0; row < whh.length / H; row++) whh[row * H + j] = 0;
      for (let row = 0; row < lw.length / H; row++) lw[row * H + j] = 0;
    }
    const pruned = collectStates(model, DATA);
    assertClose(ablated.logits, pruned.logits, { atol: 1e-6, what: `${cell} logits` });
    assert.notDeepEqual(ablated.logits, seededModel(cell).forward(DATA.digits, DATA.n, 5));
  });

  Deno.test(`hooks (${cell}): overriding the state after step 1 = starting from that prefix`, () => {
    const model = seededModel(cell);
    const prefix = traceForward(model, new Int32Array([9, 8]));
    const H = model.config.hidden;
    const h = prefix.h.subarray(H, 2 * H);
    const c = cell === "lstm" ? prefix.c.subarray(H, 2 * H) : undefined;
    const mixed = withHooks(
      model,
      overrideState(1, h, c),
      () => traceForward(model, new Int32Array([1, 2, 3, 4])),
    );
    const plain = traceForward(model, new Int32Array([9, 8, 3, 4]));
    assert.deepEqual(mixed.logits, plain.logits);
    assert.deepEqual(mixed.h.subarray(H), plain.h.subarray(H));
  });
}

Deno.test("hooks: backward passes refuse to run while hooks are set", () => {
  const model = seededModel("lstm");
  withHooks(model, ablateUnits([0]), () => {
    assert.throws(
      () => model.lossAndBackward(DATA.digits, DATA.labels, DATA.n, 5),
      new Error("lossAndBackward: backward passes do not support forward hooks"),
    );
  });
  assert.ok(model.lossAndBackward(DATA.digits, DATA.labels, DATA.n, 5) > 0);
});

Deno.test("collectStates: every example's states and logits are its own traceForward's", () => {
  for (const cell of ["lstm", "gru"] as const) {
    const model = seededModel(cell);
    const states = collectStates(model, DATA, 3); // batches of 3 and 1
    const { T, H } = states;
    for (let i = 0; i < DATA.n; i++) {
      const trace = traceForward(model, DATA.digits.subarray(i * T, (i + 1) * T));
      assertClose(states.h.subarray(i * T * H, (i + 1) * T * H), trace.h, { atol: 1e-6 });
      assertClose(states.c.subarray(i * T * H, (i + 1) * T * H), trace.c, { atol: 1e-6 });
      assertClose(states.logits.subarray(i * 19, (i + 1) * 19), trace.logits, { atol: 1e-6 });
    }
  }
});
