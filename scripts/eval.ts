/**
 * `deno task eval --run runs/NAME`: recompute dev and test accuracy from every job's best
 * checkpoint, print the book's table and write `runs/NAME/results.csv`; then the test errors by
 * the noise digit's position, per cell and length (seeds summed), written per job to
 * `runs/NAME/noise_errors.csv` (cell,length,seed,noise_position,n,errors; position -1: no noise).
 * results.csv also splits the test accuracy into memory (noise at position ≥ 4, or none) and
 * adjacent noise (position 2 or 3), `test_acc_memory,test_acc_adjacent,n_memory,n_adjacent` —
 * the way to get these columns for a run trained before training wrote them.
 *
 * Beside the book's 100 test examples, results.csv gives each job's accuracy over the task's whole
 * input space at its length (`space_*`: every pair × noise position × noise value, or a seeded
 * sample of `--space-limit` of them past that many, with a 95 % interval), its mean cross-entropy
 * there and the information the answers keep about the sum, SUM_ENTROPY − cross-entropy (nats).
 *
 * A run of the adding or copy task (`train --task`) gets its best checkpoints' dev and test loss
 * and score on the task's fixed sets instead, beside the baseline, in results.csv
 * (`task,cell,length,seed,best_step,dev_loss,test_loss,baseline,ratio,test_score`).
 */
import { join } from "node:path";
import { runMain } from "../lib/cli.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { argmaxRows, evaluate, predict } from "../lib/train/evaluate.ts";
import {
  errorsByNoisePosition,
  memorySplit,
  type NoiseCount,
  noiseErrorTable,
} from "../lib/train/noise_errors.ts";
import { csvField } from "../lib/run/fields.ts";
import { sortJobs } from "../lib/run/job_name.ts";
import { listJobs, runDataDir, type RunJob } from "../lib/run/read.ts";
import { isTrainedConfig, type JobConfig } from "../lib/run/config.ts";
import type { JobResult } from "../lib/run/result.ts";
import { taskOf } from "../lib/tasks/task.ts";
import { evaluateTaskSets } from "../lib/train/task_job.ts";
import { taskTable } from "../lib/train/task_summary.ts";
import { readJobData } from "../lib/train/job_data.ts";
import { bookTable } from "../lib/train/summary.ts";
import { evaluateInputSpace } from "../lib/train/space_accuracy.ts";

/** The declaration of `deno task eval`. */
const EVAL = {
  name: "deno task eval",
  flags: declareFlags({
    run: { type: "path", required: true, arg: "runs/NAME", help: "the run folder" },
    data: { type: "path", arg: "DIR", help: "the data folder (default: the run's)" },
    "space-limit": {
      type: "int",
      default: 10_000,
      min: 100,
      max: 10_000_000,
      help: "the input space is evaluated whole up to this many sequences, else a sample this size",
    },
    "space-seed": { type: "int", default: 0, min: 0, max: 0xffffffff, help: "the sample's seed" },
  }),
} as const;

