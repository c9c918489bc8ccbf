/**
 * `deno task predict` and the report for the generated tasks (`train --task adding|copy`): a task
 * checkpoint's predictions are its own forward outputs on the task's fixed test (or dev) set, one
 * row per sequence, and their `right` column adds up to the set's score; a task model takes no
 * `--data`; the report of a task run shows its tasks.csv, not the digit sum's accuracies.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { plotRun } from "../lib/plot/plot_run.ts";
import { parseCsvTable } from "../lib/run/csv_table.ts";
import { taskOf } from "../lib/tasks/task.ts";
import { evaluateTask, taskSet, testBaseline } from "../lib/train/task_job.ts";
import { assertClose, assertUsageErrors, runScript } from "./helpers.ts";

const TRAIN_PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];

/** A fresh temporary folder, removed when the tests end. */
async function tempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  return dir;
}

/** A task run trained by `deno task train` in a fresh folder (small: 5 steps, hidden 8). */
async function trainTask(task: "adding" | "copy", lengths: string, seeds: string): Promise<string> {
  const out = join(await tempDir(`task_predict_${task}_`), "run");
  const args = ["--task", task, "--lengths", lengths, "--seeds", seeds, "--steps", "5"];
  const run = await runScript(
    "train.ts",
    [...args, "--hidden", "8", "--embed", "4", "--out", out],
    [
      ...TRAIN_PERMS,
    ],
  );
  assert.equal(run.code, 0, run.stderr);
  return out;
}

const copyRun = trainTask("copy", "3", "0,1");
const addingRun = trainTask("adding", "6", "0");

/** tasks.csv's rows, each as its fields by column (the text as written). */
async function tasksCsv(run: string): Promise<Record<string, string>[]> {
  const text = await Deno.readTextFile(join(run, "tasks.csv"));
  const header = text.split("\n", 1)[0]!.split(",");
  return parseCsvTable(text, header, "tasks.csv").map((row) => row.cells);
}

/** A predictions CSV's header and rows. */
function readCsv(text: string): { header: string[]; rows: string[][] } {
  const header = text.split("\n", 1)[0]!.split(",");
  return {
    header,
    rows: parseCsvTable(text, header, "preds.csv").map((r) => header.map((c) => r.cells[c]!)),
  };
}

const f9 = (v: number) => String(Number(v.toPrecision(9)));

Deno.test("predict, copy: a row per test sequence, the model's own symbols, right adding up to the score", async () => {
  const run = await copyRun;
  const checkpoint = join(run, "lstm-L3-s0", "best.safetensors");
  const out = join(run, "preds.csv");
  const predicted = await runScript("predict.ts", ["--checkpoint", checkpoint, "--out", out]);
  assert.equal(predicted.code, 0, predicted.stderr);
  const job = (await tasksCsv(run)).find((r) => r.seed === "0")!;
  assert.equal(
    predicted.stderr.trim(),
    `wrote 1000 predictions of the copy task's test set (T = 3) to ${out}: ` +
      `loss ${job.test_loss} (baseline ${job.baseline}), score ${job.test_score}`,
  );
  const { header, rows } = readCsv(await Deno.readTextFile(out));
  assert.deepEqual(header, ["index", "target", "pred", "right"]);
  assert.equal(rows.length, 1000);

  // recompute: the checkpoint's forward outputs on the fixed test set, T + 20 = 23 steps
  const { model } = await loadCheckpoint(checkpoint);
  const copy = taskOf("copy");
  const expected: string[][] = [];
  for (const batch of taskSet(copy, 3, "test")) {
    const B = 100;
    const T = batch.steps;
    assert.equal(T, 23);
    const outputs = model.forward(batch.inputs, B, T); // [T, B, 10]
    const targets = batch.targets as Int32Array;
    for (let b = 0; b < B; b++) {
      let target = "";
      let pred = "";
      let right = 0;
      for (let t = T - 10; t < T; t++) {
        const row = outputs.subarray((t * B + b) * 10, (t * B + b + 1) * 10);
        const best = row.indexOf(Math.max(...row));
        target += targets[b * T + t];
        pred += best;
        if (best === targets[b * T + t]) right++;
      }
      expected.push([String(expected.length), target, pred, String(right)]);
    }
  }
  assert.deepEqual(rows, expected);
  // the 10 symbols to write are the 10 the sequence began with
  const first = taskSet(copy, 3, "test")[0]!;
  assert.equal(rows[0]![1], Array.from(first.inputs.subarray(0, 10)).join(""));
  // right, summed, is the test score tasks.csv reports (and evaluateTask recomputes)
  const symbols = rows.reduce((sum, r) => sum + Number(r[3]), 0);
  const { score } = evaluateTask(model, copy, taskSet(copy, 3, "test"));
  assertClose(symbols / 10_000, score, { atol: 1e-12, what: "score" });
  assert.equal(String(Number((symbols / 10_000).toPrecision(7))), job.test_score);
});

