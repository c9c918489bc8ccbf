/**
 * The run-folder contract (lib/run): every file's text reads back to what was written, every
 * older run folder in the fixtures reads through `migrate`, and a run written before config.json
 * had a version resumes — a finished one returns its results, an interrupted job continues to the
 * same bytes as an uninterrupted one.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BOOK_PRESET,
  type JobConfig,
  jobConfigs,
  listJobs,
  parseMetrics,
  readJobData,
  readRun,
  RECOMMENDED_PRESET,
  runJob,
  type SummaryRow,
} from "../mod.ts";
import {
  formatConfig,
  formatJobResult,
  formatMetricsRow,
  formatSummaryCsv,
  formatSummaryJson,
  isTrainedConfig,
  parseJobConfig,
  parseJobResult,
  parseRunConfig,
  parseSummaryCsv,
  parseSummaryJson,
  sameConfig,
} from "../lib/run/mod.ts";
import { runScript } from "./helpers.ts";

const TRAIN_PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];

/** A copy of a fixture run in a fresh temporary folder. */
async function copyRun(from: string): Promise<string> {
  const to = join(await Deno.makeTempDir(), "run");
  await Deno.mkdir(to);
  for await (const entry of Deno.readDir(from)) {
    if (entry.isFile) await Deno.copyFile(join(from, entry.name), join(to, entry.name));
    if (!entry.isDirectory) continue;
    await Deno.mkdir(join(to, entry.name));
    for await (const file of Deno.readDir(join(from, entry.name))) {
      await Deno.copyFile(join(from, entry.name, file.name), join(to, entry.name, file.name));
    }
  }
  return to;
}

Deno.test("migrate: every fixture run reads, its job configs complete and typed", async () => {
  // run_small: the earliest layout (snake_case options, no memory split, no version)
  const small = await readRun("tests/fixtures/run_small");
  assert.deepEqual([small.config.batchSize, small.config.forgetBias, small.config.evalSteps], [
    8,
    1,
    50,
  ]);
  const job = small.jobs[0]!.config;
  assert.ok(isTrainedConfig(job));
  assert.deepEqual(
    [job.cell, job.length, job.batchSize, job.forgetBias, job.inputDropout, job.shuffle],
    ["lstm", 5, 8, 1, 0, false],
  );
  assert.ok(small.summary.every((r) => Number.isNaN(r.n_memory)));
  // run_analysis: camelCase configs without a version, summary and result.json without the split
  for (const [name, preset] of [["default", RECOMMENDED_PRESET], ["book", BOOK_PRESET]] as const) {
    const dir = `tests/fixtures/run_analysis/${name}`;
    const options = { ...preset, epochs: 80, batchSize: 16, lr: 0.003 };
    const expected = jobConfigs(["lstm"], [5, 10], [0, 1], options);
    const jobs = await listJobs(dir);
    assert.equal(jobs.length, 4);
    for (const stored of jobs) {
      const twin = expected.find((c) => `${c.cell}-L${c.length}-s${c.seed}` === stored.name)!;
      assert.ok(sameConfig(stored.config, twin), `${stored.name} reads as the command's config`);
    }
    const result = parseJobResult(
      await Deno.readTextFile(join(dir, "lstm-L5-s0", "result.json")),
      "result.json",
    );
    assert.deepEqual([result.status, result.steps, result.n_memory], ["done", 1520, NaN]);
  }
});

