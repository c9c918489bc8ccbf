/**
 * One training job of a generated task (`JobConfig.task`: the adding problem or the copy task):
 * `steps` Adam steps, each on a fresh batch drawn from the job's generator (seeded by the job's
 * seed, after it initialised the weights); the dev loss every `evalSteps` steps and at the last;
 * the best checkpoint is the one of the lowest dev loss, and its test loss and score are reported
 * beside the memoryless baseline's loss on the same test set ({@linkcode testBaseline}).
 *
 * Dev and test sets are fixed per (task, T): {@linkcode TASK_DEV_EXAMPLES} and
 * {@linkcode TASK_TEST_EXAMPLES} sequences drawn from generators seeded 1,000,000 + T and
 * 2,000,000 + T, the same for every cell and seed. The job writes what a digit-sum job writes
 * (`config.json`, `metrics.csv` with the dev loss and score, `best.safetensors`,
 * `last.safetensors` with the generator's state, `result.json`), and a resumed job ends with the
 * same bytes as an uninterrupted one. Not used for task jobs: `epochs`, `shuffle`,
 * `inputDropout`, `freezeEmbedding`, `patience` and `minEpochs` (every job trains all its steps).
 * @module
 */

import { MT19937 } from "../data/mt19937.ts";
import { UserError } from "../errors.ts";
import { checkpointBytes } from "../io/checkpoint.ts";
import { initParams } from "../model/init.ts";
import { SeqClassifier } from "../model/seq_classifier.ts";
import { Adam, clipGradNorm } from "../optim/adam.ts";
import { formatConfig, type JobConfig } from "../run/config.ts";
import { jobName } from "../run/job_name.ts";
import { formatMetricsRow, METRICS_HEADER, parseMetrics } from "../run/metrics.ts";
import { formatJobResult, type JobResult, type JobStatus } from "../run/result.ts";
import { type GeneratedTaskName, type Task, type TaskBatch, taskOf } from "../tasks/task.ts";
import { initOptionsOf, modelConfigOf } from "./config.ts";
import type { JobHooks } from "./job.ts";
import type { JobFolder } from "./job_folder.ts";
import { lastCheckpointBytes, loadParams, restoreLastCheckpoint } from "./job_state.ts";

/** Sequences in a task's dev set (picks the best checkpoint). */
export const TASK_DEV_EXAMPLES = 500;
/** Sequences in a task's test set (reported for the best checkpoint). */
export const TASK_TEST_EXAMPLES = 1000;
/** Sequences per evaluation batch. */
const CHUNK = 100;

/**
 * The dev or test set of `task` at `length`: batches of 100 sequences, the same on every call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskOf } from "../tasks/task.ts";
 * import { taskSet } from "./task_job.ts";
 * const dev = taskSet(taskOf("copy"), 5, "dev");
 * assert.deepEqual([dev.length, dev[0]!.steps], [5, 25]);
 * assert.deepEqual(dev[0]!.inputs, taskSet(taskOf("copy"), 5, "dev")[0]!.inputs);
 * ```
 */
export function taskSet(task: Task, length: number, split: "dev" | "test"): TaskBatch[] {
  const rng = new MT19937((split === "dev" ? 1_000_000 : 2_000_000) + length);
  const n = split === "dev" ? TASK_DEV_EXAMPLES : TASK_TEST_EXAMPLES;
  return Array.from({ length: n / CHUNK }, () => task.batch(rng, CHUNK, length));
}

/** What {@linkcode evaluateTask} returns. */
export interface TaskEvaluation {
  /** The mean loss per step (per sequence for a head at the last step). */
  loss: number;
  /** The task's score, a share (NaN when it has none). */
  score: number;
}