Deno.test("predict, adding --split dev: the marked values, target, output and squared error of each sequence", async () => {
  const run = await addingRun;
  const checkpoint = join(run, "lstm-L6-s0", "best.safetensors");
  // without --out: the CSV on standard output, nothing else
  const predicted = await runScript("predict.ts", ["--checkpoint", checkpoint, "--split", "dev"]);
  assert.equal(predicted.code, 0, predicted.stderr);
  assert.equal(predicted.stderr, "");
  const { header, rows } = readCsv(predicted.stdout);
  assert.deepEqual(header, [
    "index",
    "value_1",
    "value_2",
    "target",
    "output",
    "squared_error",
    "right",
  ]);
  assert.equal(rows.length, 500);

  const { model } = await loadCheckpoint(checkpoint);
  const adding = taskOf("adding");
  const set = taskSet(adding, 6, "dev");
  const expected: string[][] = [];
  for (const batch of set) {
    const outputs = model.forward(batch.inputs, 100, 6); // [B, 1]
    const x = batch.inputs as Float32Array; // [B, 6, 2]
    const y = batch.targets as Float32Array;
    for (let b = 0; b < 100; b++) {
      const marked = [0, 1, 2, 3, 4, 5].filter((t) => x[(b * 6 + t) * 2 + 1] === 1);
      assert.equal(marked.length, 2);
      const [v1, v2] = marked.map((t) => x[(b * 6 + t) * 2]!);
      const error = (outputs[b]! - y[b]!) ** 2;
      const right = Math.abs(outputs[b]! - y[b]!) < 0.04 ? "1" : "0";
      expected.push([expected.length, v1!, v2!, y[b]!, outputs[b]!, error].map(f9).concat(right));
    }
  }
  assert.deepEqual(rows, expected);
  // the mean squared error is the dev loss; right's mean, the dev score
  const dev = evaluateTask(model, adding, set);
  const mse = rows.reduce((sum, r) => sum + Number(r[5]), 0) / rows.length;
  assertClose(mse, dev.loss, { rtol: 1e-6, atol: 0, what: "dev MSE" });
  assertClose(rows.filter((r) => r[6] === "1").length / 500, dev.score, { atol: 1e-12 });
});

Deno.test("predict: --data for a task model, --split for a digit-sum model are usage errors", async () => {
  const copy = join(await copyRun, "lstm-L3-s0", "best.safetensors");
  const adding = join(await addingRun, "lstm-L6-s0", "best.safetensors");
  const digitSum = "tests/fixtures/run_analysis/default/lstm-L5-s0/best.safetensors";
  await assertUsageErrors("predict", [
    [
      ["--checkpoint", copy, "--data", "datasets/5/test.txt"],
      `error: ${copy} is a model of the copy task, whose data is generated: predict takes no ` +
      "--data for it (--split dev|test picks the set)",
    ],
    [
      ["--checkpoint", adding, "--data", "x.txt", "--split", "dev"],
      `error: ${adding} is a model of the adding task, whose data is generated: predict takes ` +
      "no --data for it (--split dev|test picks the set)",
    ],
    [
      ["--checkpoint", digitSum, "--split", "test", "--data", "datasets/5/test.txt"],
      `error: ${digitSum} is a digit-sum model: --split is for a model of the adding or copy ` +
      "task; give --data FILE",
    ],
    [["--checkpoint", digitSum], "error: --data is required"],
    [
      ["--checkpoint", copy, "--split", "train"],
      'error: --split expects one of dev|test, got "train"',
    ],
  ], (args) => runScript("predict.ts", args));
});

