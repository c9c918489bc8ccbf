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
import { MT19937, type MT19937State } from "../data/mt19937.ts";
import type { DigitSumData } from "../data/reader.ts";
import { UserError } from "../errors.ts";
import { checkpointBytes, modelFromCheckpointBytes } from "../io/checkpoint.ts";
import { initParams } from "../model/init.ts";
import { SeqClassifier } from "../model/seq_classifier.ts";
import { RecurrentThreads, threadsPay } from "../nn/threads.ts";
import { Adam, clipGradNorm } from "../optim/adam.ts";
import { initOptionsOf, jobName, modelConfigOf, type TrainConfig } from "./config.ts";
import { EVAL_BATCH_SIZE, evaluate, majorityRate } from "./evaluate.ts";
import { diskFolder, type JobFolder } from "./job_folder.ts";
import { testMemorySplit } from "./noise_errors.ts";
import { formatMetricsRow, METRICS_HEADER, parseMetricsLine, parseMetricsRows } from "./metrics.ts";

/** The three splits of one length. */
export interface JobData {
  /** Training set. */
  train: DigitSumData;
  /** Dev set: picks the best checkpoint. */
  dev: DigitSumData;
  /** Test set: reported for the best checkpoint only. */
  test: DigitSumData;
}

/** How a job ended. */
export type JobStatus = "done" | "early-stop" | "interrupted" | "diverged";

/** One row of `summary.csv`, plus how the job ended. */
export interface JobResult {
  /** The cell. */
  cell: TrainConfig["cell"];
  /** The sequence length. */
  length: number;
  /** The seed. */
  seed: number;
  /** The best dev accuracy seen at an evaluation (NaN before the first one). */
  best_dev_acc: number;
  /** The step of the best checkpoint (0 before the first evaluation). */
  best_step: number;
  /** Test accuracy of the best checkpoint (NaN when there is none). */
  test_acc: number;
  /** Its accuracy on the test examples whose noise digit is at position ≥ 4, or absent. */
  test_acc_memory: number;
  /** Its accuracy on the test examples whose noise digit is at position 2 or 3. */
  test_acc_adjacent: number;
  /** How many test examples `test_acc_memory` counts. */
  n_memory: number;
  /** How many test examples `test_acc_adjacent` counts. */
  n_adjacent: number;
  /**
   * Steps to first learning: the first evaluation step at which dev accuracy reached
   * {@linkcode LEARNING_DEV_ACC} (0.3, three times chance); NaN when it never did.
   */
  first_learning_step: number;
  /** Steps trained. */
  steps: number;
  /** Wall-clock seconds of training, summed over resumed sessions. */
  wall_s: number;
  /** `done`, `early-stop` (patience or dev accuracy 1.0), `interrupted` or `diverged`. */
  status: JobStatus;
  /** For `diverged`: what happened, in one line. */
  message?: string;
}

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

/** What `last.safetensors` stores besides the tensors, as JSON in `lstm_lab_state`. */
interface JobState {
  step: number;
  adamStep: number;
  /** Generator state at the start of the epoch that holds step + 1. */
  epochRng: MT19937State;
  /** The input-dropout generator's state after `step`. */
  dropoutRng: MT19937State;
  bestDevAcc: number;
  bestStep: number;
  /** Evaluations since the best one (early stopping). */
  evalsWithoutGain: number;
  wallS: number;
}

const STATE_KEY = "lstm_lab_state";

