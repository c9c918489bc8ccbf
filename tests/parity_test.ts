/**
 * PyTorch parity: the same weights and inputs give PyTorch's logits, loss, gradients and the
 * parameters after two Adam / AdamW+clip steps (fixtures: tests/fixtures/make_torch_fixtures.py;
 * the IRNN's, nn.RNN with ReLU, computed in float64).
 */
import assert from "node:assert/strict";
import {
  Adam,
  BOOK_MODEL,
  type CellKind,
  clipGradNorm,
  type ParamName,
  SeqClassifier,
} from "../mod.ts";
import { assertClose } from "./helpers.ts";

interface StepsFixture {
  losses: number[];
  params: Record<ParamName, number[]>;
}
interface Case {
  cell: CellKind;
  batch: number;
  length: number;
  digits: number[];
  labels: number[];
  params: Record<ParamName, number[]>;
  logits: number[];
  loss: number;
  grads: Record<ParamName, number[]>;
  adam: StepsFixture;
  adamw_clip: StepsFixture;
}

function loadCases(cell: CellKind): Case[] {
  const url = new URL(`./fixtures/torch_${cell}.json`, import.meta.url);
  return (JSON.parse(Deno.readTextFileSync(url)) as { cases: Case[] }).cases;
}

function modelFrom(c: Case): SeqClassifier {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell: c.cell });
  for (const spec of model.specs) {
    model.p[spec.name as ParamName].set(c.params[spec.name as ParamName]);
  }
  return model;
}

function trainTwoSteps(c: Case, weightDecay: number, clip: number | null): number[] {
  const model = modelFrom(c);
  const adam = new Adam(model.params, model.grads, { lr: 0.01, weightDecay });
  const digits = Int32Array.from(c.digits);
  const labels = Int32Array.from(c.labels);
  const losses: number[] = [];
  for (let step = 0; step < 2; step++) {
    model.zeroGrad();
    losses.push(model.lossAndBackward(digits, labels, c.batch, c.length));
    if (clip !== null) clipGradNorm(model.grads, clip);
    adam.step();
  }
  return [...losses, ...model.params];
}

function flatten(model: SeqClassifier, byName: Record<ParamName, number[]>): number[] {
  return model.specs.flatMap((s) => byName[s.name as ParamName]);
}

for (const cell of ["lstm", "gru", "srn", "irnn"] as const) {
  for (const c of loadCases(cell)) {
    const label = `${cell} B=${c.batch} T=${c.length}`;

    Deno.test(`parity ${label}: logits and loss equal PyTorch's`, () => {
      const model = modelFrom(c);
      const digits = Int32Array.from(c.digits);
      const logits = model.forward(digits, c.batch, c.length);
      assertClose(logits, c.logits, { atol: 1e-6, what: "logits" });
      const loss = model.loss(digits, Int32Array.from(c.labels), c.batch, c.length);
      assertClose(loss, c.loss, { atol: 1e-6, what: "loss" });
    });

    Deno.test(`parity ${label}: every gradient equals PyTorch's`, () => {
      const model = modelFrom(c);
      model.lossAndBackward(
        Int32Array.from(c.digits),
        Int32Array.from(c.labels),
        c.batch,
        c.length,
      );
      for (const spec of model.specs) {
        const name = spec.name as ParamName;
        assertClose(model.g[name], c.grads[name], { atol: 3e-7, rtol: 1e-5, what: name });
      }
    });

    Deno.test(`parity ${label}: two Adam steps equal PyTorch's`, () => {
      const model = modelFrom(c);
      const expected = [...c.adam.losses, ...flatten(model, c.adam.params)];
      assertClose(trainTwoSteps(c, 0, null), expected, { atol: 3e-6, what: "loss, loss, params" });
    });

    Deno.test(`parity ${label}: two AdamW steps with clipping equal PyTorch's`, () => {
      const model = modelFrom(c);
      const expected = [...c.adamw_clip.losses, ...flatten(model, c.adamw_clip.params)];
      assertClose(trainTwoSteps(c, 0.1, 0.5), expected, { atol: 3e-6, what: "loss, loss, params" });
    });
  }
}

Deno.test("parity fixtures hold PyTorch's parameter names and shapes", () => {
  const c = loadCases("lstm")[0]!;
  const model = modelFrom(c);
  for (const spec of model.specs) {
    assert.equal(c.params[spec.name as ParamName].length, spec.size, spec.name);
  }
});
