/**
 * Reading a training run folder (the contract `deno task train` writes):
 *
 * ```text
 * runs/NAME/config.json                          the run's shared configuration
 * runs/NAME/summary.csv                          cell,length,seed,best_dev_acc,best_step,test_acc,
 *                                                test_acc_memory,test_acc_adjacent,n_memory,n_adjacent,
 *                                                first_learning_step,steps,wall_s (a run trained
 *                                                before the memory split: without those five, NaN)
 * runs/NAME/<cell>-L<len>-s<seed>/config.json    that job's configuration
 * runs/NAME/<cell>-L<len>-s<seed>/metrics.csv    step,epoch,train_loss,dev_loss,dev_acc (one row a step)
 * ```
 *
 * Anything missing or malformed is a {@linkcode UserError} of one line that names the file (and
 * line), e.g. `runs/x: summary.csv is missing; run deno task train first`.
 * @module
 */

import { oneLine, UserError } from "../errors.ts";
import { CELL_KINDS, type CellKind } from "../model/config.ts";
import { SUMMARY_COLUMNS, type SummaryRow } from "../train/summary.ts";
import { type CsvRow, numberCell, optionalNumberCell, parseCsvTable } from "./csv_table.ts";

export { SUMMARY_COLUMNS, type SummaryRow };

/** The columns of summary.csv that runs trained before the memory split lack. */
const SPLIT_COLUMNS: readonly string[] = [
  "test_acc_memory",
  "test_acc_adjacent",
  "n_memory",
  "n_adjacent",
  "first_learning_step",
];

/** summary.csv's columns in a run trained before the memory split: still read, the split NaN. */
export const LEGACY_SUMMARY_COLUMNS: readonly string[] = SUMMARY_COLUMNS.filter((c) =>
  !SPLIT_COLUMNS.includes(c)
);

/** The recurrent cells a run can train (the model's {@linkcode CellKind}). */
export type CellName = CellKind;

/** The cells in the order figures and tables list them. */
export const CELL_NAMES: readonly CellName[] = CELL_KINDS;

/** The columns of a job's `metrics.csv`, in order. */
export const METRICS_COLUMNS = ["step", "epoch", "train_loss", "dev_loss", "dev_acc"] as const;

/** One row of `metrics.csv`: one training step; the dev columns are `null` between evaluations. */
export interface MetricsRow {
  step: number;
  epoch: number;
  train_loss: number;
  dev_loss: number | null;
  dev_acc: number | null;
}

/** A JSON object read from a `config.json`. */
export type JsonObject = { [key: string]: unknown };

/** One job of a run: its summary row, its per-step metrics and its configuration. */
export interface JobData {
  /** The job folder's name, `<cell>-L<len>-s<seed>`. */
  id: string;
  summary: SummaryRow;
  metrics: MetricsRow[];
  config: JsonObject;
}

/** Everything the plots and the report need from a run folder. */
export interface RunData {
  /** The run folder as given (without a trailing slash). */
  dir: string;
  /** The run folder's last path component. */
  name: string;
  /** The run's shared `config.json`. */
  config: JsonObject;
  /** The rows of `summary.csv`, sorted by cell (lstm, gru, srn), length, seed. */
  summary: SummaryRow[];
  /** One entry per summary row, in the same order. */
  jobs: JobData[];
}

/**
 * The folder name of a job: `lstm-L10-s0`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobId } from "./run.ts";
 * assert.equal(jobId({ cell: "gru", length: 35, seed: 2 }), "gru-L35-s2");
 * ```
 */
export function jobId(job: { cell: CellName; length: number; seed: number }): string {
  return `${job.cell}-L${job.length}-s${job.seed}`;
}

async function readText(dir: string, rel: string, hint = ""): Promise<string> {
  try {
    return await Deno.readTextFile(`${dir}/${rel}`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`${dir}: ${rel} is missing${hint}`);
    }
    if (err instanceof Deno.errors.IsADirectory) {
      throw new UserError(`${dir}: ${rel} is a folder, not a file`);
    }
    throw err;
  }
}

async function readJsonObject(dir: string, rel: string, hint = ""): Promise<JsonObject> {
  const text = await readText(dir, rel, hint);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${dir}: ${rel} is not valid JSON (${oneLine((err as Error).message)})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError(`${dir}: ${rel} must hold a JSON object`);
  }
  return value as JsonObject;
}

function summaryRow(row: CsvRow, where: string): SummaryRow {
  const cell = row.cells.cell!.trim();
  if (!(CELL_NAMES as readonly string[]).includes(cell)) {
    throw new UserError(
      `${where} line ${row.line}: cell ${JSON.stringify(cell)} is not one of ${
        CELL_NAMES.join("|")
      }`,
    );
  }
  const int = { integer: true, min: 0 };
  const acc = { min: 0, max: 1 };
  const split = (name: string, rule: typeof acc | typeof int) =>
    name in row.cells ? optionalNumberCell(row, name, where, rule) ?? NaN : NaN;
  return {
    cell: cell as CellName,
    length: numberCell(row, "length", where, { integer: true, min: 1 }),
    seed: numberCell(row, "seed", where, int),
    best_dev_acc: numberCell(row, "best_dev_acc", where, acc),
    best_step: numberCell(row, "best_step", where, int),
    test_acc: numberCell(row, "test_acc", where, acc),
    test_acc_memory: split("test_acc_memory", acc),
    test_acc_adjacent: split("test_acc_adjacent", acc),
    n_memory: split("n_memory", int),
    n_adjacent: split("n_adjacent", int),
    first_learning_step: split("first_learning_step", int),
    steps: numberCell(row, "steps", where, int),
    wall_s: numberCell(row, "wall_s", where, { min: 0 }),
  };
}