/**
 * Run (or resume) one job in `dir` (a path, or a {@linkcode JobFolder} such as the web lab's
 * folder in memory). With `resume`, a finished job returns its stored result and an unfinished one
 * continues from `last.safetensors`; without it, the folder must be empty or absent. All file
 * writes are synchronous and atomic.
 *
 * @example A tiny job: 2 epochs of length-5 data
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_PRESET, readDigitSum, runJob } from "../../mod.ts";
 * const read = (split: string) => readDigitSum(`datasets/5/${split}.txt`);
 * const data = { train: await read("train"), dev: await read("dev"), test: await read("test") };
 * const dir = await Deno.makeTempDir();
 * const config = { ...BOOK_PRESET, cell: "lstm" as const, length: 5, seed: 0, epochs: 2, evalSteps: 50 };
 * const result = runJob(config, data, dir);
 * assert.equal(result.steps, 76);
 * assert.equal(result.status, "done");
 * ```
 */
export function runJob(
  config: TrainConfig,
  data: JobData,
  dir: string | JobFolder,
  { resume = false, hooks = {}, spare }: {
    resume?: boolean;
    hooks?: JobHooks;
    spare?: Int32Array;
  } = {},
): JobResult {
  const folder = typeof dir === "string" ? diskFolder(dir) : dir;
  const name = jobName(config);
  const configText = JSON.stringify(config, null, 2) + "\n";
  const metricsPath = folder.path("metrics.csv");
  checkData(config, data);

  const existing = folder.list();
  if (existing.length > 0 && !resume) {
    throw new UserError(
      `${folder.dir} already holds files; pass --resume to continue, or another --out`,
    );
  }
  if (existing.includes("config.json")) {
    const stored = folder.readText("config.json");
    if (stored !== configText) {
      throw new UserError(
        `${
          folder.path("config.json")
        } differs from this command's settings; resume with the same flags, or use another --out`,
      );
    }
  }
  if (resume && existing.includes("result.json")) {
    const stored = readJobResult(folder.path("result.json"), folder.readText("result.json")!);
    if (stored.first_learning_step !== undefined) return stored;
    // a job finished before these columns existed: recompute them from its checkpoint and metrics
    const bestBytes = folder.readBytes("best.safetensors");
    const best = bestBytes
      ? modelFromCheckpointBytes(bestBytes, folder.path("best.safetensors")).model
      : null;
    const { test_acc, steps, wall_s, status, message, ...rest } = stored;
    return {
      ...rest,
      test_acc,
      ...testMemorySplit(best, data.test),
      first_learning_step: firstLearningStep(folder),
      steps,
      wall_s,
      status,
      ...(message ? { message } : {}),
    };
  }

  // a second thread pays only from a certain size (threadsPay), in training or in the evaluations
  const { cell, batchSize, hidden } = config;
  const evalBatch = Math.min(EVAL_BATCH_SIZE, data.dev.n);
  const threadsUseful = spare !== undefined &&
    (threadsPay(cell, batchSize, hidden) || threadsPay(cell, evalBatch, hidden));
  const model = new SeqClassifier(modelConfigOf(config), undefined, { shared: threadsUseful });
  // `spare` counts idle threads of the pool (the tail of a sweep): the job takes one, if it can,
  // for a second thread in its recurrences (bit-identical results, so taking it never matters)
  const claimSpare = () => {
    if (!spare || !threadsUseful || model.threads) return;
    const idle = Atomics.load(spare, 0);
    if (idle > 0 && Atomics.compareExchange(spare, 0, idle, idle - 1) === idle) {
      model.threads = new RecurrentThreads();
    }
  };
  model.freezeEmbedding = config.freezeEmbedding;
  const trainable = config.freezeEmbedding ? model.specs[1]!.offset : 0;
  const adam = new Adam(model.params.subarray(trainable), model.grads.subarray(trainable), {
    lr: config.lr,
    weightDecay: config.weightDecay,
  });
  const rng = new MT19937(config.seed);
  // input dropout draws from its own stream, so that resuming mid-epoch replays it exactly
  const dropoutRng = new MT19937((config.seed ^ 0x5bd1e995) >>> 0);
  const dropout = config.inputDropout > 0 ? { p: config.inputDropout, rng: dropoutRng } : null;
  let step = 0;
  let bestDevAcc = NaN;
  let bestStep = 0;
  let bestParams: Float32Array | null = null;
  let priorWallS = 0;
  let evalsWithoutGain = 0;
  let metricsRows: string[] = [];

  if (resume && existing.includes("last.safetensors")) {
    const state = restore(folder, model, adam, rng);
    dropoutRng.setState(state.dropoutRng);
    step = state.step;
    bestDevAcc = state.bestDevAcc;
    bestStep = state.bestStep;
    priorWallS = state.wallS;
    evalsWithoutGain = state.evalsWithoutGain;
    if (bestStep > 0) bestParams = loadParams(folder, "best.safetensors");
    metricsRows = parseMetricsRows(folder.readText("metrics.csv") ?? "", metricsPath)
      .filter((row) => row.step <= step)
      .map((row) => row.line);
  } else {
    initParams(model, initOptionsOf(config, rng));
    folder.create();
    folder.write("config.json", configText);
  }
  // metrics.csv always restarts from what the checkpoint covers: nothing half-written survives
  folder.write("metrics.csv", METRICS_HEADER + metricsRows.map((r) => r + "\n").join(""));
  let pendingRows: string[] = [];

  const { train, dev, test } = data;
  const T = config.length;
  const perEpoch = batchCount(train.n, config.batchSize);
  const totalSteps = config.epochs * perEpoch;
  const progressEvery = hooks.progressEvery ?? 250;
  const chance = majorityRate(train.labels);
  const started = performance.now();
  let epochRng = rng.getState();
  let lossSinceReport = 0;
  let stepsSinceReport = 0;
  let status: JobStatus = "done";
  let message: string | undefined;

  const elapsed = () => (performance.now() - started) / 1000;
  const report = () => {
    hooks.onProgress?.({
      step,
      totalSteps,
      trainLoss: stepsSinceReport > 0 ? lossSinceReport / stepsSinceReport : NaN,
      bestDevAcc,
      elapsedS: elapsed(),
    });
    lossSinceReport = 0;
    stepsSinceReport = 0;
  };
  const saveLast = () => {
    if (pendingRows.length > 0) {
      folder.append("metrics.csv", pendingRows.map((r) => r + "\n").join(""));
      pendingRows = [];
    }
    const atEpochEnd = step % perEpoch === 0;
    const state: JobState = {
      step,
      adamStep: adam.t,
      epochRng: atEpochEnd ? rng.getState() : epochRng,
      dropoutRng: dropoutRng.getState(),
      bestDevAcc,
      bestStep,
      evalsWithoutGain,
      wallS: priorWallS + elapsed(),
    };
    const bytes = checkpointBytes(model, {
      metadata: { [STATE_KEY]: state, lstm_lab_train: config },
      extra: optimizerTensors(model, adam, trainable),
    });
    folder.write("last.safetensors", bytes);
  };

  training: for (let epoch = Math.floor(step / perEpoch); epoch < config.epochs; epoch++) {
    epochRng = rng.getState();
    const order = config.shuffle ? permutation(train.n, rng) : undefined;
    let batchIndex = 0;
    for (const batch of batches(train, config.batchSize, order)) {
      if (batchIndex++ < step - epoch * perEpoch) continue; // resumed mid-epoch
      if (hooks.shouldStop?.()) {
        status = "interrupted";
        break training;
      }
      step++;
      claimSpare();
      model.zeroGrad();
      const loss = model.lossAndBackward(batch.digits, batch.labels, batch.size, T, { dropout });
      if (!Number.isFinite(loss)) {
        status = "diverged";
        message = `${name}: training loss is ${loss} at step ${step} (epoch ${epoch + 1}); ` +
          `stopped, keeping the best checkpoint (step ${bestStep})`;
        step--;
        break training;
      }
      if (config.clip > 0) clipGradNorm(model.grads.subarray(trainable), config.clip);
      adam.step();
      lossSinceReport += loss;
      stepsSinceReport++;
      const isEval = step % config.evalSteps === 0 || step === totalSteps;
      let devLoss = NaN;
      let devAcc = NaN;
      if (isEval) {
        ({ accuracy: devAcc, loss: devLoss } = evaluate(model, dev));
        if (!(devAcc <= bestDevAcc)) {
          bestDevAcc = devAcc;
          bestStep = step;
          bestParams = new Float32Array(model.params);
          const metadata = { lstm_lab_train: config, step, dev_acc: devAcc };
          folder.write("best.safetensors", checkpointBytes(model, { metadata }));
          evalsWithoutGain = 0;
        } else {
          evalsWithoutGain++;
        }
      }
      pendingRows.push(
        formatMetricsRow({ step, epoch: epoch + 1, trainLoss: loss, devLoss, devAcc }),
      );
      if (isEval) {
        saveLast();
        report();
        // patience waits for minEpochs, and for the model to beat always answering the most
        // common training label: a job still at chance may be about to start learning
        const patient = evalsWithoutGain >= config.patience && epoch + 1 >= config.minEpochs &&
          bestDevAcc > chance;
        if (config.patience > 0 && (bestDevAcc >= 1 || patient)) {
          status = "early-stop";
          break training;
        }
      } else if (step % progressEvery === 0) {
        report();
      }
    }
  }
  if (status === "interrupted" || status === "diverged") saveLast();
  report();
  if (model.threads) {
    model.threads.close();
    model.threads = null;
    Atomics.add(spare!, 0, 1);
  }

  let testAcc = NaN;
  let best: SeqClassifier | null = null;
  if (bestParams) {
    best = new SeqClassifier(model.config, bestParams);
    testAcc = evaluate(best, test).accuracy;
    const metadata = {
      lstm_lab_train: config,
      step: bestStep,
      dev_acc: bestDevAcc,
      test_acc: testAcc,
    };
    folder.write("best.safetensors", checkpointBytes(best, { metadata }));
  }
  const result: JobResult = {
    cell: config.cell,
    length: config.length,
    seed: config.seed,
    best_dev_acc: bestDevAcc,
    best_step: bestStep,
    test_acc: testAcc,
    ...testMemorySplit(best, test),
    first_learning_step: firstLearningStep(folder),
    steps: step,
    wall_s: Math.round((priorWallS + elapsed()) * 10) / 10,
    status,
    ...(message ? { message } : {}),
  };
  if (status !== "interrupted") {
    folder.write("result.json", JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}

/** The dev accuracy that counts as having started to learn: three times chance (0.1). */
export const LEARNING_DEV_ACC = 0.3;

/** The first evaluation step in `metrics.csv` with dev accuracy ≥ 0.3 (NaN when none). */
function firstLearningStep(folder: JobFolder): number {
  const path = folder.path("metrics.csv");
  for (const { step, line } of parseMetricsRows(folder.readText("metrics.csv") ?? "", path)) {
    if (parseMetricsLine(line).devAcc >= LEARNING_DEV_ACC) return step;
  }
  return NaN;
}

function checkData(config: TrainConfig, data: JobData): void {
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

/** Adam's moments as extra tensors `optim.exp_avg.<name>` / `optim.exp_avg_sq.<name>`. */
function optimizerTensors(model: SeqClassifier, adam: Adam, trainable: number) {
  const tensors: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const spec of model.specs) {
    if (spec.offset < trainable) continue;
    const at = spec.offset - trainable;
    tensors.push([`optim.exp_avg.${spec.name}`, {
      shape: spec.shape,
      data: adam.m.subarray(at, at + spec.size),
    }]);
    tensors.push([`optim.exp_avg_sq.${spec.name}`, {
      shape: spec.shape,
      data: adam.v.subarray(at, at + spec.size),
    }]);
  }
  return tensors;
}

function restore(folder: JobFolder, model: SeqClassifier, adam: Adam, rng: MT19937): JobState {
  const path = folder.path("last.safetensors");
  const loaded = modelFromCheckpointBytes(folder.readBytes("last.safetensors")!, path);
  const raw = loaded.metadata[STATE_KEY];
  if (raw === undefined) {
    throw new UserError(
      `${path}: no ${STATE_KEY} in the metadata; expected a last.safetensors written by training`,
    );
  }
  const state = parseJobState(raw, path);
  model.params.set(loaded.model.params);
  const trainable = model.params.length - adam.m.length;
  for (const spec of model.specs) {
    if (spec.offset < trainable) continue;
    for (
      const [prefix, target] of [["optim.exp_avg.", adam.m], ["optim.exp_avg_sq.", adam.v]] as const
    ) {
      const tensor = loaded.extra.get(prefix + spec.name);
      if (!tensor || tensor.data.length !== spec.size) {
        throw new UserError(
          `${path}: tensor "${prefix}${spec.name}" is missing; expected Adam's state`,
        );
      }
      target.set(tensor.data, spec.offset - trainable);
    }
  }
  adam.t = state.adamStep;
  rng.setState(state.epochRng);
  return state;
}

/**
 * A finished job's `result.json` (its text), checked to be a job result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJobResult } from "./job.ts";
 * assert.throws(() => readJobResult("runs/x/lstm-L5-s0/result.json", "{"), {
 *   message: "runs/x/lstm-L5-s0/result.json: not a job result (invalid JSON)",
 * });
 * ```
 */
export function readJobResult(path: string, text: string): JobResult {
  let result: Partial<JobResult> | null = null;
  try {
    result = JSON.parse(text);
  } catch {
    throw new UserError(`${path}: not a job result (invalid JSON)`);
  }
  if (
    result === null || typeof result !== "object" || typeof result.cell !== "string" ||
    typeof result.length !== "number" || typeof result.seed !== "number" ||
    typeof result.status !== "string"
  ) {
    throw new UserError(`${path}: not a job result (expected cell, length, seed and status)`);
  }
  return result as JobResult;
}

/** The training state stored in `path`'s metadata, checked field by field. */
function parseJobState(raw: string, path: string): JobState {
  const bad = (what: string): never => {
    throw new UserError(`${path}: ${STATE_KEY} ${what}; expected the state written by training`);
  };
  let state: Record<string, unknown> = {};
  try {
    state = JSON.parse(raw);
  } catch {
    bad("is not valid JSON");
  }
  if (state === null || typeof state !== "object") bad("is not a JSON object");
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  for (const key of ["step", "adamStep", "bestStep", "evalsWithoutGain"]) {
    if (!count(state[key])) bad(`field "${key}" is not a whole number`);
  }
  // bestDevAcc is NaN (stored as null) before the first evaluation
  if (typeof state.bestDevAcc !== "number" && state.bestDevAcc !== null) {
    bad('field "bestDevAcc" is not a number');
  }
  if (typeof state.wallS !== "number") bad('field "wallS" is not a number');
  for (const key of ["epochRng", "dropoutRng"]) {
    const rng = state[key] as Partial<MT19937State> | null;
    const gauss = rng?.gauss;
    if (
      !Array.isArray(rng?.key) || rng.key.length !== 624 ||
      !rng.key.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) ||
      !(Number.isInteger(rng.pos) && rng.pos! >= 0 && rng.pos! <= 624) ||
      !(gauss === undefined || gauss === null || typeof gauss === "number")
    ) {
      bad(`field "${key}" is not a generator state`);
    }
  }
  return state as unknown as JobState;
}

function loadParams(folder: JobFolder, name: string): Float32Array {
  const path = folder.path(name);
  const bytes = folder.readBytes(name);
  if (bytes === null) throw new UserError(`${path} is missing; expected the best checkpoint`);
  return modelFromCheckpointBytes(bytes, path).model.params;
}
