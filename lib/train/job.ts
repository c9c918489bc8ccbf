/**
 * One training job (cell × length × seed) under the book's protocol: Adam steps over the
 * training set, dev accuracy every `evalSteps` steps and at the last step, the best checkpoint
 * written only when dev accuracy is strictly higher than before, and the test accuracy of that
 * best checkpoint reported.
 *
 * Everything the job writes lives in its folder: `config.json`, `metrics.csv`,
 * `best.safetensors`, `last.safetensors` (parameters, Adam moments, step and generator state,
 * written atomically at every evaluation) and, once finished, `result.json`. A job killed at any
 * moment resumes from `last.safetensors` and ends with the same bytes as an uninterrupted one.
 * @module
 */

import { batchCount, batches, permutation } from "../data/batches.ts";
import { MT19937 } from "../data/mt19937.ts";
import { UserError } from "../errors.ts";
import { checkpointBytes, modelFromCheckpointBytes } from "../io/checkpoint.ts";
import { initParams } from "../model/init.ts";
import { SeqClassifier } from "../model/seq_classifier.ts";
import { RecurrentThreads, threadsPay } from "../nn/threads.ts";
import { Adam, clipGradNorm } from "../optim/adam.ts";
import { formatConfig, type JobConfig, parseJobConfig, sameConfig } from "../run/config.ts";
import { jobName } from "../run/job_name.ts";
import { formatMetricsRow, METRICS_HEADER, parseMetrics } from "../run/metrics.ts";
import { hasMemorySplit } from "../run/migrate.ts";
import { formatJobResult, type JobResult, type JobStatus, parseJobResult } from "../run/result.ts";
import { initOptionsOf, modelConfigOf } from "./config.ts";
import { EVAL_BATCH_SIZE, evaluate, majorityRate } from "./evaluate.ts";
import type { JobData } from "./job_data.ts";
import { diskFolder, type JobFolder } from "./job_folder.ts";
import {
  type JobState,
  lastCheckpointBytes,
  loadParams,
  restoreLastCheckpoint,
} from "./job_state.ts";
import { testMemorySplit } from "./noise_errors.ts";
import { spaceFields } from "./space_accuracy.ts";
import { runTaskJob, withTestBaseline } from "./task_job.ts";

/** A snapshot for progress bars and logs. */
export interface JobProgress {
  /** Steps done. */
  step: number;
  /** Steps of the whole job. */
  totalSteps: number;
  /** Mean training loss over the steps since the previous report. */
  trainLoss: number;
  /** Best dev accuracy so far (NaN before the first evaluation). */
  bestDevAcc: number;
  /** Seconds of training so far (this session). */
  elapsedS: number;
}

/** Callbacks of {@linkcode runJob}. */
export interface JobHooks {
  /** Called every `progressEvery` steps and at each evaluation. */
  onProgress?: (progress: JobProgress) => void;
  /** Polled every step; when it returns true the job saves its state and returns. */
  shouldStop?: () => boolean;
  /** Steps between progress reports (default 250). */
  progressEvery?: number;
}

/** Options of {@linkcode runJob}. */
export interface RunJobOptions {
  /** Continue the job from its folder (default false: the folder must be empty or absent). */
  resume?: boolean;
  /** Progress reports and the stop flag. */
  hooks?: JobHooks;
  /**
   * Int32Array[1] over shared memory: how many of the pool's threads are idle. The job takes one,
   * when there is one and a second thread pays off, for its recurrences (`RecurrentThreads`,
   * bit-identical results), and gives it back when it ends.
   */
  idleThreads?: Int32Array;
}

/** The dev accuracy that counts as having started to learn: three times chance (0.1). */
export const LEARNING_DEV_ACC = 0.3;