Deno.test("config.json: version first, read back equal; a newer version is refused", () => {
  const config: JobConfig = { cell: "gru", length: 10, seed: 3, ...RECOMMENDED_PRESET };
  const text = formatConfig(config);
  assert.match(text, /^\{\n {2}"version": 2,\n {2}"cell": "gru",/);
  assert.deepEqual(parseJobConfig(text, "config.json"), config);
  const old = JSON.stringify(config, null, 2) + "\n"; // as written before the version
  assert.ok(sameConfig(parseJobConfig(old, "config.json"), config));
  assert.ok(!sameConfig(parseJobConfig(old, "config.json"), { ...config, lr: 0.01 }));
  assert.throws(() => parseJobConfig(text.replace('"version": 2', '"version": 3'), "c.json"), {
    message: "c.json: format version 3; this lstm-lab reads versions up to 2",
  });
  assert.throws(() => parseJobConfig('{ "cell": "lsmt", "epochs": 1 }', "c.json"), {
    message: 'c.json: field "cell" is "lsmt"; expected one of lstm|gru|srn|irnn',
  });
  assert.throws(() => parseRunConfig('{ "cells": "lstm" }', "r.json"), {
    message: "r.json: cells, lengths and seeds must be lists; expected a run's config",
  });
});

Deno.test("metrics.csv, result.json and summary.csv read back what was written", () => {
  const rows = [
    { step: 1, epoch: 1, trainLoss: 2.944439, devLoss: NaN, devAcc: NaN },
    { step: 2, epoch: 1, trainLoss: 0.1234568, devLoss: 2.5, devAcc: 0.25 },
  ];
  const text = "step,epoch,train_loss,dev_loss,dev_acc\n" +
    rows.map((r) => formatMetricsRow(r) + "\n").join("");
  assert.deepEqual(parseMetrics(text, "m.csv"), rows);
  // a killed job's last line, cut short, is dropped when resuming and refused otherwise
  assert.deepEqual(parseMetrics(text + "3,1,2.7", "m.csv", { complete: true }), rows);
  assert.throws(() => parseMetrics(text + "3,1,2.7", "m.csv"), {
    message: "m.csv line 4: expected 5 fields, got 3",
  });

  const row: SummaryRow = {
    cell: "srn",
    length: 20,
    seed: 1,
    best_dev_acc: 0.5,
    best_step: 300,
    test_acc: 0.47,
    test_acc_memory: 0.4,
    test_acc_adjacent: 0.75,
    n_memory: 80,
    n_adjacent: 20,
    first_learning_step: NaN,
    steps: 400,
    wall_s: 2.5,
  };
  const first = { ...row, cell: "lstm" as const };
  assert.deepEqual(parseSummaryCsv(formatSummaryCsv([row, first]), "summary.csv"), [first, row]);
  assert.match(formatSummaryJson([row]), /"first_learning_step": null/);
  assert.deepEqual(parseSummaryJson(formatSummaryJson([row, first]), "summary.json"), [first, row]);
  const result = { ...row, status: "early-stop" as const };
  assert.deepEqual(parseJobResult(formatJobResult(result), "result.json"), result);
});

Deno.test("resume: a finished run written before config.json had a version", async () => {
  const out = await copyRun("tests/fixtures/run_analysis/default");
  const args = ["--lengths", "5,10", "--seeds", "0,1", "--epochs", "80", "--batch-size", "16"];
  const flags = [...args, "--lr", "0.003", "--workers", "1", "--out", out];
  const refused = await runScript("train.ts", flags, TRAIN_PERMS);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /already holds a run; pass --resume/);
  const other = await runScript("train.ts", [...flags, "--resume", "--lr", "0.01"], TRAIN_PERMS);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /config\.json differs from this command's settings/);

  const resumed = await runScript("train.ts", [...flags, "--resume"], TRAIN_PERMS);
  assert.equal(resumed.code, 0, resumed.stderr);
  // no job trained again: the stored results, with the memory split computed from best.safetensors
  const before = parseSummaryCsv(
    await Deno.readTextFile("tests/fixtures/run_analysis/default/summary.csv"),
    "before",
  );
  const after = parseSummaryCsv(await Deno.readTextFile(join(out, "summary.csv")), "after");
  const trained = (r: SummaryRow) => [r.best_dev_acc, r.best_step, r.test_acc, r.steps, r.wall_s];
  assert.deepEqual(after.map(trained), before.map(trained));
  assert.ok(after.every((r) => r.n_memory + r.n_adjacent <= 100 && r.n_memory > 0), "the split");
  assert.ok(after.every((r) => Number.isFinite(r.first_learning_step)));
  assert.match(await Deno.readTextFile(join(out, "config.json")), /^\{\n {2}"version": 2,/);
  await Deno.remove(join(out, ".."), { recursive: true });
});

Deno.test("resume: an interrupted job whose config.json predates the version ends byte-identical", async () => {
  const data = await readJobData("datasets", 5);
  const config: JobConfig = {
    ...RECOMMENDED_PRESET,
    cell: "lstm",
    length: 5,
    seed: 1,
    epochs: 3,
    evalSteps: 20,
  };
  const reference = await Deno.makeTempDir();
  runJob(config, data, reference);
  const dir = await Deno.makeTempDir();
  let polls = 0;
  const stopped = runJob(config, data, dir, { hooks: { shouldStop: () => ++polls > 50 } });
  assert.equal(stopped.status, "interrupted");
  // the job's config.json as lstm-lab wrote it before the format had a version
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config, null, 2) + "\n");
  const resumed = runJob(config, data, dir, { resume: true });
  assert.equal(resumed.status, "done");
  for (const file of ["metrics.csv", "best.safetensors", "result.json"]) {
    const a = await Deno.readFile(join(dir, file));
    const b = await Deno.readFile(join(reference, file));
    if (file === "result.json") {
      const strip = (t: Uint8Array) => new TextDecoder().decode(t).replace(/"wall_s": .*/, "");
      assert.equal(strip(a), strip(b));
    } else {
      assert.deepEqual(a, b, file);
    }
  }
});
