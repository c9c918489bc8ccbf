/**
 * Training configurations: the presets: `recommended`
 * (the default of `deno task train`), `book` (the book's exact protocol) and `blog` (the blog's
 * PyTorch port, whose collapse at length 35 it reproduces), and a run's job configs ({@linkcode JobConfig},
 * defined with the run folder in lib/run).
 * @module
 */

import type { CellKind, ModelConfig } from "../model/config.ts";
import { taskOf } from "../tasks/task.ts";
import { CELLS } from "../nn/cells.ts";
import type { MT19937 } from "../data/mt19937.ts";
import type { InitOptions } from "../model/init.ts";
import type { JobConfig, JobOptions } from "../run/config.ts";

/** The model's fixed sizes besides embed and hidden: 10 digits in, 19 sums out. */
export const VOCAB = 10;
/** Output classes: the sums 0–18. */
export const CLASSES = 19;

/** The book's protocol (NNDL 6.3): Xavier incl. biases, Adam 1e-3, batch 8, 500 epochs, no shuffle. */
export const BOOK_PRESET: JobOptions = {
  epochs: 500,
  batchSize: 8,
  lr: 0.001,
  embed: 32,
  hidden: 32,
  init: "xavier",
  forgetBias: 0,
  inputBias: 0,
  weightDecay: 0,
  clip: 0,
  inputDropout: 0,
  shuffle: false,
  evalSteps: 100,
  freezeEmbedding: false,
  patience: 0,
  minEpochs: 0,
};

/** The blog's PyTorch port: zero-initialised LSTM and a frozen random embedding. */
export const BLOG_PRESET: JobOptions = {
  ...BOOK_PRESET,
  init: "zeros",
  freezeEmbedding: true,
};

/**
 * The toolkit's recommended options, the default of `deno task train`: the book's protocol (same
 * data, Xavier initialisation, 500 epochs, batch 8, Adam 1e-3, dev accuracy every 100 steps) plus
 * what the dev-set sweep picked (docs/training.md, "The recommended preset"): a forget-gate bias
 * of 3, so that the cell state carries the two digits (and the gradient) across the sequence from the
 * start; shuffling every epoch; and input dropout 0.05.
 */
export const RECOMMENDED_PRESET: JobOptions = {
  ...BOOK_PRESET,
  forgetBias: 3,
  shuffle: true,
  inputDropout: 0.05,
};

/**
 * The capacity study's options (`deno task capacity`, `deno task gradflow`): the recommended ones
 * with a learning rate of 0.003, at most 300 epochs, and early stopping — as soon as dev accuracy
 * is 1.0, or after 20 evaluations (2000 steps) without a better dev accuracy once 150 epochs are
 * done. Long sequences learn late (the LSTM's dev accuracy can stay at chance for more than 4000
 * steps at length 100), so patience waits, and a job still at chance runs on (see
 * {@linkcode JobConfig.patience}); the study has to fit in about half an hour on two cores.
 */
export const CAPACITY_PRESET: JobOptions = {
  ...RECOMMENDED_PRESET,
  lr: 0.003,
  epochs: 300,
  patience: 20,
  minEpochs: 150,
};

/**
 * The IRNN's own settings, which its jobs take on top of any preset (see {@linkcode jobConfigs}):
 * a ReLU network with identity recurrence needs its gradient clipped to be stable (Le, Jaitly &
 * Hinton, 2015) and a smaller step than the capacity preset's lr 0.003, at which it stays near
 * chance. Chosen on dev accuracy at length 50, three seeds (docs/capacity.md, "The IRNN").
 */
export const IRNN_SETTINGS: Readonly<Pick<JobOptions, "lr" | "clip" | "inputDropout">> = {
  lr: 0.001,
  clip: 10,
  inputDropout: 0,
};

/**
 * What a job of a generated task (the adding problem, the copy task) takes on top of any preset,
 * before the flags: the papers' settings at this machine's size. Arjovsky, Shah & Bengio (2016)
 * train on batches of 20 with gradient-norm clipping at 1; the hidden size is their copy LSTM's
 * (40 units; they give the adding problem 128), the embedding of the copy task's 10 symbols is
 * 16 wide, the forget (update) gate bias 1. Adam at lr 0.01 takes the place of their RMSProp at
 * 1e-3: in 2,000 steps on the adding problem at T = 100 it brought the LSTM from the baseline to
 * an MSE of 0.0007, where lr 0.001 left it at the baseline (docs/tasks.md). The dev loss is
 * measured every 200 steps. What a task job does not use is set to what it does — one epoch (a
 * stream of fresh batches), no input dropout, no shuffling, no early stopping — so its
 * config.json says what it did, and `train` and `capacity` give a job the same config.
 */