/**
 * Run (or resume) one job in `dir` (a path, or a {@linkcode JobFolder} such as the web lab's
 * folder in memory). A job of a generated task (`config.task`, with `data` null) is trained by
 * lib/train/task_job.ts. With `resume`, a finished job returns its stored result and an unfinished one
 * continues from `last.safetensors`; without it, the folder must be empty or absent. All file
 * writes are synchronous and atomic.
 *
 * The steps: {@linkcode checkJobFolder} (and the stored result of a finished job), then
 * `startTraining` (a new model, or the state of `last.safetensors`), `trainEpochs` (steps,
 * evaluations, the best checkpoint, early stopping) and `finishJob` (the test accuracy of the best
 * checkpoint, its accuracy over the input space at the length, and `result.json`).
 *
 * @example A tiny job: 2 epochs of length-5 data
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_PRESET, readJobData, runJob } from "../../mod.ts";
 * const data = await readJobData("datasets", 5);
 * const dir = await Deno.makeTempDir();
 * const config = { ...BOOK_PRESET, cell: "lstm" as const, length: 5, seed: 0, epochs: 2, evalSteps: 50 };
 * const result = runJob(config, data, dir);
 * assert.deepEqual([result.steps, result.status], [76, "done"]);
 * ```
 */
export function runJob(
  config: JobConfig,
  data: JobData | null,
  dir: string | JobFolder,
  { resume = false, hooks = {}, idleThreads }: RunJobOptions = {},
): JobResult {
  const folder = typeof dir === "string" ? diskFolder(dir) : dir;
  if (config.task) {
    return checkJobFolder(folder, config, null, resume) ??
      runTaskJob(config, folder, resume, hooks);
  }
  if (!data) throw new UserError(`${jobName(config)}: a digit-sum job needs its data`);
  checkData(config, data);
  const finished = checkJobFolder(folder, config, data, resume);
  if (finished) return finished;
  const training = startTraining(config, data, folder, resume, idleThreads);
  const { status, message } = trainEpochs(training, hooks);
  return finishJob(training, status, message);
}

/**
 * Check that `folder` may hold a job of `config`: files there need `resume` and the same
 * settings (whatever format version its `config.json` has). Returns the stored result when the
 * job has finished already (with the memory split computed from its checkpoint when it predates
 * the split, for a digit-sum job: `data` given), null otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_PRESET, readJobData } from "../../mod.ts";
 * import { checkJobFolder } from "./job.ts";
 * import { diskFolder } from "./job_folder.ts";
 * const data = await readJobData("datasets", 5);
 * const config = { ...BOOK_PRESET, cell: "lstm" as const, length: 5, seed: 0 };
 * assert.equal(checkJobFolder(diskFolder(await Deno.makeTempDir()), config, data, false), null);
 * ```
 */
export function checkJobFolder(
  folder: JobFolder,
  config: JobConfig,
  data: JobData | null,
  resume: boolean,
): JobResult | null {
  const existing = folder.list();
  if (existing.length > 0 && !resume) {
    throw new UserError(
      `${folder.dir} already holds files; pass --resume to continue, or another --out`,
    );
  }
  if (existing.includes("config.json")) {
    const path = folder.path("config.json");
    if (!sameConfig(parseJobConfig(folder.readText("config.json")!, path), config)) {
      throw new UserError(
        `${path} differs from this command's settings; resume with the same flags, or use another --out`,
      );
    }
  }
  if (!resume || !existing.includes("result.json")) return null;
  const stored = parseJobResult(folder.readText("result.json")!, folder.path("result.json"));
  const measured = stored.space_n !== undefined;
  if (data === null) return stored.task ? withTestBaseline(stored) : stored;
  if (hasMemorySplit(stored) && measured) return stored;
  // a job trained before the memory split or the input-space measure: both from its checkpoint
  const bytes = folder.readBytes("best.safetensors");
  const best = bytes
    ? modelFromCheckpointBytes(bytes, folder.path("best.safetensors")).model
    : null;
  const split = hasMemorySplit(stored)
    ? {}
    : { ...testMemorySplit(best, data.test), first_learning_step: firstLearningStep(folder) };
  return { ...stored, ...split, ...(measured ? {} : spaceFields(best, stored.length)) };
}

