/**
 * The flags of `deno task train`, declared once — the usage line, the parsing and validation, and
 * the web page's Train form all read {@linkcode TRAIN} — and the pieces `capacity` and `gradflow`
 * share with it: the job options ({@linkcode OPTION_FLAGS}, {@linkcode trainOptions}), the
 * initialisation flags ({@linkcode INIT_FLAGS}) and the IRNN's own settings
 * ({@linkcode cellOptionsOf}). The presets' values live in lib/train/config.ts (`PRESETS`).
 * @module
 */

import { UsageError } from "../errors.ts";
import { CELL_KINDS, type CellKind } from "../model/config.ts";
import { GATE_INITS, type GateInit, INIT_KINDS } from "../model/init.ts";
import type { JobOptions } from "../run/config.ts";
import {
  IRNN_SETTINGS,
  type PresetName,
  RECOMMENDED_PRESET,
  TASK_OPTIONS,
} from "../train/config.ts";
import { TASK_NAMES } from "../tasks/task.ts";
import { declareFlags } from "./declare.ts";

/** The presets `deno task train --preset` offers (the first is the default). */
export const TRAIN_PRESETS = [
  "recommended",
  "book",
  "blog",
] as const satisfies readonly PresetName[];

/** A preset `deno task train` offers. */
export type TrainPresetName = typeof TRAIN_PRESETS[number];

const R = RECOMMENDED_PRESET;

/** The initialisation flags of `train`, `capacity` and `gradflow`. */
export const INIT_FLAGS = declareFlags({
  "gate-init": {
    type: "choice",
    choices: GATE_INITS,
    help: "the LSTM's and GRU's gate biases (default constant; chrono for a study that says so)",
  },
  "chrono-tmax": {
    type: "float",
    min: 3,
    max: 1e9,
    arg: "T",
    help: "chrono's T_max (with --gate-init chrono; default: the job's length)",
  },
  "irnn-scale": {
    type: "float",
    default: 1,
    min: 0,
    max: 10,
    help: "the IRNN's initial recurrent weights: this times the identity",
  },
});