/**
 * The mean loss and score of `model` over `set` (batches of equal size); `visit`, when given,
 * sees each batch's outputs (`[B, C]`, or `[T, B, C]` time-major for a head at every step: valid
 * only during the call) before they are scored — what `deno task predict` writes per sequence.
 *
 * @example An untrained copy model is near chance on the symbols
 * ```ts
 * import assert from "node:assert/strict";
 * import { initParams, SeqClassifier } from "../../mod.ts";
 * import { taskOf } from "../tasks/task.ts";
 * import { evaluateTask, taskSet } from "./task_job.ts";
 * const copy = taskOf("copy");
 * const model = new SeqClassifier(copy.model("lstm", 8, 8));
 * initParams(model, { init: "torch", seed: 0 });
 * const { loss, score } = evaluateTask(model, copy, taskSet(copy, 5, "dev"));
 * assert.ok(loss > 1 && score < 0.3);
 * ```
 */
export function evaluateTask(
  model: SeqClassifier,
  task: Task,
  set: TaskBatch[],
  visit?: (outputs: Float32Array, batch: TaskBatch, B: number) => void,
): TaskEvaluation {
  let loss = 0;
  let score = 0;
  for (const batch of set) {
    const B = CHUNK;
    const outputs = model.forward(batch.inputs, B, batch.steps);
    visit?.(outputs, batch, B);
    score += task.score(outputs, batch, B);
    loss += model.lossOfLastForward(batch.targets, B, batch.steps);
  }
  return { loss: loss / set.length, score: score / set.length };
}

/**
 * The memoryless baseline's loss on the fixed test set of `task` at `length`: the `baseline` a
 * task job reports beside its test loss.
 *
 * @example The adding problem's 1,000 test sequences at T = 750 ask more than 1/6 of a
 * constant guess
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskOf } from "../tasks/task.ts";
 * import { testBaseline } from "./task_job.ts";
 * assert.equal(testBaseline(taskOf("adding"), 750).toFixed(4), "0.1780");
 * assert.equal(testBaseline(taskOf("copy"), 100), taskOf("copy").baseline(100));
 * ```
 */
export function testBaseline(task: Task, length: number): number {
  return task.baselineOn(taskSet(task, length, "test"), length);
}

/**
 * A finished task job's stored result with its `baseline` that of its test set
 * ({@linkcode testBaseline}): results written before 2026-12-08 stored the expected 1/6.
 */
export function withTestBaseline(result: JobResult): JobResult {
  const name = result.task as GeneratedTaskName;
  return { ...result, baseline: testBaseline(taskOf(name), result.length) };
}

/**
 * A task model's dev and test evaluation on the fixed sets of `task` at `length`, and the
 * baseline's loss on that test set: what a task job reports for its best checkpoint, and what
 * `deno task eval` recomputes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initParams, SeqClassifier } from "../../mod.ts";
 * import { taskOf } from "../tasks/task.ts";
 * import { evaluateTaskSets } from "./task_job.ts";
 * const adding = taskOf("adding");
 * const model = new SeqClassifier(adding.model("gru", 2, 4));
 * initParams(model, { init: "torch", seed: 0 });
 * const { dev, test } = evaluateTaskSets(model, adding, 5);
 * assert.ok(dev.loss > 0 && test.loss > 0 && test.score < 1);
 * ```
 */
export function evaluateTaskSets(
  model: SeqClassifier,
  task: Task,
  length: number,
  dev: TaskBatch[] = taskSet(task, length, "dev"),
): { dev: TaskEvaluation; test: TaskEvaluation; baseline: number } {
  const test = taskSet(task, length, "test");
  return {
    dev: evaluateTask(model, task, dev),
    test: evaluateTask(model, task, test),
    baseline: task.baselineOn(test, length),
  };
}

/** A task job being trained. */
interface TaskTraining {
  config: JobConfig;
  task: Task;
  folder: JobFolder;
  model: SeqClassifier;
  adam: Adam;
  /** Initialises, then draws every batch. */
  rng: MT19937;
  dev: TaskBatch[];
  step: number;
  bestDevLoss: number;
  bestStep: number;
  bestParams: Float32Array | null;
  priorWallS: number;
  started: number;
  pendingRows: string[];
}

