/**
 * A task, as training sees it: how a batch is drawn, how inputs enter the network and where the
 * head reads (its model), its loss, its memoryless baseline and its score. `digit-sum` is the
 * book's, read from files (lib/data); `adding` and `copy` draw a fresh batch at every step from
 * the job's generator.
 * @module
 */

import type { MT19937 } from "../data/mt19937.ts";
import type { CellKind, ModelConfig } from "../model/config.ts";
import type { ModelInputs, ModelTargets } from "../model/seq_classifier.ts";
import {
  ADDING_BASELINE_MSE,
  ADDING_CHANNELS,
  addingBaselineMse,
  generateAdding,
} from "./adding.ts";
import { COPY_SYMBOLS, COPY_VOCAB, copyBaseline, copyLength, generateCopy } from "./copy.ts";

/** A task whose batches are drawn per step (`train --task`). */
export type GeneratedTaskName = "adding" | "copy";

/** A task's name: the book's digit sum, or a generated task. */
export type TaskName = "digit-sum" | GeneratedTaskName;

/** The tasks: the book's digit sum, read from files, and the two drawn per batch. */
export const TASK_NAMES = ["digit-sum", "adding", "copy"] as const satisfies readonly TaskName[];

/** One batch of a generated task, batch-major. */
export interface TaskBatch {
  /** `[B, steps]` symbols or `[B, steps, channels]` values. */
  inputs: ModelInputs;
  /** `[B]` or `[B, steps]` labels, or `[B]` real targets. */
  targets: ModelTargets;
  /** Steps per sequence fed to the network. */
  steps: number;
}

/** A generated task. */
export interface Task {
  /** Its name. */
  name: GeneratedTaskName;
  /** How prose names it: "the adding problem", "the copy task". */
  title: string;
  /** `mse` (real targets) or `cross-entropy` (labels). */
  loss: "mse" | "cross-entropy";
  /** The model of a job: its input layer, head and output size. */
  model(cell: CellKind, embed: number, hidden: number): ModelConfig;
  /** The memoryless baseline's expected loss at `length` (the task's T). */
  baseline(length: number): number;
  /**
   * The memoryless baseline's loss on `set`, batches at one T: what a network that remembers
   * nothing scores on those very sequences (for the adding problem the sample's mean (y − 1)²,
   * which strays from 1/6 by about 0.006 on 1,000 sequences; for the copy task exactly
   * {@linkcode Task.baseline}).
   */
  baselineOn(set: readonly TaskBatch[], length: number): number;
  /** Chrono's default T_max at `length`. */
  chronoTmax(length: number): number;
  /** `batch` sequences at `length`, drawn from `rng`. */
  batch(rng: MT19937, batch: number, length: number): TaskBatch;
  /** What a model's outputs `[B, C]` or `[T, B, C]` (time-major) score on `batch`, a share. */
  score(outputs: Float32Array, batch: TaskBatch, B: number): number;
}

/**
 * An adding-problem answer within this of the target counts as right (Hochreiter & Schmidhuber
 * 1997's criterion).
 */
export const ADDING_TOLERANCE = 0.04;

/**
 * The adding problem: two channels in, one real out after the last step, MSE; T steps. The score
 * is the share of answers within {@linkcode ADDING_TOLERANCE} of the target.
 */
const ADDING: Task = {
  name: "adding",
  title: "the adding problem",
  loss: "mse",
  model: (cell, _embed, hidden) => ({
    cell,
    vocab: ADDING_CHANNELS,
    embed: ADDING_CHANNELS,
    hidden,
    classes: 1,
    input: "dense",
  }),
  baseline: () => ADDING_BASELINE_MSE,
  baselineOn: (set) => {
    const targets = set.flatMap((batch) => Array.from(batch.targets));
    return addingBaselineMse(Float32Array.from(targets));
  },
  chronoTmax: (length) => length,
  batch: (rng, B, length) => {
    const { inputs, targets } = generateAdding(rng, B, length);
    return { inputs, targets, steps: length };
  },
  score: (outputs, batch, B) => {
    const targets = batch.targets as Float32Array;
    let right = 0;
    for (let b = 0; b < B; b++) if (Math.abs(outputs[b]! - targets[b]!) < ADDING_TOLERANCE) right++;
    return right / B;
  },
};

/**
 * The copy task with delay T: symbols through an embedding, a head at each of the T + 20 steps,
 * cross-entropy; the score is the share of the 10 symbols written out right.
 */
const COPY: Task = {
  name: "copy",
  title: "the copy task",
  loss: "cross-entropy",
  model: (cell, embed, hidden) => ({
    cell,
    vocab: COPY_VOCAB,
    embed,
    hidden,
    classes: COPY_VOCAB,
    head: "every",
  }),
  baseline: copyBaseline,
  baselineOn: (_set, length) => copyBaseline(length),
  chronoTmax: (length) => (3 * length) / 2,
  batch: (rng, B, length) => {
    const { inputs, targets } = generateCopy(rng, B, length);
    return { inputs, targets, steps: copyLength(length) };
  },
  score: (outputs, batch, B) => {
    const T = batch.steps;
    const targets = batch.targets as Int32Array;
    const C = COPY_VOCAB;
    let right = 0;
    for (let t = T - COPY_SYMBOLS; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const row = (t * B + b) * C;
        let best = 0;
        for (let c = 1; c < C; c++) if (outputs[row + c]! > outputs[row + best]!) best = c;
        if (best === targets[b * T + t]) right++;
      }
    }
    return right / (B * COPY_SYMBOLS);
  },
};

/** The generated tasks by name. */
export const TASKS: Readonly<Record<GeneratedTaskName, Task>> = { adding: ADDING, copy: COPY };

/**
 * The generated task called `name`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskOf } from "./task.ts";
 * assert.equal(taskOf("copy").baseline(100).toFixed(4), "0.1733");
 * assert.deepEqual(taskOf("adding").model("gru", 32, 40), {
 *   cell: "gru", vocab: 2, embed: 2, hidden: 40, classes: 1, input: "dense",
 * });
 * ```
 */
export function taskOf(name: GeneratedTaskName): Task {
  return TASKS[name];
}
