/**
 * The configurations a run folder stores: each job's `config.json` ({@linkcode JobConfig}) and the
 * run's own `config.json` ({@linkcode RunConfig}), the format version written into both, their
 * text, and the one comparison that says whether two configurations are the same.
 * @module
 */

import { oneLine, UserError } from "../errors.ts";
import { CELL_KINDS, type CellKind, type ModelConfig } from "../model/config.ts";
import type { GateInit, InitKind } from "../model/init.ts";
import type { GeneratedTaskName } from "../tasks/task.ts";
import type { JobKey } from "./job_name.ts";
import { migrate } from "./migrate.ts";

/**
 * The version of the run-folder format, written as `version` into every `config.json`. A
 * `config.json` without one was written before the format had a version (version 1); reading
 * brings it to this one ({@linkcode migrate}).
 */
export const FORMAT_VERSION = 2;

/** Everything that determines one training job; the same config gives the same bytes. */
export interface JobConfig {
  /** The recurrent cell. */
  cell: CellKind;
  /** Sequence length: the data is `{data}/{length}/{train,dev,test}.txt`. */
  length: number;
  /** Seed of the one MT19937 that initialises the weights and then shuffles. */
  seed: number;
  /** Passes over the training set. */
  epochs: number;
  /** Examples per step (the last batch of an epoch may be smaller). */
  batchSize: number;
  /** Adam's learning rate. */
  lr: number;
  /** Embedding size. */
  embed: number;
  /** Hidden size. */
  hidden: number;
  /** Initialisation scheme. */
  init: InitKind;
  /** Added at initialisation to the LSTM's forget-gate bias and the GRU's update-gate bias. */
  forgetBias: number;
  /** Added to the LSTM's input-gate bias at initialisation. */
  inputBias: number;
  /** AdamW's decoupled weight decay (0: plain Adam). */
  weightDecay: number;
  /** Global gradient-norm clipping threshold (0: off). */
  clip: number;
  /** Input dropout: drop each input digit's embedding with this probability in training (0: off). */
  inputDropout: number;
  /** Shuffle the training set every epoch (from the job's generator). */
  shuffle: boolean;
  /** Evaluate on the dev set every this many steps (and at the last step). */
  evalSteps: number;
  /** Keep the embedding fixed at its initial values (the blog's port). */
  freezeEmbedding: boolean;
  /**
   * Early stopping: stop after this many evaluations without a strictly better dev accuracy,
   * or as soon as dev accuracy reaches 1.0 (0: off, the book's protocol). Patience never stops a
   * job whose best dev accuracy is still no better than always answering the most common training
   * label (0.1 on the digit-sum data): such a job has not started learning, and may yet.
   */
  patience: number;
  /** Early stopping by patience waits until this many epochs are done (dev accuracy 1.0 does not). */
  minEpochs: number;
  /**
   * The gate biases' initialisation (absent: `constant`, the only one before it existed, so
   * older configs read the same); `chrono` for the LSTM and GRU only.
   */
  gateInit?: GateInit;
  /** Chrono's T_max (with `gateInit: "chrono"`; `jobConfigs` defaults it to the length). */
  chronoTmax?: number;
  /** The IRNN's initial recurrent weights are this times the identity (absent: 1). */
  irnnScale?: number;
  /**
   * A task whose batches are drawn per step (absent: the book's digit sum, read from files):
   * `length` is its T, and the job trains `steps` steps, ignoring `epochs`, `shuffle` and
   * `inputDropout` (see lib/train/task_job.ts).
   */
  task?: GeneratedTaskName;
  /** Training steps of a `task` job. */
  steps?: number;
}

/** The options shared by every job of a run: a config without cell, length and seed. */
export type JobOptions = Omit<JobConfig, "cell" | "length" | "seed">;

/**
 * The `config.json` of an imported model's job (`deno task import --run`): its name and the
 * model's sizes; it was not trained here, so it has no training options.
 */
export interface ImportedJobConfig extends JobKey, ModelConfig {}

/** What a job folder's `config.json` holds: a trained job's config, or an imported model's. */
export type StoredJobConfig = JobConfig | ImportedJobConfig;

/**
 * A run's own `config.json`: the options its jobs share, with the grid and the data folder. A
 * training run (`deno task train`) names its `preset`; a capacity study (`deno task capacity`)
 * also has `study: "capacity"`; an imported model's run holds only `data` and `imported` (the
 * checkpoint's metadata).
 */
export interface RunConfig extends Partial<JobOptions> {
  /** `"capacity"` for a capacity study. */
  study?: string;
  /** The preset's name. */
  preset?: string;
  /** The cells of the grid. */
  cells?: CellKind[];
  /** The lengths of the grid. */
  lengths?: number[];
  /** The seeds of the grid. */
  seeds?: number[];
  /** The data folder. */
  data?: string;
  /** An imported model's metadata. */
  imported?: Record<string, unknown>;
}

/** Whether a job's stored config is a trained job's (not an imported model's). */
export function isTrainedConfig(config: StoredJobConfig): config is JobConfig {
  return "epochs" in config;
}

