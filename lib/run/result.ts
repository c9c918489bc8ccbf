/**
 * `result.json`: how a finished job ended ({@linkcode JobResult}), written once when it stops
 * (unless interrupted); a resumed run returns it instead of training again, and `deno task merge`
 * gathers the shards' results from it.
 * @module
 */

import { UserError } from "../errors.ts";
import type { CellKind } from "../model/config.ts";
import { migrate } from "./migrate.ts";

/** How a job ended. */
export type JobStatus = "done" | "early-stop" | "interrupted" | "diverged";

/** One row of `summary.csv`, plus how the job ended. */
export interface JobResult {
  /** The cell. */
  cell: CellKind;
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
   * `LEARNING_DEV_ACC` (0.3, three times chance); NaN when it never did.
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
  /**
   * A digit-sum job: how many sequences of the task's input space at its length the best
   * checkpoint was measured on — the whole space when it holds at most 10,000, else a seeded
   * sample of 10,000 (`evaluateInputSpace`). Absent for a job trained before the measure, and
   * for a task job.
   */
  space_n?: number;
  /** The share of them answered right (NaN: no checkpoint). */
  space_acc?: number;
  /** How many of them are memory sequences (noise at position ≥ 4, or a noise value of 0). */
  space_n_memory?: number;
  /** The share of those answered right. */
  space_acc_memory?: number;
  /** The mean cross-entropy over the `space_n` sequences, nats. */
  space_loss?: number;
  /** A generated task's job: its name (absent: the digit sum). */
  task?: string;
  /** A task job: the lowest dev loss, the best checkpoint's. */
  best_dev_loss?: number;
  /** A task job: the best checkpoint's test loss. */
  test_loss?: number;
  /** A task job: the memoryless baseline's loss at its T. */
  baseline?: number;
}

/**
 * The text of `result.json`: two-space JSON with a final newline (NaN as `null`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatJobResult, parseJobResult } from "./result.ts";
 * const split = { test_acc_memory: 1, test_acc_adjacent: 0.5, n_memory: 8, n_adjacent: 2, first_learning_step: NaN };
 * const result = { cell: "lstm" as const, length: 5, seed: 0, best_dev_acc: 0.9, best_step: 100, test_acc: 0.8, ...split, steps: 190, wall_s: 1.5, status: "done" as const };
 * const text = formatJobResult(result);
 * assert.match(text, /"first_learning_step": null/);
 * assert.deepEqual(parseJobResult(text, "result.json"), result);
 * ```
 */
export function formatJobResult(result: JobResult): string {
  return JSON.stringify(result, null, 2) + "\n";
}

/**
 * A finished job's `result.json` (its text) of any format version, checked to be a job result;
 * `path` names the file in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJobResult } from "./result.ts";
 * assert.throws(() => parseJobResult("{", "runs/x/lstm-L5-s0/result.json"), {
 *   message: "runs/x/lstm-L5-s0/result.json: not a job result (invalid JSON)",
 * });
 * ```
 */
export function parseJobResult(text: string, path: string): JobResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${path}: not a job result (invalid JSON)`);
  }
  const result = value as Partial<Record<keyof JobResult, unknown>> | null;
  if (
    result === null || typeof result !== "object" || typeof result.cell !== "string" ||
    typeof result.length !== "number" || typeof result.seed !== "number" ||
    typeof result.status !== "string"
  ) {
    throw new UserError(`${path}: not a job result (expected cell, length, seed and status)`);
  }
  return migrate("result.json", result) as unknown as JobResult;
}