function metricsRow(row: CsvRow, where: string): MetricsRow {
  const row_: MetricsRow = {
    step: numberCell(row, "step", where, { integer: true, min: 1 }),
    epoch: numberCell(row, "epoch", where, { min: 0 }),
    train_loss: numberCell(row, "train_loss", where, { min: 0, nonFinite: true }),
    dev_loss: optionalNumberCell(row, "dev_loss", where, { min: 0, nonFinite: true }),
    dev_acc: optionalNumberCell(row, "dev_acc", where, { min: 0, max: 1 }),
  };
  if ((row_.dev_loss === null) !== (row_.dev_acc === null)) {
    throw new UserError(
      `${where} line ${row.line}: dev_loss and dev_acc must be both empty or both set`,
    );
  }
  return row_;
}

/**
 * Parse the text of `summary.csv`; `where` names the file in errors. A summary without the memory
 * split's columns ({@linkcode LEGACY_SUMMARY_COLUMNS}, a run trained before it) reads them as NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSummary } from "./run.ts";
 * const rows = parseSummary(
 *   "cell,length,seed,best_dev_acc,best_step,test_acc,steps,wall_s\nlstm,10,0,0.95,1200,0.93,19000,40.5\n",
 *   "runs/x: summary.csv",
 * );
 * assert.equal(rows[0]!.test_acc, 0.93);
 * ```
 */
export function parseSummary(text: string, where: string): SummaryRow[] {
  const header = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0];
  const legacy = header === LEGACY_SUMMARY_COLUMNS.join(",");
  const columns = legacy ? LEGACY_SUMMARY_COLUMNS : SUMMARY_COLUMNS;
  const rows = parseCsvTable(text, columns, where).map((row) => summaryRow(row, where));
  if (rows.length === 0) throw new UserError(`${where}: has no rows`);
  const seen = new Set<string>();
  for (const row of rows) {
    const id = jobId(row);
    if (seen.has(id)) throw new UserError(`${where}: job ${id} is listed twice`);
    seen.add(id);
  }
  return rows.sort((a, b) =>
    CELL_NAMES.indexOf(a.cell) - CELL_NAMES.indexOf(b.cell) || a.length - b.length ||
    a.seed - b.seed
  );
}

/**
 * Parse the text of a job's `metrics.csv`; `where` names the file in errors. It may hold no rows:
 * an imported model (`deno task import --run`) has no training history.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMetrics } from "./run.ts";
 * const rows = parseMetrics("step,epoch,train_loss,dev_loss,dev_acc\n1,1,2.9,,\n2,1,2.7,2.8,0.12\n", "m.csv");
 * assert.equal(rows[0]!.dev_acc, null);
 * assert.equal(rows[1]!.dev_acc, 0.12);
 * ```
 */
export function parseMetrics(text: string, where: string): MetricsRow[] {
  const table = parseCsvTable(text, METRICS_COLUMNS, where);
  let previous = 0;
  return table.map((row) => {
    const parsed = metricsRow(row, where);
    if (parsed.step <= previous) {
      throw new UserError(
        `${where} line ${row.line}: step ${parsed.step} follows step ${previous}`,
      );
    }
    previous = parsed.step;
    return parsed;
  });
}

/**
 * Read and check a whole run folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRun } from "./run.ts";
 * const run = await readRun("tests/fixtures/run_small");
 * assert.equal(run.name, "run_small");
 * assert.equal(run.jobs.length, 8);
 * ```
 */
export async function readRun(dir: string): Promise<RunData> {
  const root = dir.length > 1 ? dir.replace(/\/+$/, "") : dir;
  try {
    if (!(await Deno.stat(root)).isDirectory) throw new UserError(`${root}: is not a folder`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`${root}: no such run folder; run deno task train first`);
    }
    throw err;
  }
  const summaryText = await readText(root, "summary.csv", "; run deno task train first");
  const summary = parseSummary(summaryText, `${root}: summary.csv`);
  const config = await readJsonObject(root, "config.json");
  const jobs: JobData[] = [];
  for (const row of summary) {
    const id = jobId(row);
    const hint = ` (summary.csv lists job ${id})`;
    const metricsText = await readText(root, `${id}/metrics.csv`, hint);
    const metrics = parseMetrics(metricsText, `${root}: ${id}/metrics.csv`);
    const jobConfig = await readJsonObject(root, `${id}/config.json`, hint);
    jobs.push({ id, summary: row, metrics, config: jobConfig });
  }
  return { dir: root, name: root.split("/").pop() || root, config, summary, jobs };
}