Deno.test("report of a task run: tasks.csv's test loss, baseline, ratio and score, no digit-sum accuracies", async () => {
  const run = await copyRun;
  const outDir = await tempDir("task_report_");
  const result = await plotRun(run, { outDir, scale: 1 });
  assert.deepEqual(result.figures, ["task"]);
  const html = await Deno.readTextFile(join(outDir, "report.html"));
  assert.match(html, /<p class="lead">The copy task: 10 symbols to write out after a delay of T/);
  assert.match(html, /Cells: LSTM · T: 3 · seeds: 0, 1 · 2 jobs/);
  for (
    const digitSum of ["Digit-sum", "memory acc", "adjacent", "first learning step", "test acc"]
  ) {
    assert.ok(!html.includes(digitSum), `no "${digitSum}" in a task run's report`);
  }
  // per (cell, T): the mean ± std over the two seeds of tasks.csv's test loss and score
  const jobs = await tasksCsv(run);
  assert.deepEqual(jobs.map((j) => [j.cell, j.length, j.seed]), [["lstm", "3", "0"], [
    "lstm",
    "3",
    "1",
  ]]);
  const losses = jobs.map((j) => Number(j.test_loss));
  const scores = jobs.map((j) => Number(j.test_score));
  // as groupStats rounds them: 12 significant digits
  const r12 = (x: number) => Number(x.toPrecision(12));
  const mean = (xs: number[]) => r12((xs[0]! + xs[1]!) / 2);
  const std = (xs: number[]) => r12(Math.abs(xs[0]! - xs[1]!) / Math.SQRT2);
  const p4 = (x: number) => String(Number(x.toPrecision(4)));
  const td = (text: string) => `<td class="num">${text}</td>`;
  const baseline = Number(jobs[0]!.baseline);
  assert.equal(baseline, Number(taskOf("copy").baseline(3).toPrecision(7)));
  assert.ok(
    html.includes(
      "<tr><td>LSTM</td>" + td("3") + "<td>0, 1</td>" +
        td(`${p4(mean(losses))} ± ${p4(std(losses))}`) + td(jobs[0]!.baseline!) +
        td(p4(mean(losses) / baseline)) +
        td(`${mean(scores).toFixed(3)} ± ${std(scores).toFixed(3)}`) + "</tr>",
    ),
    "the (cell, T) row",
  );
  // every job: its tasks.csv fields as written there
  for (const j of jobs) {
    const row = "<tr><td>LSTM</td>" +
      [j.length, j.seed, j.best_step, j.best_dev_loss, j.test_loss, j.baseline, j.ratio]
        .concat([j.test_score, j.steps, Number(j.wall_s).toFixed(1)]).map((v) => td(v!)).join("") +
      `<td>${j.status}</td></tr>`;
    assert.ok(html.includes(row), `job row ${row}`);
  }
  assert.match(html, /fixed test set of 1000 sequences/);
  assert.match(html, /Score: the share of the 10 symbols written out right\./);
  assert.match(html, /<section id="fig-task">/);

  // a task run without its tasks.csv: one line naming the file, before any figure is drawn
  const bare = await tempDir("task_report_bare_");
  for (const name of ["config.json", "summary.csv"]) {
    await Deno.copyFile(join(run, name), join(bare, name));
  }
  for (const job of ["lstm-L3-s0", "lstm-L3-s1"]) {
    await Deno.mkdir(join(bare, job));
    for (const name of ["config.json", "metrics.csv"]) {
      await Deno.copyFile(join(run, job, name), join(bare, job, name));
    }
  }
  await assert.rejects(plotRun(bare, { outDir: bare, scale: 1 }), {
    message: `${bare}: tasks.csv is missing; deno task train --task writes it beside summary.csv`,
  });
  assert.deepEqual([...Deno.readDirSync(bare)].map((e) => e.name).sort(), [
    "config.json",
    "lstm-L3-s0",
    "lstm-L3-s1",
    "summary.csv",
  ]);
});

Deno.test("report of an adding run: the adding problem's words, its one job from tasks.csv", async () => {
  const run = await addingRun;
  const outDir = await tempDir("task_report_adding_");
  await plotRun(run, { outDir, scale: 1 });
  const html = await Deno.readTextFile(join(outDir, "report.html"));
  assert.match(html, /<p class="lead">The adding problem: T steps of a value and a marker/);
  assert.match(html, /\(MSE 1\/6, always answering 1\)/);
  assert.match(html, /Score: the share of answers within 0\.04 of the sum\./);
  const [job] = await tasksCsv(run);
  // the baseline's loss on those 1,000 test sequences at T = 6, not the expected 1/6
  assert.equal(job!.baseline, String(Number(testBaseline(taskOf("adding"), 6).toPrecision(7))));
  assert.ok(html.includes(`<td class="num">${job!.test_loss}</td>`));
  assert.ok(html.includes(`<td class="num">${job!.ratio}</td>`));
  assert.ok(!html.includes("<details><summary>Every job ("), "one seed: the job table alone");
});