/** A job being trained: its model, optimiser, generators and the state of its progress. */
interface Training {
  config: JobConfig;
  data: JobData;
  folder: JobFolder;
  model: SeqClassifier;
  adam: Adam;
  /** Offset of the first trained parameter (past a frozen embedding). */
  trainable: number;
  /** Initialises, then shuffles. */
  rng: MT19937;
  /** Input dropout's own stream, so that resuming mid-epoch replays it exactly. */
  dropoutRng: MT19937;
  /** The pool's idle threads, when the job may take one. */
  idleThreads: Int32Array | null;
  step: number;
  bestDevAcc: number;
  bestStep: number;
  bestParams: Float32Array | null;
  evalsWithoutGain: number;
  /** Wall seconds of earlier sessions of a resumed job. */
  priorWallS: number;
  /** performance.now() when this session's training started. */
  started: number;
  /** Metrics rows not yet appended to metrics.csv (written with each `last.safetensors`). */
  pendingRows: string[];
  /** `rng`'s state at the start of the current epoch. */
  epochRng: ReturnType<MT19937["getState"]>;
}

/**
 * A new model (initialised from the seed, `config.json` written), or the one `last.safetensors`
 * holds when resuming; metrics.csv restarts from what that checkpoint covers, so nothing
 * half-written survives.
 */
