/**
 * Reading older run folders: every rule that brings a record written by an earlier lstm-lab to
 * the current format sits here, in {@linkcode migrate}, so the rest of the code knows one format.
 *
 * What earlier versions wrote, and how it reads now:
 * - `config.json` without `version` (format version 1). The earliest runs spelled the options in
 *   snake_case (`batch_size`, `forget_bias`, `eval_steps`); they read as camelCase. A job config
 *   lacking an option that was added later (`inputBias`, `weightDecay`, `clip`, `inputDropout`,
 *   `shuffle`, `freezeEmbedding`, `patience`, `minEpochs`) gets the value that trained it: the one
 *   the option has when it is off.
 * - `result.json`, `summary.csv`, `summary.json` and `capacity.csv` from before training split the test accuracy
 *   into memory and adjacent noise lack `test_acc_memory`, `test_acc_adjacent`, `n_memory`,
 *   `n_adjacent` and `first_learning_step`; they read as NaN ({@linkcode hasMemorySplit} is false).
 * - `result.json` stores NaN as `null` (JSON has no NaN); it reads as NaN.
 * @module
 */

/** The files {@linkcode migrate} brings up to date. */
export type MigratedFile =
  | "config.json"
  | "result.json"
  | "summary.csv"
  | "summary.json"
  | "capacity.csv";

const SNAKE_CASE: Record<string, string> = {
  batch_size: "batchSize",
  forget_bias: "forgetBias",
  input_bias: "inputBias",
  weight_decay: "weightDecay",
  input_dropout: "inputDropout",
  eval_steps: "evalSteps",
  freeze_embedding: "freezeEmbedding",
  min_epochs: "minEpochs",
};

/** The job options added after the first runs, at the value that means "off". */
const LATER_OPTIONS: Record<string, number | boolean> = {
  forgetBias: 0,
  inputBias: 0,
  weightDecay: 0,
  clip: 0,
  inputDropout: 0,
  shuffle: false,
  freezeEmbedding: false,
  patience: 0,
  minEpochs: 0,
};

/** The result columns that runs trained before the memory split lack. */
export const SPLIT_COLUMNS = [
  "test_acc_memory",
  "test_acc_adjacent",
  "n_memory",
  "n_adjacent",
  "first_learning_step",
] as const;

/**
 * The header an earlier version wrote for a table of `columns` (summary.csv, capacity.csv): the
 * same columns without the memory split's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { olderHeader } from "./migrate.ts";
 * assert.deepEqual(olderHeader(["cell", "test_acc", "n_memory", "steps"]), ["cell", "test_acc", "steps"]);
 * ```
 */
export function olderHeader(columns: readonly string[]): string[] {
  return columns.filter((c) => !(SPLIT_COLUMNS as readonly string[]).includes(c));
}

/** The numeric columns of a result row: `null` (JSON's NaN) reads as NaN. */
const RESULT_NUMBERS = [
  "best_dev_acc",
  "best_step",
  "test_acc",
  ...SPLIT_COLUMNS,
  "steps",
  "wall_s",
  "best_dev_loss",
  "test_loss",
  "space_n",
  "space_acc",
  "space_n_memory",
  "space_acc_memory",
  "space_loss",
];

/**
 * A record of `file` (a parsed config.json or result.json, or one row of a summary or capacity
 * table) as the current format has it; the record is not changed. `version` is dropped: a
 * config in memory has none, `formatConfig` writes it.
 *
 * @example A job config from the earliest runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrate } from "./migrate.ts";
 * const old = { cell: "lstm", length: 5, seed: 0, epochs: 5, batch_size: 8, lr: 0.001, eval_steps: 50 };
 * assert.deepEqual(migrate("config.json", old), {
 *   cell: "lstm", length: 5, seed: 0, epochs: 5, batchSize: 8, lr: 0.001, evalSteps: 50,
 *   forgetBias: 0, inputBias: 0, weightDecay: 0, clip: 0, inputDropout: 0, shuffle: false,
 *   freezeEmbedding: false, patience: 0, minEpochs: 0,
 * });
 * ```
 *
 * @example A result from before the memory split
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrate } from "./migrate.ts";
 * const row = migrate("result.json", { cell: "lstm", length: 5, seed: 0, test_acc: null });
 * assert.deepEqual([row.test_acc, row.n_memory, row.first_learning_step], [NaN, NaN, NaN]);
 * ```
 */
export function migrate(
  file: MigratedFile,
  record: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  if (file === "config.json") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      if (key !== "version") out[SNAKE_CASE[key] ?? key] = value;
    }
    if ("cell" in out && "epochs" in out) {
      for (const [key, value] of Object.entries(LATER_OPTIONS)) out[key] ??= value;
    }
    return out;
  }
  const out: Record<string, unknown> = { ...record };
  for (const key of RESULT_NUMBERS) {
    if (key in out || (SPLIT_COLUMNS as readonly string[]).includes(key)) out[key] ??= NaN;
  }
  return out;
}

/**
 * Whether a result row has the memory split (a job trained since training writes it). `n_memory`
 * tells: it is a count whenever the split was computed, NaN only when it was not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasMemorySplit } from "./migrate.ts";
 * assert.equal(hasMemorySplit({ n_memory: 80 }), true);
 * assert.equal(hasMemorySplit({ n_memory: NaN }), false);
 * ```
 */
export function hasMemorySplit(row: { n_memory: number }): boolean {
  return !Number.isNaN(row.n_memory);
}
