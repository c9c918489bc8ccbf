/**
 * Every example of examples/ runs on the committed fixture runs (tests/fixtures/run_analysis)
 * with the command its header gives, and prints what the library computes independently here.
 */
import assert from "node:assert/strict";
import {
  ablateUnits,
  argmaxRows,
  evaluate,
  noisePosition,
  openRun,
  predict,
  withHooks,
} from "../mod.ts";

const RUN = "tests/fixtures/run_analysis/default";
const BOOK = "tests/fixtures/run_analysis/book";

async function example(name: string, ...args: string[]): Promise<string[]> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-read", `examples/${name}`, ...args],
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `${name} failed:\n${new TextDecoder().decode(stderr)}`);
  return text.trimEnd().split("\n");
}

const row = (lines: string[], start: string) => {
  const line = lines.find((l) => l.trimStart().startsWith(start));
  assert.ok(line, `no line starting with "${start}" in:\n${lines.join("\n")}`);
  return line.trim().split(/\s+/);
};

Deno.test("examples/noise_confusion.ts: the errors at noise positions 2–3 of every job", async () => {
  const lines = await example("noise_confusion.ts", RUN);
  const run = await openRun(RUN);
  let [n, errors, nElse, errorsElse] = [0, 0, 0, 0];
  for (const job of run.jobs) {
    const { model } = await job.loadModel();
    const test = await job.data("test");
    const preds = argmaxRows(predict(model, test), 19);
    let [jn, je] = [0, 0];
    for (let i = 0; i < test.n; i++) {
      const p = noisePosition(test.digits, i, test.length);
      const wrong = preds[i] !== test.labels[i] ? 1 : 0;
      if (p === 2 || p === 3) [jn, je] = [jn + 1, je + wrong];
      else [nElse, errorsElse] = [nElse + 1, errorsElse + wrong];
    }
    assert.equal(row(lines, job.name)[1], `${je}/${jn}`);
    [n, errors] = [n + jn, errors + je];
  }
  const all = row(lines, "all jobs");
  assert.deepEqual(all.slice(2, 4), [`${errors}/${n}`, `${errorsElse}/${nElse}`]);
  const kinds = all.slice(4).map(Number);
  assert.equal(kinds.length, 4);
  assert.equal(kinds.reduce((a, b) => a + b), errors, "every error is of one kind");
  assert.ok(errors > 0);
});

Deno.test("examples/probe.ts: both digits are readable right after they are seen", async () => {
  const lines = await example("probe.ts", RUN, "lstm-L10-s0");
  assert.equal(
    lines[0],
    "lstm-L10-s0: test accuracy of a linear probe for each digit, from c_t and h_t",
  );
  assert.equal(lines.length, 2 + 10);
  assert.deepEqual(row(lines, "1 ").slice(3), ["·", "·"], "no second digit at step 1");
  const step2 = row(lines, "2 ").slice(1).map(Number);
  assert.ok(step2.every((acc) => acc >= 0.9), `step 2: ${step2}`);
  const step10 = row(lines, "10 ").slice(1).map(Number);
  assert.ok(step10.every((acc) => acc > 0.2 && acc <= 1), `step 10: ${step10}`); // chance: 0.1
});

Deno.test("examples/ablate_units.ts: the unit whose ablation costs most, and what it costs", async () => {
  const lines = await example("ablate_units.ts", RUN, "lstm-L10-s0");
  const job = (await openRun(RUN)).job("lstm-L10-s0");
  const { model } = await job.loadModel();
  const test = await job.data("test");
  const base = evaluate(model, test).accuracy;
  assert.equal(
    lines[0],
    `lstm-L10-s0: test accuracy ${base.toFixed(2)}; one unit ablated at a time`,
  );
  const lost = Array.from(
    { length: 32 },
    (_, j) => base - withHooks(model, ablateUnits([j]), () => evaluate(model, test).accuracy),
  );
  assert.equal(lines[1], "unit  accuracy lost  r(first digit)  r(second digit)  holds");
  const [unit, printed] = lines[2]!.trim().split(/\s+/);
  assert.equal(printed, lost[Number(unit)]!.toFixed(2));
  assert.equal(Number(printed), Number(Math.max(...lost).toFixed(2)));
  assert.match(lines.at(-1)!, /^units whose final state follows the sum: (\d+, )*\d+$/);
});

Deno.test("examples/saliency.ts: the two digits draw more saliency than any other position", async () => {
  const lines = await example("saliency.ts", RUN, "lstm-L10-s0");
  const rows = lines.slice(2).map((l) => l.trim().split(/\s+/));
  assert.deepEqual(rows.map((r) => r[0]), ["2", "3", "4", "5", "≥6", "none"]);
  assert.equal(rows.reduce((sum, r) => sum + Number(r[1]), 0), 100, "every test sequence");
  for (const [group, , first, second, noise, other] of rows) {
    assert.ok(Number(first) > Number(other) && Number(second) > Number(other), `noise ${group}`);
    assert.equal(noise === "·", group === "none");
  }
});

Deno.test("examples/compare_runs.ts: accuracies of both runs and a bootstrap interval", async () => {
  const lines = await example("compare_runs.ts", RUN, BOOK);
  const [a, b] = [await openRun(RUN), await openRun(BOOK)];
  for (const length of [5, 10]) {
    const mean = (run: typeof a) => {
      const rows = run.summary.filter((r) => r.length === length);
      return rows.reduce((s, r) => s + r.test_acc, 0) / rows.length;
    };
    const [, , seeds, accA, accB, diff, lo, hi] = row(lines, `lstm L${length} `);
    assert.equal(seeds, "2/2");
    assert.equal(accA, mean(a).toFixed(3));
    assert.equal(accB, mean(b).toFixed(3));
    const [low, high] = [Number(lo!.slice(1, -1)), Number(hi!.slice(0, -1))];
    assert.ok(low <= Number(diff) && Number(diff) <= high, `${diff} in [${low}, ${high}]`);
  }
});

Deno.test("docs/analysis.md: the 'which units hold the first digit?' snippet runs", async () => {
  const doc = await Deno.readTextFile("docs/analysis.md");
  const snippet = doc.match(/```ts ignore\n([^]*?)```/)![1]!;
  assert.ok(snippet.trimEnd().split("\n").length < 30, "under 30 lines");
  const code = snippet.replace("runs/default", RUN).replace("lstm-L35-s0", "lstm-L5-s1");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", "--ext=ts", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const lines = stdout.trimEnd().split("\n");
  assert.ok(lines.length >= 1);
  const job = (await openRun(RUN)).job("lstm-L5-s1");
  const { model } = await job.loadModel();
  const test = await job.data("test");
  const base = evaluate(model, test).accuracy;
  for (const line of lines) {
    const m = line.match(
      /^unit (\d+): r (\S+) with the first digit, (\S+) with the second; ablated, −(\S+)$/,
    );
    assert.ok(m, line);
    const [r1, r2] = [Math.abs(Number(m[2])), Math.abs(Number(m[3]))];
    assert.ok(r1 > 0.3 && r1 > 1.5 * r2 - 0.01, line);
    const lost = base -
      withHooks(model, ablateUnits([Number(m[1])]), () => evaluate(model, test).accuracy);
    assert.equal(m[4], lost.toFixed(2), line);
  }
});
