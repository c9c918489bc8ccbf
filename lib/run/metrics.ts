/**
 * `metrics.csv`: one row per training step, `step,epoch,train_loss,dev_loss,dev_acc`, the dev
 * columns empty except at evaluation steps. Training writes it a row at a time; the plots, the
 * report, resume and the web page read it with {@linkcode parseMetrics} or
 * {@linkcode parseMetricsLine}.
 * @module
 */

import { UserError } from "../errors.ts";
import { numberField, optionalNumberField } from "./fields.ts";

/** The columns of `metrics.csv`, in order. */
export const METRICS_COLUMNS = ["step", "epoch", "train_loss", "dev_loss", "dev_acc"] as const;

/** The header line of `metrics.csv`, with its newline. */
export const METRICS_HEADER: string = METRICS_COLUMNS.join(",") + "\n";

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
 * One line of metrics.csv (without the newline).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMetricsRow } from "./metrics.ts";
 * const row = { step: 100, epoch: 3, trainLoss: 0.123456789, devLoss: NaN, devAcc: NaN };
 * assert.equal(formatMetricsRow(row), "100,3,0.1234568,,");
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
 * One metrics.csv line, the inverse of {@linkcode formatMetricsRow}: an empty dev cell is NaN.
 * Anything malformed is a {@linkcode UserError} that `where` (the file and line) starts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMetricsLine } from "./metrics.ts";
 * assert.deepEqual(parseMetricsLine("100,3,0.1234568,,"), {
 *   step: 100, epoch: 3, trainLoss: 0.1234568, devLoss: NaN, devAcc: NaN,
 * });
 * assert.throws(() => parseMetricsLine("3,1,2.5,", "m.csv line 4"), {
 *   message: "m.csv line 4: expected 5 fields, got 4",
 * });
 * ```
 */
export function parseMetricsLine(line: string, where = "metrics.csv"): MetricsRow {
  const fields = line.replace(/\r$/, "").split(",");
  if (fields.length !== METRICS_COLUMNS.length) {
    throw new UserError(
      `${where}: expected ${METRICS_COLUMNS.length} fields, got ${fields.length}`,
    );
  }
  const [step, epoch, trainLoss, devLoss, devAcc] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  const row: MetricsRow = {
    step: numberField(step, "step", where, { integer: true, min: 1 }),
    epoch: numberField(epoch, "epoch", where, { min: 0 }),
    trainLoss: numberField(trainLoss, "train_loss", where, { min: 0, nonFinite: true }),
    devLoss: optionalNumberField(devLoss, "dev_loss", where, { min: 0, nonFinite: true }),
    devAcc: optionalNumberField(devAcc, "dev_acc", where, { min: 0, max: 1 }),
  };
  // an evaluation may have a NaN loss (written empty) beside its accuracy, never the reverse
  if (devLoss.trim() !== "" && devAcc.trim() === "") {
    throw new UserError(`${where}: dev_loss without dev_acc; a dev loss comes with an evaluation`);
  }
  return row;
}

/** Options of {@linkcode parseMetrics}. */
export interface ParseMetricsOptions {
  /**
   * Drop a last line without its newline: a write cut short, as a killed job leaves it (default
   * false: the whole text is read).
   */
  complete?: boolean;
}

/**
 * The rows of a metrics.csv text, steps strictly increasing; `where` names the file in errors.
 * It may hold no rows: an imported model (`deno task import --run`) has no training history.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMetrics } from "./metrics.ts";
 * const text = "step,epoch,train_loss,dev_loss,dev_acc\n1,1,2.9,,\n2,1,2.7,2.8,0.12\n3,1,2";
 * assert.deepEqual(parseMetrics(text, "m.csv", { complete: true }).map((r) => r.devAcc), [NaN, 0.12]);
 * assert.throws(() => parseMetrics(text, "m.csv"), { message: "m.csv line 4: expected 5 fields, got 3" });
 * ```
 */
export function parseMetrics(
  text: string,
  where: string,
  { complete = false }: ParseMetricsOptions = {},
): MetricsRow[] {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const tail = lines.pop()!; // the text after the last newline: empty, or a line cut short
  if (!complete && tail.trim() !== "") lines.push(tail);
  if (lines.length === 0) {
    if (complete) return [];
    throw new UserError(`${where}: the file is empty`);
  }
  const header = lines[0]!.replace(/\r$/, "");
  if (header !== METRICS_COLUMNS.join(",")) {
    throw new UserError(
      `${where}: the header must be "${METRICS_COLUMNS.join(",")}", got ${JSON.stringify(header)}`,
    );
  }
  const rows: MetricsRow[] = [];
  let previous = 0;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    const row = parseMetricsLine(lines[i]!, `${where} line ${i + 1}`);
    if (row.step <= previous) {
      throw new UserError(`${where} line ${i + 1}: step ${row.step} follows step ${previous}`);
    }
    previous = row.step;
    rows.push(row);
  }
  return rows;
}