await runMain(EVAL, async ({ flags }) => {
  const { run } = flags;
  const jobs = await listJobs(run);
  if (jobs.some((job) => isTrainedConfig(job.config) && job.config.task)) {
    return await evalTaskRun(run, jobs);
  }
  const dataDir = flags.data ?? await runDataDir(run);
  const rows = [];
  const noiseLines = ["cell,length,seed,noise_position,n,errors"];
  const noiseRows = new Map<string, Map<number, NoiseCount>>(); // "LSTM L10" → summed over seeds
  for (const job of jobs) {
    const data = await readJobData(dataDir, job.config.length);
    const { model, metadata } = await loadCheckpoint(join(job.dir, "best.safetensors"));
    const dev = evaluate(model, data.dev);
    const test = evaluate(model, data.test);
    const space = evaluateInputSpace(model, job.config.length, {
      limit: flags["space-limit"],
      seed: flags["space-seed"],
    });
    const preds = argmaxRows(predict(model, data.test), model.config.classes);
    const { cell, length, seed } = job.config;
    const label = `${cell.toUpperCase()} L${length}`;
    const summed = noiseRows.get(label) ?? new Map<number, NoiseCount>();
    const counts = errorsByNoisePosition(data.test, preds);
    for (const [position, { n, errors }] of counts) {
      noiseLines.push([cell, length, seed, position, n, errors].join(","));
      const sum = summed.get(position) ?? { n: 0, errors: 0 };
      summed.set(position, { n: sum.n + n, errors: sum.errors + errors });
    }
    noiseRows.set(label, summed);
    rows.push({
      cell: job.config.cell,
      length: job.config.length,
      seed: job.config.seed,
      best_dev_acc: dev.accuracy,
      best_step: Number(metadata.step ?? NaN),
      test_acc: test.accuracy,
      dev_loss: dev.loss,
      test_loss: test.loss,
      ...memorySplit(counts),
      space,
      first_learning_step: NaN,
      steps: NaN,
      wall_s: NaN,
    });
  }
  const sorted = sortJobs(rows);
  const header = "cell,length,seed,best_step,dev_acc,dev_loss,test_acc,test_loss," +
    "test_acc_memory,test_acc_adjacent,n_memory,n_adjacent," +
    "space_n,space_exhaustive,space_acc,space_low,space_high,space_loss,space_info," +
    "space_n_memory,space_acc_memory,space_memory_low,space_memory_high";
  const lines = sorted.map((r) =>
    [
      r.cell,
      r.length,
      r.seed,
      r.best_step,
      r.best_dev_acc,
      r.dev_loss.toPrecision(7),
      r.test_acc,
      r.test_loss.toPrecision(7),
      csvField(r.test_acc_memory),
      csvField(r.test_acc_adjacent),
      r.n_memory,
      r.n_adjacent,
      r.space.n,
      r.space.exhaustive,
      r.space.accuracy,
      r.space.interval[0].toPrecision(7),
      r.space.interval[1].toPrecision(7),
      r.space.loss.toPrecision(7),
      r.space.information.toPrecision(7),
      r.space.memory.n,
      csvField(r.space.memory.accuracy),
      csvField(r.space.memory.interval[0]),
      csvField(r.space.memory.interval[1]),
    ]
      .join(",")
  );
  await writeFileAtomic(join(run, "results.csv"), [header, ...lines].join("\n") + "\n");
  await writeFileAtomic(join(run, "noise_errors.csv"), noiseLines.join("\n") + "\n");
  console.log(bookTable(sorted));
  console.log("");
  console.log(noiseErrorTable([...noiseRows]));
  console.log("");
  console.log(spaceTable(sorted.map((r) => ({ ...r, ...r.space, test: r.test_acc }))));
  console.log(`wrote ${join(run, "results.csv")} and ${join(run, "noise_errors.csv")}`);
});

/** One line per job: the accuracy on the book's 100 test examples and over the input space. */
function spaceTable(
  rows: {
    cell: string;
    length: number;
    seed: number;
    test: number;
    n: number;
    exhaustive: boolean;
    accuracy: number;
    interval: [number, number];
    information: number;
  }[],
): string {
  const lines = ["job            test (100)  input space                         info (nats)"];
  for (const r of rows) {
    const where = r.exhaustive
      ? `${r.accuracy.toFixed(4)} exact, all ${r.n}`
      : `${r.accuracy.toFixed(4)} [${r.interval.map((x) => x.toFixed(4)).join(", ")}] of ${r.n}`;
    const job = `${r.cell}-L${r.length}-s${r.seed}`.padEnd(15);
    lines.push(
      `${job}${r.test.toFixed(2).padStart(10)}  ${where.padEnd(36)}${r.information.toFixed(3)}`,
    );
  }
  return lines.join("\n");
}

/** `eval` of a generated task's run: results.csv and the task's table. */
async function evalTaskRun(run: string, jobs: RunJob[]): Promise<void> {
  const lines = ["task,cell,length,seed,best_step,dev_loss,test_loss,baseline,ratio,test_score"];
  const results: JobResult[] = [];
  for (const job of sortJobs(jobs.map((j) => ({ ...j, ...j.config })))) {
    const config = job.config as JobConfig;
    const { model, metadata } = await loadCheckpoint(join(job.dir, "best.safetensors"));
    const task = taskOf(config.task!);
    const { dev, test, baseline } = evaluateTaskSets(model, task, config.length);
    const bestStep = Number(metadata.step ?? NaN);
    const number = (x: number) => String(Number(x.toPrecision(7)));
    lines.push(
      [task.name, config.cell, config.length, config.seed, bestStep, number(dev.loss)]
        .concat([number(test.loss), number(baseline), number(test.loss / baseline)])
        .concat([number(test.score)]).join(","),
    );
    results.push({
      cell: config.cell,
      length: config.length,
      seed: config.seed,
      best_dev_acc: dev.score,
      best_step: bestStep,
      test_acc: test.score,
      test_acc_memory: NaN,
      test_acc_adjacent: NaN,
      n_memory: NaN,
      n_adjacent: NaN,
      first_learning_step: NaN,
      steps: NaN,
      wall_s: NaN,
      status: "done",
      task: task.name,
      test_loss: test.loss,
      baseline,
    });
  }
  await writeFileAtomic(join(run, "results.csv"), lines.join("\n") + "\n");
  console.log(taskTable(results));
  console.log(`wrote ${join(run, "results.csv")}`);
}
