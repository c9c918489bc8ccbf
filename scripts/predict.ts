/**
 * `deno task predict --checkpoint FILE (--data FILE | [--split dev|test]) [--out preds.csv]`.
 *
 * A digit-sum model: the logits of every line of a digit-sum file (with or without labels) as CSV
 * `index,label,pred,logit_0,…,logit_18`.
 *
 * A model of the adding or copy task (`train --task`), whose data is generated: the outputs on the
 * task's fixed test set (or `--split dev`) at the T it was trained on (its `lstm_lab_train`
 * metadata), the sets `eval` and training score (`taskSet`), one row per sequence —
 * adding `index,value_1,value_2,target,output,squared_error,right` (the two marked values; right:
 * 1 when the output is within 0.04 of the target), copy `index,target,pred,right` (the 10 symbols to
 * write and the 10 written at the last 10 steps, as digit strings; right: how many agree). `right`
 * is the task's score of that one sequence (`task.score`), so its mean is the set's score.
 */
import { stringify } from "csv-stringify/sync";
import { runMain } from "../lib/cli.ts";
import { readDigitSum } from "../lib/data/reader.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { UsageError, UserError } from "../lib/errors.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import type { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { isTrainedConfig, parseJobConfig } from "../lib/run/config.ts";
import { ADDING_CHANNELS } from "../lib/tasks/adding.ts";
import { COPY_SYMBOLS } from "../lib/tasks/copy.ts";
import { type GeneratedTaskName, type Task, type TaskBatch, taskOf } from "../lib/tasks/task.ts";
import { argmaxRows, predict } from "../lib/train/evaluate.ts";
import { evaluateTask, taskSet } from "../lib/train/task_job.ts";

/** The generated sets a task model predicts. */
const SPLITS = ["dev", "test"] as const;

/** The declaration of `deno task predict`. */
const PREDICT = {
  name: "deno task predict",
  flags: declareFlags({
    checkpoint: { type: "path", required: true, arg: "FILE", help: "the checkpoint" },
    data: {
      type: "path",
      arg: "FILE",
      usage: "(--data FILE | [--split dev|test])",
      help: "a digit-sum file (a digit-sum model's data; a task model's is generated)",
    },
    split: {
      type: "choice",
      choices: SPLITS,
      usage: null,
      help: "the generated set of a task model, at its T (default: test)",
    },
    out: { type: "path", arg: "preds.csv", help: "the CSV file (default: standard output)" },
  }),
} as const;

/** The columns of a task model's predictions. */
const TASK_COLUMNS: Readonly<Record<GeneratedTaskName, readonly string[]>> = {
  adding: ["index", "value_1", "value_2", "target", "output", "squared_error", "right"],
  copy: ["index", "target", "pred", "right"],
};

await runMain(PREDICT, async ({ flags }) => {
  const { checkpoint: checkpointPath, data: dataPath, out } = flags;
  const { model, metadata } = await loadCheckpoint(checkpointPath);
  const job = taskJob(checkpointPath, model, metadata);
  if (job !== null) {
    if (dataPath !== undefined) {
      throw new UsageError(
        `${checkpointPath} is a model of the ${job.task.name} task, whose data is generated: ` +
          `predict takes no --data for it (--split dev|test picks the set)`,
      );
    }
    await predictTask(model, job, flags.split ?? "test", out);
    return;
  }
  if (flags.split !== undefined) {
    throw new UsageError(
      `${checkpointPath} is a digit-sum model: --split is for a model of the adding or copy ` +
        `task; give --data FILE`,
    );
  }
  if (dataPath === undefined) throw new UsageError("--data is required");
  const C = model.config.classes;
  const data = await readDigitSum(dataPath, { numClasses: C, labels: "optional" });
  const logits = predict(model, data);
  const preds = argmaxRows(logits, C);
  const header = ["index", "label", "pred", ...Array.from({ length: C }, (_, c) => `logit_${c}`)];
  const lines = [header.join(",")];
  for (let i = 0; i < data.n; i++) {
    const row = logits.subarray(i * C, (i + 1) * C);
    const label = data.hasLabels ? String(data.labels[i]) : "";
    lines.push([i, label, preds[i], ...Array.from(row, exact)].join(","));
  }
  const correct = data.hasLabels ? preds.filter((p, i) => p === data.labels[i]).length : NaN;
  const accuracy = data.hasLabels ? `, accuracy ${(correct / data.n).toFixed(4)}` : "";
  await emit(lines.join("\n") + "\n", out, `wrote ${data.n} predictions to ${out}${accuracy}`);
});

/** 9 significant digits: every float32 value round-trips exactly. */
function exact(v: number): number {
  return Number(v.toPrecision(9));
}

/** `text` to `out` (then `done` on stderr), or to standard output. */
async function emit(text: string, out: string | undefined, done: string): Promise<void> {
  if (out === undefined) {
    let bytes = new TextEncoder().encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(await Deno.stdout.write(bytes));
  } else {
    await writeFileAtomic(out, text);
    console.error(done);
  }
}

/** A task model's task and the T it was trained at. */
interface TaskJob {
  task: Task;
  length: number;
}

/**
 * The task and T of a model of the adding or copy task (a dense input or a head at every step),
 * from its training config (`lstm_lab_train`); null for a digit-sum model.
 */
function taskJob(
  path: string,
  model: SeqClassifier,
  metadata: Record<string, string>,
): TaskJob | null {
  if (model.config.input !== "dense" && model.config.head !== "every") return null;
  const raw = metadata.lstm_lab_train;
  const config = raw === undefined ? undefined : parseJobConfig(raw, `${path}: lstm_lab_train`);
  if (config === undefined || !isTrainedConfig(config) || config.task === undefined) {
    throw new UserError(
      `${path} is a model of the adding or copy task without its training config ` +
        `(lstm_lab_train naming the task and T); predict cannot generate its data`,
    );
  }
  return { task: taskOf(config.task), length: config.length };
}

/** Sequence `b` of a batch of `B` as a batch of one, with its outputs (`[1, C]` or `[T, 1, C]`). */
function sequenceOf(
  outputs: Float32Array,
  batch: TaskBatch,
  b: number,
  B: number,
  C: number,
): { outputs: Float32Array; batch: TaskBatch } {
  const one = <A extends Int32Array | Float32Array>(a: A): A => {
    const n = a.length / B;
    return a.subarray(b * n, (b + 1) * n) as A;
  };
  const reads = outputs.length / (B * C); // 1, or T for a head at every step (time-major)
  const mine = new Float32Array(reads * C);
  for (let t = 0; t < reads; t++) {
    mine.set(outputs.subarray((t * B + b) * C, (t * B + b + 1) * C), t * C);
  }
  return {
    outputs: mine,
    batch: { inputs: one(batch.inputs), targets: one(batch.targets), steps: batch.steps },
  };
}

/** One sequence's row of the predictions of `task` (see the columns above). */
function taskRow(
  task: Task,
  index: number,
  seq: { outputs: Float32Array; batch: TaskBatch },
  C: number,
): (string | number)[] {
  const score = task.score(seq.outputs, seq.batch, 1);
  if (task.name === "adding") {
    const x = seq.batch.inputs as Float32Array; // [T, 2]: the value, the marker
    const marked: number[] = [];
    for (let t = 0; t < seq.batch.steps; t++) {
      if (x[t * ADDING_CHANNELS + 1] === 1) marked.push(x[t * ADDING_CHANNELS]!);
    }
    const target = (seq.batch.targets as Float32Array)[0]!;
    const output = seq.outputs[0]!;
    const error = (output - target) ** 2;
    return [index, exact(marked[0]!), exact(marked[1]!), exact(target), exact(output)]
      .concat([exact(error), score]);
  }
  const from = seq.batch.steps - COPY_SYMBOLS; // the last 10 steps write the symbols out
  const target = Array.from((seq.batch.targets as Int32Array).subarray(from)).join("");
  const pred = Array.from(argmaxRows(seq.outputs.subarray(from * C), C)).join("");
  return [index, target, pred, Math.round(score * COPY_SYMBOLS)];
}

/** A task model's predictions on its generated `split` at its T, as CSV. */
async function predictTask(
  model: SeqClassifier,
  { task, length }: TaskJob,
  split: (typeof SPLITS)[number],
  out: string | undefined,
): Promise<void> {
  const C = model.config.classes;
  const rows: (string | number)[][] = [];
  const set = taskSet(task, length, split);
  const { loss, score } = evaluateTask(model, task, set, (o, batch, B) => {
    for (let b = 0; b < B; b++) {
      rows.push(taskRow(task, rows.length, sequenceOf(o, batch, b, B, C), C));
    }
  });
  const text = stringify(rows, { header: true, columns: [...TASK_COLUMNS[task.name]] });
  const number = (x: number) => String(Number(x.toPrecision(7)));
  await emit(
    text,
    out,
    `wrote ${rows.length} predictions of the ${task.name} task's ${split} set (T = ${length}) ` +
      `to ${out}: loss ${number(loss)} (baseline ${number(task.baselineOn(set, length))}), ` +
      `score ${number(score)}`,
  );
}