/** The type of each field of {@linkcode JobConfig}; `?` marks an optional one. */
const JOB_FIELDS: Record<keyof JobConfig, string> = {
  cell: "cell",
  length: "number",
  seed: "number",
  epochs: "number",
  batchSize: "number",
  lr: "number",
  embed: "number",
  hidden: "number",
  init: "string",
  forgetBias: "number",
  inputBias: "number",
  weightDecay: "number",
  clip: "number",
  inputDropout: "number",
  shuffle: "boolean",
  evalSteps: "number",
  freezeEmbedding: "boolean",
  patience: "number",
  minEpochs: "number",
  gateInit: "string?",
  chronoTmax: "number?",
  irnnScale: "number?",
  task: "task?",
  steps: "number?",
};

/** The check of each type of {@linkcode JOB_FIELDS}. */
const IS: Record<string, (value: unknown) => boolean> = {
  cell: (v) => CELL_KINDS.includes(v as CellKind),
  number: (v) => typeof v === "number",
  boolean: (v) => typeof v === "boolean",
  string: (v) => typeof v === "string",
  task: (v) => v === "adding" || v === "copy",
};

const IMPORTED_FIELDS: Record<keyof ImportedJobConfig, string> = {
  cell: "cell",
  length: "number",
  seed: "number",
  vocab: "number",
  embed: "number",
  hidden: "number",
  classes: "number",
  input: "string?",
  head: "string?",
};

/**
 * The text of a `config.json`: `version` ({@linkcode FORMAT_VERSION}) first, then the config's
 * fields in their order, two-space JSON and a final newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatConfig } from "./config.ts";
 * assert.equal(formatConfig({ data: "datasets" }), '{\n  "version": 2,\n  "data": "datasets"\n}\n');
 * ```
 */
export function formatConfig(config: StoredJobConfig | RunConfig): string {
  return JSON.stringify({ version: FORMAT_VERSION, ...config }, null, 2) + "\n";
}

/** The JSON object of a config.json's text, migrated; `path` names the file in errors. */
function parseObject(text: string, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path} is not valid JSON (${oneLine((err as Error).message)})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError(`${path} must hold a JSON object`);
  }
  const record = value as Record<string, unknown>;
  if (record.version !== undefined && record.version !== FORMAT_VERSION) {
    throw new UserError(
      `${path}: format version ${JSON.stringify(record.version)}; this lstm-lab reads versions ` +
        `up to ${FORMAT_VERSION}`,
    );
  }
  return migrate("config.json", record);
}

/**
 * A job's `config.json` (its text), of any format version, checked field by field; `path` names
 * the file in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJobConfig } from "./config.ts";
 * const old = '{ "cell": "gru", "length": 5, "seed": 1, "vocab": 10, "embed": 8, "hidden": 8, "classes": 19 }';
 * assert.deepEqual(parseJobConfig(old, "a/config.json"), {
 *   cell: "gru", length: 5, seed: 1, vocab: 10, embed: 8, hidden: 8, classes: 19,
 * });
 * ```
 */
export function parseJobConfig(text: string, path: string): StoredJobConfig {
  const record = parseObject(text, path);
  const fields: Record<string, string> = "epochs" in record ? JOB_FIELDS : IMPORTED_FIELDS;
  const config: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(fields)) {
    const value = record[key];
    if (value === undefined && type.endsWith("?")) continue;
    if (!IS[type.replace("?", "")]!(value)) {
      throw new UserError(
        `${path}: field "${key}" is ${value === undefined ? "missing" : JSON.stringify(value)}; ` +
          `expected ${
            type === "cell"
              ? `one of ${CELL_KINDS.join("|")}`
              : type === "task?"
              ? "adding or copy"
              : `a ${type.replace("?", "")}`
          }`,
      );
    }
    config[key] = value;
  }
  return config as unknown as StoredJobConfig;
}

/**
 * A run's `config.json` (its text), of any format version; `path` names the file in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRunConfig } from "./config.ts";
 * const config = parseRunConfig('{ "cells": ["lstm"], "batch_size": 8, "data": "datasets" }', "config.json");
 * assert.deepEqual(config, { cells: ["lstm"], batchSize: 8, data: "datasets" });
 * ```
 */
export function parseRunConfig(text: string, path: string): RunConfig {
  const config = parseObject(text, path) as RunConfig;
  const list = (v: unknown, ok: (x: unknown) => boolean) =>
    v === undefined || (Array.isArray(v) && v.length > 0 && v.every(ok));
  const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  if (
    !list(config.cells, (x) => CELL_KINDS.includes(x as CellKind)) ||
    !list(config.lengths, isCount) || !list(config.seeds, isCount)
  ) {
    throw new UserError(`${path}: cells, lengths and seeds must be lists; expected a run's config`);
  }
  if (config.data !== undefined && typeof config.data !== "string") {
    throw new UserError(`${path}: "data" must be a folder name`);
  }
  return config;
}

/**
 * Whether two configurations are the same: every field equal (lists element by element), a field
 * one of them lacks counting as `undefined`. How a resumed job, a resumed run and the shards of a
 * run are checked against the settings they were started with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameConfig } from "./config.ts";
 * assert.equal(sameConfig({ cells: ["lstm"], lr: 0.001 }, { lr: 0.001, cells: ["lstm"] }), true);
 * assert.equal(sameConfig({ cells: ["lstm"] }, { cells: ["lstm", "gru"] }), false);
 * assert.equal(sameConfig({ gateInit: undefined }, {}), true);
 * ```
 */
export function sameConfig<T extends object>(a: T, b: T): boolean {
  return sameValue(a, b);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((x, i) => sameValue(x, b[i]));
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => sameValue(x[k], y[k]));
}
