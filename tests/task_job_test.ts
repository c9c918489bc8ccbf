/**
 * Training a generated task (`deno task train --task adding|copy`): a job's result is its best
 * checkpoint's evaluation on the fixed test set, a stopped and resumed job ends byte for byte as
 * an uninterrupted one, and the command writes tasks.csv and refuses what does not fit.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import type { JobConfig } from "../lib/run/config.ts";
import { parseJobConfig } from "../lib/run/config.ts";
import { ADDING_BASELINE_MSE, addingBaselineMse, copyBaseline } from "../lib/tasks/mod.ts";
import { taskOf } from "../lib/tasks/task.ts";
import { jobConfigs, RECOMMENDED_PRESET } from "../lib/train/config.ts";
import { runJob } from "../lib/train/job.ts";
import { evaluateTask, taskSet } from "../lib/train/task_job.ts";
import { taskPoints } from "../lib/plot/task_spec.ts";
import { readRun } from "../lib/run/read.ts";
import { assertUsageErrors, runScript } from "./helpers.ts";

function taskConfig(task: "adding" | "copy", extra: Partial<JobConfig> = {}): JobConfig {
  const options = {
    ...RECOMMENDED_PRESET,
    task,
    steps: 60,
    batchSize: 8,
    hidden: 8,
    embed: 4,
    lr: 0.01,
    clip: 1,
    evalSteps: 20,
    ...extra,
  };
  return jobConfigs(["lstm"], [6], [0], options)[0]!;
}

const read = (path: string) => Deno.readFile(path);

Deno.test("task job: the result is the best checkpoint's test evaluation, beside the baseline", async () => {
  for (const name of ["adding", "copy"] as const) {
    const dir = await Deno.makeTempDir();
    const result = runJob(taskConfig(name), null, dir);
    const task = taskOf(name);
    const { model } = await loadCheckpoint(join(dir, "best.safetensors"));
    assert.deepEqual(model.config, task.model("lstm", 4, 8));
    const test = evaluateTask(model, task, taskSet(task, 6, "test"));
    assert.equal(result.test_loss, test.loss);
    assert.equal(result.test_acc, test.score);
    // the baseline's loss on the same test set: for adding its mean (y − 1)², near 1/6
    const targets = Float32Array.from(taskSet(task, 6, "test").flatMap((b) => [...b.targets]));
    const baseline = name === "adding" ? addingBaselineMse(targets) : copyBaseline(6);
    assert.equal(result.baseline, baseline);
    if (name === "adding") {
      assert.ok(baseline !== ADDING_BASELINE_MSE && Math.abs(baseline - 1 / 6) < 0.02);
    }
    assert.deepEqual([result.task, result.steps, result.status], [name, 60, "done"]);
    // the best checkpoint is the lowest dev loss in metrics.csv
    const rows = (await Deno.readTextFile(join(dir, "metrics.csv"))).trim().split("\n").slice(1)
      .map((line) => line.split(",")).filter((r) => r[3] !== "");
    const best = rows.reduce((a, b) => Number(b[3]) < Number(a[3]) ? b : a);
    assert.equal(result.best_step, Number(best[0]));
    assert.equal(rows.length, 3);
  }
});

Deno.test("task job: stopped mid-way and resumed, it ends with the bytes of an uninterrupted job", async () => {
  for (const name of ["adding", "copy"] as const) {
    const config = taskConfig(name, { gateInit: "chrono", forgetBias: 0, inputBias: 0 });
    const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
    const whole = runJob(config, null, a);
    let polls = 0;
    const first = runJob(config, null, b, { hooks: { shouldStop: () => ++polls > 33 } });
    assert.deepEqual([first.status, first.steps], ["interrupted", 33]);
    const resumed = runJob(config, null, b, { resume: true });
    assert.deepEqual({ ...resumed, wall_s: 0 }, { ...whole, wall_s: 0 });
    for (const file of ["metrics.csv", "best.safetensors", "config.json", "result.json"]) {
      if (file === "result.json") continue; // wall_s differs
      assert.deepEqual(await read(join(b, file)), await read(join(a, file)), `${name}: ${file}`);
    }
    // a finished job resumes to its stored result without training
    assert.deepEqual(runJob(config, null, b, { resume: true }), resumed);
  }
});

Deno.test("task job: chrono's T_max defaults to 3T/2 for copy and T for adding", () => {
  const chrono = { gateInit: "chrono" as const };
  assert.equal(taskConfig("copy", chrono).chronoTmax, 9);
  assert.equal(taskConfig("adding", chrono).chronoTmax, 6);
});

Deno.test("task job: a config.json naming an unknown task is refused by name", () => {
  const text = JSON.stringify({ ...taskConfig("copy"), task: "parity" });
  assert.throws(() => parseJobConfig(text, "runs/x/lstm-L6-s0/config.json"), {
    message: 'runs/x/lstm-L6-s0/config.json: field "task" is "parity"; expected adding or copy',
  });
});

Deno.test("deno task train --task copy: tasks.csv and the table against the baseline", async () => {
  const out = join(await Deno.makeTempDir(), "run");
  const args = ["--task", "copy", "--lengths", "3,5", "--steps", "30", "--hidden", "8"];
  const run = await runScript("train.ts", [
    ...args,
    "--embed",
    "4",
    "--eval-steps",
    "10",
    "--out",
    out,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const lines = (await Deno.readTextFile(join(out, "tasks.csv"))).trim().split("\n");
  assert.equal(
    lines[0],
    "task,cell,length,seed,best_step,best_dev_loss,test_loss,baseline,ratio,test_score,steps,wall_s,status",
  );
  assert.equal(lines.length, 3);
  const row = lines[1]!.split(",");
  assert.deepEqual([row[0], row[1], row[2], row[10], row[12]], ["copy", "lstm", "3", "30", "done"]);
  assert.equal(Number(row[7]), Number(copyBaseline(3).toPrecision(7)));
  assert.match(
    run.stdout,
    /\| copy {3}\| LSTM \| {4}3 \| {5}1 \| \d\.\d{4} ± 0\.0000 \| {3}0\.9041 \|/,
  );
  const config = JSON.parse(await Deno.readTextFile(join(out, "lstm-L3-s0", "config.json")));
  assert.deepEqual([config.task, config.steps], ["copy", 30]);
  // plot: the task figure (3 evaluations per job, the baseline per T), not the digit sum's
  const points = taskPoints(await readRun(out));
  assert.deepEqual(points.map((p) => `${p.panel} ${p.step} ${p.baseline.toFixed(4)}`), [
    "T = 3 10 0.9041",
    "T = 3 20 0.9041",
    "T = 3 30 0.9041",
    "T = 5 10 0.8318",
    "T = 5 20 0.8318",
    "T = 5 30 0.8318",
  ]);
  const plot = await runScript("plot.ts", ["--run", out, "--scale", "1"], ["-A"]);
  assert.equal(plot.code, 0, plot.stderr);
  assert.deepEqual(plot.stdout.trim().split("\n"), [
    `wrote ${out}/figures/task.svg`,
    `wrote ${out}/figures/task.png`,
    `wrote ${out}/report.html`,
    "note: loss, accuracy, gates: skipped — a run of the copy task (see figures/task).",
  ]);
  const svg = await Deno.readTextFile(join(out, "figures", "task.svg"));
  assert.match(svg, /Dev loss against the memoryless baseline: copy/);
  // eval recomputes the best checkpoints' test loss: the one training reported
  const evaluated = await runScript("eval.ts", ["--run", out]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const results = (await Deno.readTextFile(join(out, "results.csv"))).trim().split("\n");
  assert.equal(
    results[0],
    "task,cell,length,seed,best_step,dev_loss,test_loss,baseline,ratio,test_score",
  );
  assert.deepEqual(
    results.slice(1).map((line) => line.split(",").slice(0, 10).filter((_, i) => i !== 5)),
    lines.slice(1).map((line) => line.split(",").filter((_, i) => i !== 5).slice(0, 9)),
  );
  const checkpoint = join(out, "lstm-L3-s0", "best.safetensors");
  // predict generates a task model's data (tests/task_predict_test.ts): a --data is refused
  const predicted = await runScript("predict.ts", ["--checkpoint", checkpoint, "--data", "x"]);
  assert.deepEqual([predicted.code, predicted.stderr.trim().split("\n")[0]], [
    2,
    `error: ${checkpoint} is a model of the copy task, whose data is generated: predict takes ` +
    "no --data for it (--split dev|test picks the set)",
  ]);
});

Deno.test("deno task train: --steps without a generated task, and a bad task, are usage errors", async () => {
  await assertUsageErrors("train", [
    [
      ["--steps", "10"],
      "error: --steps needs --task adding or copy (the digit sum trains --epochs)",
    ],
    [["--task", "parity"], 'error: --task expects one of digit-sum|adding|copy, got "parity"'],
  ], (args) => runScript("train.ts", args));
});
