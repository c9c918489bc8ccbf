/**
 * `metrics.csv`: one row per training step, `step,epoch,train_loss,dev_loss,dev_acc`, the dev
 * columns empty except at evaluation steps.
 * @module
 */

import { UserError } from "../errors.ts";

/** The header line of `metrics.csv`, with its newline. */
export const METRICS_HEADER = "step,epoch,train_loss,dev_loss,dev_acc\n";

/** One step's numbers (NaN dev values: not an evaluation step). */
export interface MetricsRow {
  /** Step, from 1. */
  step: number;
  /** Epoch of the step, from 1. */
  epoch: number;
  /** Training loss of the step's batch. */
  trainLoss: number;
  /** Mean dev loss (NaN when not evaluated). */
  devLoss: number;
  /** Dev accuracy (NaN when not evaluated). */
  devAcc: number;
}

/** A number as metrics.csv writes it: 7 significant digits, empty for NaN. */
function formatNumber(x: number): string {
  return Number.isNaN(x) ? "" : String(Number(x.toPrecision(7)));
}

/**
 * The numbers of one metrics.csv line, the inverse of {@linkcode formatMetricsRow} (an empty cell
 * is NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMetricsLine } from "./metrics.ts";
 * assert.deepEqual(parseMetricsLine("100,3,0.1234568,,"), {
 *   step: 100, epoch: 3, trainLoss: 0.1234568, devLoss: NaN, devAcc: NaN,
 * });
 * ```
 */
export function parseMetricsLine(line: string): MetricsRow {
  const [step, epoch, trainLoss, devLoss, devAcc] = line.split(",").map((v) =>
    v === "" ? NaN : Number(v)
  );
  return { step: step!, epoch: epoch!, trainLoss: trainLoss!, devLoss: devLoss!, devAcc: devAcc! };
}

/**
 * One line of metrics.csv (without the newline).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMetricsRow } from "./metrics.ts";
 * const line = formatMetricsRow({ step: 100, epoch: 3, trainLoss: 0.123456789, devLoss: NaN, devAcc: NaN });
 * assert.equal(line, "100,3,0.1234568,,");
 * ```
 */
export function formatMetricsRow(row: MetricsRow): string {
  return [
    row.step,
    row.epoch,
    formatNumber(row.trainLoss),
    formatNumber(row.devLoss),
    formatNumber(row.devAcc),
  ]
    .join(",");
}

/**
 * The complete rows of a metrics.csv text, each with its step and its line as written; a final
 * line without its newline (a write cut short) is dropped. Anything malformed is a
 * {@linkcode UserError} naming the file and line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMetricsRows } from "./metrics.ts";
 * const rows = parseMetricsRows("step,epoch,train_loss,dev_loss,dev_acc\n1,1,2.9,,\n2,1,2.8", "m.csv");
 * assert.deepEqual(rows.map((r) => r.step), [1]);
 * ```
 */
export function parseMetricsRows(text: string, path: string): { step: number; line: string }[] {
  if (text === "") return [];
  const lines = text.split("\n");
  lines.pop(); // the text after the last newline: empty, or a line cut short
  if (lines.length === 0) return [];
  if (lines[0] + "\n" !== METRICS_HEADER) {
    throw new UserError(`${path}:1: expected the header ${METRICS_HEADER.trim()}`);
  }
  return lines.slice(1).map((line, i) => {
    const step = Number(line.split(",")[0]);
    if (line.split(",").length !== 5 || !Number.isInteger(step) || step < 1) {
      throw new UserError(`${path}:${i + 2}: expected step,epoch,train_loss,dev_loss,dev_acc`);
    }
    return { step, line };
  });
}