export const TASK_OPTIONS: Readonly<Partial<JobOptions>> = {
  epochs: 1,
  batchSize: 20,
  lr: 0.01,
  embed: 16,
  hidden: 40,
  forgetBias: 1,
  inputBias: 0,
  clip: 1,
  inputDropout: 0,
  shuffle: false,
  evalSteps: 200,
  patience: 0,
  minEpochs: 0,
};

/** The named presets of `--preset`. */
export const PRESETS = {
  recommended: RECOMMENDED_PRESET,
  book: BOOK_PRESET,
  blog: BLOG_PRESET,
  capacity: CAPACITY_PRESET,
} as const;

/** A preset's name. */
export type PresetName = keyof typeof PRESETS;

/**
 * The model config of a training config.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_PRESET, modelConfigOf } from "./config.ts";
 * assert.deepEqual(modelConfigOf({ ...BOOK_PRESET, cell: "gru", length: 10, seed: 0 }), {
 *   cell: "gru", vocab: 10, embed: 32, hidden: 32, classes: 19,
 * });
 * ```
 */
export function modelConfigOf(config: JobConfig): ModelConfig {
  if (config.task) return taskOf(config.task).model(config.cell, config.embed, config.hidden);
  return {
    cell: config.cell,
    vocab: VOCAB,
    embed: config.embed,
    hidden: config.hidden,
    classes: CLASSES,
  };
}

/**
 * The initialisation of a training config: its scheme, seed and gate biases (pass `rng` to go on
 * drawing from the same generator afterwards, as training does for shuffling).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initOptionsOf, RECOMMENDED_PRESET } from "./config.ts";
 * assert.deepEqual(initOptionsOf({ ...RECOMMENDED_PRESET, cell: "lstm", length: 10, seed: 2 }), {
 *   init: "xavier", seed: 2, forgetBias: 3, inputBias: 0, rng: undefined,
 * });
 * ```
 */
export function initOptionsOf(config: JobConfig, rng?: MT19937): InitOptions {
  const { init, seed, forgetBias, inputBias, gateInit, chronoTmax, irnnScale } = config;
  const chrono = gateInit === "chrono" ? { gateInit, chronoTmax: chronoTmax ?? config.length } : {};
  const scale = irnnScale !== undefined ? { irnnScale } : {};
  return { init, seed, forgetBias, inputBias, rng, ...chrono, ...scale };
}

/**
 * The configs of every (cell, length, seed) job of a run, in that nesting order. The gate biases
 * are cell-specific: `forgetBias` (the LSTM's forget gate, the GRU's update gate) is 0 for the
 * SRN's jobs, `inputBias` is 0 for all but the LSTM's. With `gateInit: "chrono"`, the LSTM's and
 * GRU's jobs get chrono with `chronoTmax` (default: the job's length, or its task's T_max) and no constant biases
 * (forgetBias and inputBias 0); the SRN's get the default, constant. Only the IRNN's jobs keep
 * `irnnScale`. `cellOptions` overrides options for one cell's jobs (the scripts give the IRNN
 * {@linkcode IRNN_SETTINGS} this way).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobConfigs, RECOMMENDED_PRESET } from "./config.ts";
 * const jobs = jobConfigs(["lstm", "srn"], [10], [0], { ...RECOMMENDED_PRESET, forgetBias: 3 });
 * assert.deepEqual(jobs.map((j) => `${j.cell}:${j.forgetBias}`), ["lstm:3", "srn:0"]);
 * ```
 */
export function jobConfigs(
  cells: readonly CellKind[],
  lengths: readonly number[],
  seeds: readonly number[],
  options: JobOptions,
  cellOptions: Partial<Record<CellKind, Partial<JobOptions>>> = {},
): JobConfig[] {
  // absent unless chrono: the configs (and config.json) of constant runs read as before
  const { gateInit, chronoTmax, irnnScale, ...shared } = options;
  return cells.flatMap((cell) =>
    lengths.flatMap((length) =>
      seeds.map((seed) => {
        const { keepGate, inputGate, identityInit } = CELLS[cell];
        const gated = keepGate !== null;
        const chrono = gateInit === "chrono" && gated;
        const biases = {
          forgetBias: !gated || chrono ? 0 : options.forgetBias,
          inputBias: inputGate !== null && !chrono ? options.inputBias : 0,
        };
        const job: JobConfig = { cell, length, seed, ...shared, ...cellOptions[cell], ...biases };
        if (chrono) {
          const tmax = chronoTmax ?? (job.task ? taskOf(job.task).chronoTmax(length) : length);
          return { ...job, gateInit: "chrono", chronoTmax: tmax };
        }
        if (identityInit && irnnScale !== undefined) return { ...job, irnnScale };
        return job;
      })
    )
  );
}
