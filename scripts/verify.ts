/**
 * `deno task verify --onnx FILE --checkpoint FILE [--data FILE | --length T] [--batch-size 100]
 * [--tolerance 1e-4]`: run an exported model in onnxruntime-node and the checkpoint's model in
 * lstm-lab, print the largest absolute output difference, the share of equal predictions and
 * both scores, and exit 1 when the difference exceeds the tolerance (1e-4) or any prediction
 * differs.
 *
 * A digit-sum model runs over every line of `--data` (a digit-sum file of any length, labels
 * optional). A model of a generated task (adding, copy) runs over its task's fixed test set
 * (1000 sequences, the one its job was tested on), generated, at its training length or at
 * `--length T`; `--data` is refused for it.
 */
import { runMain } from "../lib/cli.ts";
import { readDigitSum } from "../lib/data/reader.ts";
import { UsageError, UserError } from "../lib/errors.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { loadCheckpointHashed } from "../lib/io/checkpoint.ts";
import { OnnxError, storedTrainLength, taskOfModel } from "../lib/io/onnx.ts";
import { createOnnxSession, type OnnxSession } from "../lib/io/onnx_run.ts";
import type { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { type GeneratedTaskName, taskOf } from "../lib/tasks/task.ts";
import { argmaxRows, predict } from "../lib/train/evaluate.ts";
import { taskSet } from "../lib/train/task_job.ts";

/** The declaration of `deno task verify`. */
const VERIFY = {
  name: "deno task verify",
  flags: declareFlags({
    onnx: { type: "path", required: true, arg: "FILE", help: "the exported model" },
    checkpoint: { type: "path", required: true, arg: "FILE", help: "its checkpoint" },
    data: {
      type: "path",
      arg: "FILE",
      usage: "[--data FILE | --length T]",
      help: "a digit-sum file (required for a digit-sum model, refused for a task model)",
    },
    length: {
      type: "int",
      min: 1,
      max: 10_000,
      usage: null,
      help: "a task model's T for its generated test set (default: its training length)",
    },
    "batch-size": {
      type: "int",
      default: 100,
      min: 1,
      max: 100_000,
      help: "sequences per onnxruntime call",
    },
    // Float32 rounding grows with the logits' size and the sequence length: a model run far
    // beyond its training length may need 1e-3.
    tolerance: {
      type: "float",
      default: 1e-4,
      min: 0,
      arg: "1e-4",
      help: "the largest absolute logit (or output) difference that passes",
    },
  }),
} as const;

/** What both kinds of model print and check. */
interface Comparison {
  /** The line saying what ran, e.g. `datasets/5/test.txt: 100 sequences of length 5, …`. */
  what: string;
  /** What the outputs are: `logit` or `output`. */
  unit: "logit" | "output";
  /** The largest absolute difference (NaN when any is NaN). */
  maxDiff: number;
  /** Equal arg-max predictions and how many there are; null for a regression. */
  predictions: { equal: number; total: number; unit: string } | null;
  /** The line of the two scores, e.g. `accuracy: onnxruntime 0.33, lstm-lab 0.33`. */
  scores: string;
}

await runMain(VERIFY, async ({ flags }) => {
  const { onnx: onnxPath, checkpoint: checkpointPath, tolerance } = flags;
  const { model, metadata, sha256 } = await loadCheckpointHashed(checkpointPath);
  const task = taskOfModel(model.config);
  let comparison: Comparison;
  let recordedSha: string;
  if (task === "adding" || task === "copy") {
    if (flags.data !== undefined) {
      throw new UsageError(
        `--data is for a digit-sum model; ${checkpointPath} is a model of the ${task} task, ` +
          `whose test set verify generates (--length T picks its T)`,
      );
    }
    const length = flags.length ?? storedTrainLength(metadata.lstm_lab_train);
    if (length === undefined) {
      throw new UsageError(
        `${checkpointPath} does not record the length it was trained at; give --length T`,
      );
    }
    const least = task === "adding" ? 2 : 1;
    if (length < least) {
      throw new UsageError(
        `--length must be at least ${least} for the ${task} task, got ${length}`,
      );
    }
    ({ comparison, recordedSha } = await compareTask(
      onnxPath,
      model,
      task,
      length,
      flags["batch-size"],
    ));
  } else if (task === "digit-sum") {
    if (flags.length !== undefined) {
      throw new UsageError(
        `--length is for a model of the adding or copy task; ${checkpointPath} is a ` +
          "digit-sum model, which reads --data FILE",
      );
    }
    if (flags.data === undefined) throw new UsageError("--data is required");
    ({ comparison, recordedSha } = await compareDigitSum(
      onnxPath,
      model,
      flags.data,
      flags["batch-size"],
    ));
  } else {
    const { input = "embedding", head = "last" } = model.config;
    throw new UserError(
      `${checkpointPath}: a model with ${
        input === "dense" ? `a dense input of ${model.config.vocab} channels` : "an embedding"
      } and a head at ${head === "every" ? "every step" : "the last step"} is neither the ` +
        "digit sum's nor a model of the adding or copy task; verify cannot make its inputs",
    );
  }

  const { maxDiff, predictions, unit } = comparison;
  console.log(
    `checkpoint sha256: ${
      recordedSha === ""
        ? "not recorded in the model"
        : recordedSha === sha256
        ? "as recorded in the model"
        : "differs from the one recorded in the model"
    }`,
  );
  console.log(comparison.what);
  console.log(
    `max |${unit} difference|: ${maxDiff.toExponential(2)} (limit ${tolerance.toExponential()})`,
  );
  if (predictions) {
    const { equal, total } = predictions;
    const of = predictions.unit === "" ? "" : ` ${predictions.unit}`;
    console.log(
      `equal predictions: ${equal}/${total}${of} (${(100 * equal / total).toFixed(2)}%)`,
    );
  }
  console.log(comparison.scores);
  const failures = [];
  if (!(maxDiff <= tolerance)) {
    failures.push(
      `max |${unit} difference| ${maxDiff.toExponential(2)} > ${tolerance.toExponential()}`,
    );
  }
  if (predictions && predictions.equal < predictions.total) {
    const { equal, total } = predictions;
    failures.push(`${total - equal} of ${total} predictions differ`);
  }
  if (failures.length > 0) {
    console.error(`error: ${onnxPath} does not match ${checkpointPath}: ${failures.join(", ")}`);
    return 1;
  }
  console.log(`ok: ${onnxPath} matches ${checkpointPath}`);
  return 0;
});

/** The largest absolute difference of two equally long arrays; a NaN sticks, and fails. */
function maxAbsDiff(ours: Float32Array, theirs: Float32Array): number {
  let maxDiff = 0;
  for (let k = 0; k < ours.length; k++) {
    const diff = Math.abs(ours[k]! - theirs[k]!);
    if (diff > maxDiff || Number.isNaN(diff)) maxDiff = diff;
  }
  return maxDiff;
}

/** Refuse a model whose class count is not the checkpoint's. */
function checkClasses(session: OnnxSession, onnxPath: string, C: number): void {
  if (session.classes !== C) {
    throw new OnnxError(
      `${onnxPath}: the model has ${session.classes} classes, the checkpoint ${C}`,
    );
  }
}

/** A digit-sum model over every line of a digit-sum file. */
async function compareDigitSum(
  onnxPath: string,
  model: SeqClassifier,
  dataPath: string,
  batchSize: number,
): Promise<{ comparison: Comparison; recordedSha: string }> {
  const C = model.config.classes;
  const data = await readDigitSum(dataPath, { numClasses: C, labels: "optional" });
  const { n, length } = data;

  const theirs = new Float32Array(n * C);
  const session = await createOnnxSession(onnxPath, undefined, model.config);
  const recordedSha = session.metadata.checkpoint_sha256 ?? "";
  try {
    checkClasses(session, onnxPath, C);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const digits = data.digits.subarray(start * length, (start + size) * length);
      theirs.set(await session.run(digits, size, length), start * C);
    }
  } finally {
    await session.release();
  }
  const ours = predict(model, data, batchSize);

  const oursPred = argmaxRows(ours, C);
  const theirsPred = argmaxRows(theirs, C);
  let equal = 0;
  let oursCorrect = 0;
  let theirsCorrect = 0;
  for (let i = 0; i < n; i++) {
    if (oursPred[i] === theirsPred[i]) equal++;
    if (oursPred[i] === data.labels[i]) oursCorrect++;
    if (theirsPred[i] === data.labels[i]) theirsCorrect++;
  }
  const accuracy = (correct: number) => data.hasLabels ? (correct / n).toFixed(4) : "n/a";
  return {
    comparison: {
      what: `${dataPath}: ${n} sequences of length ${length}, batch size ${batchSize}`,
      unit: "logit",
      maxDiff: maxAbsDiff(ours, theirs),
      predictions: { equal, total: n, unit: "" },
      scores: `accuracy: onnxruntime ${accuracy(theirsCorrect)}, lstm-lab ${accuracy(oursCorrect)}`,
    },
    recordedSha,
  };
}