/** The declaration of `deno task train`. */
export const TRAIN = {
  name: "deno task train",
  flags: declareFlags({
    preset: {
      type: "choice",
      choices: TRAIN_PRESETS,
      default: "recommended",
      help: "the options every flag below starts from (lib/train/config.ts)",
    },
    task: {
      type: "choice",
      choices: TASK_NAMES,
      default: "digit-sum",
      help:
        "the task: the book's digit sum (data files), or adding or copy (a fresh batch per step; hidden 40, batch 20, lr 0.01, clip 1 unless given)",
    },
    steps: {
      type: "int",
      min: 1,
      max: 100_000_000,
      arg: "1000",
      help: "training steps of an adding or copy job (default 1000; --epochs is the digit sum's)",
    },
    lengths: {
      type: "ints",
      default: [10, 15, 20, 25, 30, 35],
      min: 3,
      max: 100_000,
      help: "sequence lengths (data: {data}/{L}/{train,dev,test}.txt); a task's T",
    },
    cells: {
      type: "choices",
      choices: CELL_KINDS,
      default: ["lstm"],
      help: "recurrent cells (default lstm)",
    },
    seeds: {
      type: "ints",
      default: [0],
      min: 0,
      max: 0xffffffff,
      arg: "0,1,2",
      help: "seeds: one job per (cell, length, seed) (default 0)",
    },
    epochs: {
      type: "int",
      min: 1,
      max: 1_000_000,
      arg: String(R.epochs),
      help: "passes over the training set",
    },
    lr: { type: "float", min: 0, max: 10, arg: String(R.lr), help: "Adam's learning rate" },
    "batch-size": {
      type: "int",
      min: 1,
      max: 100_000,
      arg: String(R.batchSize),
      help: "examples per step",
    },
    embed: { type: "int", min: 1, max: 4096, arg: String(R.embed), help: "embedding size" },
    hidden: { type: "int", min: 1, max: 4096, arg: String(R.hidden), help: "hidden size" },
    init: { type: "choice", choices: INIT_KINDS, help: "the initialisation scheme" },
    "forget-bias": {
      type: "float",
      min: -100,
      max: 100,
      arg: "F",
      help: "added to the LSTM's forget-gate and the GRU's update-gate bias",
    },
    "input-bias": {
      type: "float",
      min: -100,
      max: 100,
      arg: "I",
      help: "added to the LSTM's input-gate bias",
    },
    "weight-decay": {
      type: "float",
      min: 0,
      max: 100,
      arg: "W",
      help: "AdamW's decoupled weight decay (0: plain Adam)",
    },
    clip: { type: "float", min: 0, arg: "C", help: "gradient-norm clipping threshold (0: off)" },
    "input-dropout": {
      type: "float",
      min: 0,
      max: 0.99,
      arg: "P",
      help: "drop each input digit's embedding with this probability (0: off)",
    },
    ...INIT_FLAGS,
    shuffle: {
      type: "switch",
      usage: "[--shuffle | --no-shuffle]",
      help: "shuffle the training set every epoch",
    },
    "no-shuffle": { type: "switch", usage: null, help: "keep the training set's order" },
    "eval-steps": {
      type: "int",
      min: 1,
      arg: String(R.evalSteps),
      help: "evaluate on the dev set every this many steps",
    },
    patience: {
      type: "int",
      min: 0,
      arg: "N",
      help: "stop after this many evaluations without a better dev accuracy (0: off)",
    },
    "min-epochs": {
      type: "int",
      min: 0,
      arg: "M",
      help: "patience waits until this many epochs are done",
    },
    data: { type: "path", default: "datasets", help: "the data folder" },
    out: {
      type: "path",
      arg: "runs/NAME",
      help: "the run folder (default runs/train-<date>-<time>)",
    },
    workers: {
      type: "int",
      min: 1,
      max: 256,
      arg: "N",
      help: "Web Workers training jobs at once (default: one per core)",
    },
    resume: { type: "switch", help: "continue the run in --out where it stopped" },
    shard: { type: "path", arg: "K/N", help: "train only the K-th of N shares of the jobs" },
  }),
} as const;

/** The flag of each job option a flag sets, in the options' order. */
export const OPTION_FLAGS = {
  epochs: "epochs",
  "batch-size": "batchSize",
  lr: "lr",
  embed: "embed",
  hidden: "hidden",
  init: "init",
  "forget-bias": "forgetBias",
  "input-bias": "inputBias",
  "weight-decay": "weightDecay",
  clip: "clip",
  "input-dropout": "inputDropout",
  "eval-steps": "evalSteps",
  patience: "patience",
  "min-epochs": "minEpochs",
} as const satisfies Record<string, keyof JobOptions>;

/** A flag that sets a job option. */
export type OptionFlag = keyof typeof OPTION_FLAGS;

/**
 * The job options of a run: the preset's, each option a flag gives replaced by its value (the
 * preset's key order kept, so config.json reads the same), `--shuffle`/`--no-shuffle`, a generated
 * task's `task` and `steps` (default 1000), and the initialisation flags ({@linkcode initOptions}).
 * A generated task's job starts from the preset with {@linkcode TASK_OPTIONS} over it (hidden 40,
 * batch 20, lr 0.01, clipping 1, …), then the flags. `flags` holds the validated values of any
 * subset of {@linkcode TRAIN}'s flags (absent: `undefined`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainOptions } from "./train.ts";
 * import { BOOK_PRESET } from "../train/config.ts";
 * const options = trainOptions({ lr: 0.01, shuffle: true }, BOOK_PRESET);
 * assert.deepEqual([options.lr, options.shuffle, options.epochs], [0.01, true, 500]);
 * const copy = trainOptions({ task: "copy", steps: 3000, lr: 0.003 }, BOOK_PRESET);
 * assert.deepEqual([copy.hidden, copy.batchSize, copy.lr, copy.steps], [40, 20, 0.003, 3000]);
 * ```
 */