/**
 * Run (or resume) one task job in `folder`; `finished` is what `checkJobFolder` found there.
 * Called by `runJob` for a config with a `task`.
 */
export function runTaskJob(
  config: JobConfig,
  folder: JobFolder,
  resume: boolean,
  hooks: JobHooks,
): JobResult {
  const t = startTaskTraining(config, folder, resume);
  const { status, message } = trainSteps(t, hooks);
  return finishTaskJob(t, status, message);
}

/** Steps of a task job, checked. */
function stepsOf(config: JobConfig): number {
  const steps = config.steps;
  if (!Number.isSafeInteger(steps) || steps! < 1) {
    throw new UserError(`${jobName(config)}: a ${config.task} job needs steps >= 1, got ${steps}`);
  }
  return steps!;
}

function startTaskTraining(config: JobConfig, folder: JobFolder, resume: boolean): TaskTraining {
  const task = taskOf(config.task!);
  stepsOf(config);
  const model = new SeqClassifier(modelConfigOf(config));
  const adam = new Adam(model.params, model.grads, {
    lr: config.lr,
    weightDecay: config.weightDecay,
  });
  const rng = new MT19937(config.seed);
  const t: TaskTraining = {
    config,
    task,
    folder,
    model,
    adam,
    rng,
    dev: taskSet(task, config.length, "dev"),
    step: 0,
    bestDevLoss: Infinity,
    bestStep: 0,
    bestParams: null,
    priorWallS: 0,
    started: 0,
    pendingRows: [],
  };
  let metricsRows: string[] = [];
  if (resume && folder.list().includes("last.safetensors")) {
    const state = restoreLastCheckpoint(folder, model, adam, rng);
    t.step = state.step;
    t.bestStep = state.bestStep;
    t.priorWallS = state.wallS;
    if (t.bestStep > 0) {
      t.bestDevLoss = state.bestDevAcc; // a task job keeps its best dev loss there
      t.bestParams = loadParams(folder, "best.safetensors");
    }
    const text = folder.readText("metrics.csv") ?? "";
    metricsRows = parseMetrics(text, folder.path("metrics.csv"), { complete: true })
      .filter((row) => row.step <= t.step)
      .map(formatMetricsRow);
  } else {
    initParams(model, initOptionsOf(config, rng));
    folder.create();
    folder.write("config.json", formatConfig(config));
  }
  folder.write("metrics.csv", METRICS_HEADER + metricsRows.map((r) => r + "\n").join(""));
  return t;
}

function elapsed(t: TaskTraining): number {
  return (performance.now() - t.started) / 1000;
}

/** Append the pending metrics rows, then write `last.safetensors` (the generator after `step`). */
function saveLast(t: TaskTraining): void {
  if (t.pendingRows.length > 0) {
    t.folder.append("metrics.csv", t.pendingRows.map((r) => r + "\n").join(""));
    t.pendingRows = [];
  }
  const rngState = t.rng.getState();
  const state = {
    step: t.step,
    adamStep: t.adam.t,
    epochRng: rngState,
    dropoutRng: rngState,
    bestDevAcc: t.bestDevLoss,
    bestStep: t.bestStep,
    evalsWithoutGain: 0,
    wallS: t.priorWallS + elapsed(t),
  };
  t.folder.write("last.safetensors", lastCheckpointBytes(t.model, t.adam, 0, state, t.config));
}