function startTraining(
  config: JobConfig,
  data: JobData,
  folder: JobFolder,
  resume: boolean,
  idleThreads: Int32Array | undefined,
): Training {
  // a second thread pays only from a certain size (threadsPay), in training or in the evaluations
  const { cell, batchSize, hidden } = config;
  const evalBatch = Math.min(EVAL_BATCH_SIZE, data.dev.n);
  const threadUseful = idleThreads !== undefined &&
    (threadsPay(cell, batchSize, hidden) || threadsPay(cell, evalBatch, hidden));
  const model = new SeqClassifier(modelConfigOf(config), undefined, { shared: threadUseful });
  model.freezeEmbedding = config.freezeEmbedding;
  const trainable = config.freezeEmbedding ? model.specs[1]!.offset : 0;
  const adam = new Adam(model.params.subarray(trainable), model.grads.subarray(trainable), {
    lr: config.lr,
    weightDecay: config.weightDecay,
  });
  const rng = new MT19937(config.seed);
  const t: Training = {
    config,
    data,
    folder,
    model,
    adam,
    trainable,
    rng,
    dropoutRng: new MT19937((config.seed ^ 0x5bd1e995) >>> 0),
    idleThreads: threadUseful ? idleThreads! : null,
    step: 0,
    bestDevAcc: NaN,
    bestStep: 0,
    bestParams: null,
    evalsWithoutGain: 0,
    priorWallS: 0,
    started: 0,
    pendingRows: [],
    epochRng: rng.getState(),
  };
  let metricsRows: string[] = [];
  if (resume && folder.list().includes("last.safetensors")) {
    const state = restoreLastCheckpoint(folder, model, adam, rng);
    t.dropoutRng.setState(state.dropoutRng);
    t.step = state.step;
    t.bestDevAcc = state.bestDevAcc;
    t.bestStep = state.bestStep;
    t.priorWallS = state.wallS;
    t.evalsWithoutGain = state.evalsWithoutGain;
    if (t.bestStep > 0) t.bestParams = loadParams(folder, "best.safetensors");
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

/** When {@linkcode runJob} takes an idle thread of the pool for its recurrences: at a step. */
function takeIdleThread(t: Training): void {
  const idle = t.idleThreads;
  if (!idle || t.model.threads) return;
  const count = Atomics.load(idle, 0);
  if (count > 0 && Atomics.compareExchange(idle, 0, count, count - 1) === count) {
    t.model.threads = new RecurrentThreads();
  }
}

/** Give the thread taken by {@linkcode takeIdleThread} back to the pool. */
function returnThread(t: Training): void {
  if (!t.model.threads) return;
  t.model.threads.close();
  t.model.threads = null;
  Atomics.add(t.idleThreads!, 0, 1);
}

/** Seconds of training in this session. */
function elapsed(t: Training): number {
  return (performance.now() - t.started) / 1000;
}

/** Append the pending metrics rows, then write `last.safetensors`. */
function saveLast(t: Training, perEpoch: number): void {
  if (t.pendingRows.length > 0) {
    t.folder.append("metrics.csv", t.pendingRows.map((r) => r + "\n").join(""));
    t.pendingRows = [];
  }
  const state: JobState = {
    step: t.step,
    adamStep: t.adam.t,
    epochRng: t.step % perEpoch === 0 ? t.rng.getState() : t.epochRng,
    dropoutRng: t.dropoutRng.getState(),
    bestDevAcc: t.bestDevAcc,
    bestStep: t.bestStep,
    evalsWithoutGain: t.evalsWithoutGain,
    wallS: t.priorWallS + elapsed(t),
  };
  t.folder.write(
    "last.safetensors",
    lastCheckpointBytes(t.model, t.adam, t.trainable, state, t.config),
  );
}

/** Evaluate on the dev set; a strictly better accuracy becomes the best checkpoint. */
function evaluateDev(t: Training): { devLoss: number; devAcc: number } {
  const { accuracy: devAcc, loss: devLoss } = evaluate(t.model, t.data.dev);
  if (!(devAcc <= t.bestDevAcc)) {
    t.bestDevAcc = devAcc;
    t.bestStep = t.step;
    t.bestParams = new Float32Array(t.model.params);
    const metadata = { lstm_lab_train: t.config, step: t.step, dev_acc: devAcc };
    t.folder.write("best.safetensors", checkpointBytes(t.model, { metadata }));
    t.evalsWithoutGain = 0;
  } else {
    t.evalsWithoutGain++;
  }
  return { devLoss, devAcc };
}

/**
 * The training loop: epochs of Adam steps from where `t` stands, an evaluation every
 * `evalSteps` steps (and at the last) with `last.safetensors` saved, until the last epoch, early
 * stopping, a stop request or a non-finite loss. Returns how it ended.
 */
function trainEpochs(t: Training, hooks: JobHooks): { status: JobStatus; message?: string } {
  const { config, model, adam, rng } = t;
  const train = t.data.train;
  const T = config.length;
  const perEpoch = batchCount(train.n, config.batchSize);
  const totalSteps = config.epochs * perEpoch;
  const progressEvery = hooks.progressEvery ?? 250;
  const chance = majorityRate(train.labels);
  const dropout = config.inputDropout > 0 ? { p: config.inputDropout, rng: t.dropoutRng } : null;
  let lossSinceReport = 0;
  let stepsSinceReport = 0;
  const report = () => {
    hooks.onProgress?.({
      step: t.step,
      totalSteps,
      trainLoss: stepsSinceReport > 0 ? lossSinceReport / stepsSinceReport : NaN,
      bestDevAcc: t.bestDevAcc,
      elapsedS: elapsed(t),
    });
    lossSinceReport = 0;
    stepsSinceReport = 0;
  };
  const end = (status: JobStatus, message?: string) => {
    if (status === "interrupted" || status === "diverged") saveLast(t, perEpoch);
    report();
    returnThread(t);
    return { status, ...(message ? { message } : {}) };
  };

  t.started = performance.now();
  for (let epoch = Math.floor(t.step / perEpoch); epoch < config.epochs; epoch++) {
    t.epochRng = rng.getState();
    const order = config.shuffle ? permutation(train.n, rng) : undefined;
    let batchIndex = 0;
    for (const batch of batches(train, config.batchSize, order)) {
      if (batchIndex++ < t.step - epoch * perEpoch) continue; // resumed mid-epoch
      if (hooks.shouldStop?.()) return end("interrupted");
      t.step++;
      takeIdleThread(t);
      model.zeroGrad();
      const loss = model.lossAndBackward(batch.digits, batch.labels, batch.size, T, { dropout });
      if (!Number.isFinite(loss)) {
        const message = `${jobName(config)}: training loss is ${loss} at step ${t.step} ` +
          `(epoch ${epoch + 1}); stopped, keeping the best checkpoint (step ${t.bestStep})`;
        t.step--;
        return end("diverged", message);
      }
      if (config.clip > 0) clipGradNorm(model.grads.subarray(t.trainable), config.clip);
      adam.step();
      lossSinceReport += loss;
      stepsSinceReport++;
      const isEval = t.step % config.evalSteps === 0 || t.step === totalSteps;
      const { devLoss, devAcc } = isEval ? evaluateDev(t) : { devLoss: NaN, devAcc: NaN };
      t.pendingRows.push(
        formatMetricsRow({ step: t.step, epoch: epoch + 1, trainLoss: loss, devLoss, devAcc }),
      );
      if (isEval) {
        saveLast(t, perEpoch);
        report();
        // patience waits for minEpochs, and for the model to beat always answering the most
        // common training label: a job still at chance may be about to start learning
        const patient = t.evalsWithoutGain >= config.patience && epoch + 1 >= config.minEpochs &&
          t.bestDevAcc > chance;
        if (config.patience > 0 && (t.bestDevAcc >= 1 || patient)) return end("early-stop");
      } else if (t.step % progressEvery === 0) {
        report();
      }
    }
  }
  return end("done");
}

/**
 * The test accuracy of the best checkpoint (stored in it), the memory split and the first
 * learning step; `result.json` unless the job was interrupted.
 */
function finishJob(t: Training, status: JobStatus, message?: string): JobResult {
  const { config, folder } = t;
  const test = t.data.test;
  let testAcc = NaN;
  let best: SeqClassifier | null = null;
  if (t.bestParams) {
    best = new SeqClassifier(t.model.config, t.bestParams);
    testAcc = evaluate(best, test).accuracy;
    const metadata = {
      lstm_lab_train: config,
      step: t.bestStep,
      dev_acc: t.bestDevAcc,
      test_acc: testAcc,
    };
    folder.write("best.safetensors", checkpointBytes(best, { metadata }));
  }
  const result: JobResult = {
    cell: config.cell,
    length: config.length,
    seed: config.seed,
    best_dev_acc: t.bestDevAcc,
    best_step: t.bestStep,
    test_acc: testAcc,
    ...testMemorySplit(best, test),
    first_learning_step: firstLearningStep(folder),
    steps: t.step,
    wall_s: Math.round((t.priorWallS + elapsed(t)) * 10) / 10,
    status,
    ...(message ? { message } : {}),
    ...spaceFields(best, config.length),
  };
  if (status !== "interrupted") folder.write("result.json", formatJobResult(result));
  return result;
}

/** The first evaluation step in `metrics.csv` with dev accuracy ≥ 0.3 (NaN when none). */
function firstLearningStep(folder: JobFolder): number {
  const text = folder.readText("metrics.csv") ?? "";
  for (const row of parseMetrics(text, folder.path("metrics.csv"), { complete: true })) {
    if (row.devAcc >= LEARNING_DEV_ACC) return row.step;
  }
  return NaN;
}

function checkData(config: JobConfig, data: JobData): void {
  for (const split of ["train", "dev", "test"] as const) {
    const d = data[split];
    if (d.length !== config.length) {
      throw new UserError(
        `the ${split} set has sequences of length ${d.length}, expected ${config.length}`,
      );
    }
    if (!d.hasLabels) throw new UserError(`the ${split} set has no labels`);
  }
}