/**
 * A generated task's model over its fixed test set at `length`: onnxruntime's outputs (batch-first,
 * `[n, C]` or `[n, steps, C]`) against lstm-lab's forward pass (time-major `[steps, B, C]` for a
 * head at every step, put batch-first to compare), in batches of `batchSize`.
 */
async function compareTask(
  onnxPath: string,
  model: SeqClassifier,
  name: GeneratedTaskName,
  length: number,
  batchSize: number,
): Promise<{ comparison: Comparison; recordedSha: string }> {
  const task = taskOf(name);
  const C = model.config.classes;
  const set = taskSet(task, length, "test");
  const steps = set[0]!.steps;
  const every = model.config.head === "every";
  const reads = every ? steps : 1; // outputs per sequence
  const perStep = model.config.input === "dense" ? model.config.vocab : 1; // input values a step
  const n = set.reduce((sum, batch) => sum + batch.inputs.length / (steps * perStep), 0);
  const inputs = model.config.input === "dense"
    ? new Float32Array(n * steps * perStep)
    : new Int32Array(n * steps);
  let at = 0;
  for (const batch of set) {
    inputs.set(batch.inputs, at);
    at += batch.inputs.length;
  }
  const chunk = (start: number, size: number) =>
    inputs.subarray(start * steps * perStep, (start + size) * steps * perStep);

  const theirs = new Float32Array(n * reads * C); // batch-first
  const session = await createOnnxSession(onnxPath, undefined, model.config);
  const recordedSha = session.metadata.checkpoint_sha256 ?? "";
  try {
    checkClasses(session, onnxPath, C);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      theirs.set(await session.run(chunk(start, size), size, steps), start * reads * C);
    }
  } finally {
    await session.release();
  }
  const ours = new Float32Array(n * reads * C); // batch-first, as onnxruntime's
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const out = model.forward(chunk(start, size), size, steps);
    if (every) batchFirst(ours.subarray(start * steps * C), out, size, steps, C);
    else ours.set(out, start * C);
  }

  let predictions: Comparison["predictions"] = null;
  if (task.loss === "cross-entropy") {
    const oursPred = argmaxRows(ours, C);
    const theirsPred = argmaxRows(theirs, C);
    const equal = oursPred.filter((p, k) => p === theirsPred[k]).length;
    predictions = { equal, total: n * reads, unit: every ? "steps" : "" };
  }
  const score = (outputs: Float32Array) => {
    let sum = 0;
    let first = 0;
    for (const batch of set) {
      const B = batch.inputs.length / (steps * perStep);
      const rows = outputs.subarray(first * reads * C, (first + B) * reads * C);
      sum += task.score(every ? timeMajor(rows, B, steps, C) : rows, batch, B);
      first += B;
    }
    return (sum / set.length).toFixed(4);
  };
  return {
    comparison: {
      what: `${name} test set at T = ${length}: ${n} sequences of ${steps} steps, ` +
        `batch size ${batchSize}`,
      unit: every ? "logit" : "output",
      maxDiff: maxAbsDiff(ours, theirs),
      predictions,
      scores: `score: onnxruntime ${score(theirs)}, lstm-lab ${score(ours)}`,
    },
    recordedSha,
  };
}

/** `[B, T, C]` (into `out`) of time-major `[T, B, C]` values. */
function batchFirst(out: Float32Array, values: Float32Array, B: number, T: number, C: number) {
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      out.set(values.subarray((t * B + b) * C, (t * B + b + 1) * C), (b * T + t) * C);
    }
  }
}

/** `[T, B, C]` of batch-first `[B, T, C]` values. */
function timeMajor(values: Float32Array, B: number, T: number, C: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      out.set(values.subarray((b * T + t) * C, (b * T + t + 1) * C), (t * B + b) * C);
    }
  }
  return out;
}