export function trainOptions(
  flags: Record<string, unknown>,
  preset: JobOptions,
  defaultGateInit: GateInit = "constant",
): JobOptions {
  if (flags.shuffle === true && flags["no-shuffle"] === true) {
    throw new UsageError("--shuffle and --no-shuffle contradict each other");
  }
  const task = flags.task as string | undefined;
  const generated = task !== undefined && task !== "digit-sum";
  const options: Record<string, unknown> = { ...preset };
  if (generated) Object.assign(options, TASK_OPTIONS);
  for (const [flag, key] of Object.entries(OPTION_FLAGS)) {
    if (flags[flag] !== undefined) options[key] = flags[flag];
  }
  if (flags.shuffle === true) options.shuffle = true;
  if (flags["no-shuffle"] === true) options.shuffle = false;
  if (generated) {
    Object.assign(options, { task, steps: (flags.steps as number | undefined) ?? 1000 });
  } else if (flags.steps !== undefined) {
    throw new UsageError("--steps needs --task adding or copy (the digit sum trains --epochs)");
  }
  return { ...options as unknown as JobOptions, ...initOptions(flags, defaultGateInit) };
}

/**
 * The job options the initialisation flags set (only those that differ from the defaults);
 * `defaultGateInit` is the gate biases without `--gate-init` (a named study may default to
 * chrono).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initOptions } from "./train.ts";
 * assert.deepEqual(initOptions({ "gate-init": "chrono" }), { gateInit: "chrono" });
 * assert.deepEqual(initOptions({}), {});
 * assert.deepEqual(initOptions({}, "chrono"), { gateInit: "chrono" });
 * ```
 */
export function initOptions(
  flags: Record<string, unknown>,
  defaultGateInit: GateInit = "constant",
): Pick<JobOptions, "gateInit" | "chronoTmax" | "irnnScale"> {
  const gateInit = (flags["gate-init"] as GateInit | undefined) ?? defaultGateInit;
  const out: Pick<JobOptions, "gateInit" | "chronoTmax" | "irnnScale"> = {};
  if (gateInit === "chrono") out.gateInit = "chrono";
  if (flags["chrono-tmax"] !== undefined) {
    if (gateInit !== "chrono") throw new UsageError("--chrono-tmax needs --gate-init chrono");
    out.chronoTmax = flags["chrono-tmax"] as number;
  }
  const irnnScale = (flags["irnn-scale"] as number | undefined) ?? 1;
  if (irnnScale !== 1) out.irnnScale = irnnScale;
  return out;
}

/**
 * The per-cell options of a run: the IRNN's jobs take {@linkcode IRNN_SETTINGS}, except for a
 * setting given as a flag (`--lr`, `--clip`, `--input-dropout`), which holds for every cell.
 * With no flags, this is what the web page fills in for the IRNN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellOptionsOf } from "./train.ts";
 * assert.deepEqual(cellOptionsOf({}), { irnn: { lr: 0.001, clip: 10, inputDropout: 0 } });
 * assert.deepEqual(cellOptionsOf({ clip: 1 }), { irnn: { lr: 0.001, inputDropout: 0 } });
 * ```
 */
export function cellOptionsOf(
  flags: Record<string, unknown>,
): Partial<Record<CellKind, Partial<JobOptions>>> {
  const irnn: Partial<JobOptions> = {};
  for (const [flag, key] of Object.entries(OPTION_FLAGS)) {
    if (key in IRNN_SETTINGS && flags[flag] === undefined) {
      Object.assign(irnn, { [key]: IRNN_SETTINGS[key as keyof typeof IRNN_SETTINGS] });
    }
  }
  return { irnn };
}