/** The training loop: fresh batches, an evaluation every `evalSteps` and at the last step. */
function trainSteps(t: TaskTraining, hooks: JobHooks): { status: JobStatus; message?: string } {
  const { config, model, adam, rng, task } = t;
  const totalSteps = stepsOf(config);
  const progressEvery = hooks.progressEvery ?? 250;
  let bestDevScore = NaN;
  let lossSinceReport = 0;
  let stepsSinceReport = 0;
  const report = () => {
    hooks.onProgress?.({
      step: t.step,
      totalSteps,
      trainLoss: stepsSinceReport > 0 ? lossSinceReport / stepsSinceReport : NaN,
      bestDevAcc: bestDevScore,
      elapsedS: elapsed(t),
    });
    lossSinceReport = 0;
    stepsSinceReport = 0;
  };
  const end = (status: JobStatus, message?: string) => {
    if (status === "interrupted" || status === "diverged") saveLast(t);
    report();
    return { status, ...(message ? { message } : {}) };
  };

  t.started = performance.now();
  while (t.step < totalSteps) {
    if (hooks.shouldStop?.()) return end("interrupted");
    const saved = rng.getState();
    const batch = task.batch(rng, config.batchSize, config.length);
    t.step++;
    model.zeroGrad();
    const loss = model.lossAndBackward(batch.inputs, batch.targets, config.batchSize, batch.steps);
    if (!Number.isFinite(loss)) {
      const message = `${jobName(config)}: training loss is ${loss} at step ${t.step}; stopped, ` +
        `keeping the best checkpoint (step ${t.bestStep})`;
      t.step--;
      rng.setState(saved); // last.safetensors resumes at this step's batch
      return end("diverged", message);
    }
    if (config.clip > 0) clipGradNorm(model.grads, config.clip);
    adam.step();
    lossSinceReport += loss;
    stepsSinceReport++;
    const isEval = t.step % config.evalSteps === 0 || t.step === totalSteps;
    let dev = { loss: NaN, score: NaN };
    if (isEval) {
      dev = evaluateTask(model, task, t.dev);
      if (dev.loss < t.bestDevLoss) {
        t.bestDevLoss = dev.loss;
        t.bestStep = t.step;
        bestDevScore = dev.score;
        t.bestParams = new Float32Array(model.params);
        const metadata = { lstm_lab_train: config, step: t.step, dev_loss: dev.loss };
        t.folder.write("best.safetensors", checkpointBytes(model, { metadata }));
      }
    }
    t.pendingRows.push(
      formatMetricsRow({
        step: t.step,
        epoch: 1,
        trainLoss: loss,
        devLoss: dev.loss,
        devAcc: dev.score,
      }),
    );
    if (isEval) {
      saveLast(t);
      report();
    } else if (t.step % progressEvery === 0) {
      report();
    }
  }
  return end("done");
}

/** The best checkpoint's dev and test evaluation, and `result.json` unless interrupted. */
function finishTaskJob(t: TaskTraining, status: JobStatus, message?: string): JobResult {
  const { config, folder, task } = t;
  let dev = { loss: NaN, score: NaN };
  let test = { loss: NaN, score: NaN };
  let baseline = NaN;
  if (t.bestParams) {
    const best = new SeqClassifier(t.model.config, t.bestParams);
    ({ dev, test, baseline } = evaluateTaskSets(best, task, config.length, t.dev));
    const metadata = {
      lstm_lab_train: config,
      step: t.bestStep,
      dev_loss: dev.loss,
      test_loss: test.loss,
    };
    folder.write("best.safetensors", checkpointBytes(best, { metadata }));
  }
  const result: JobResult = {
    cell: config.cell,
    length: config.length,
    seed: config.seed,
    best_dev_acc: dev.score,
    best_step: t.bestStep,
    test_acc: test.score,
    test_acc_memory: NaN,
    test_acc_adjacent: NaN,
    n_memory: NaN,
    n_adjacent: NaN,
    first_learning_step: NaN,
    steps: t.step,
    wall_s: Math.round((t.priorWallS + elapsed(t)) * 10) / 10,
    status,
    ...(message ? { message } : {}),
    task: task.name,
    best_dev_loss: dev.loss,
    test_loss: test.loss,
    baseline: t.bestParams ? baseline : testBaseline(task, config.length),
  };
  if (status !== "interrupted") folder.write("result.json", formatJobResult(result));
  return result;
}
