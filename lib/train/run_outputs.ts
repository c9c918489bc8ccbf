/**
 * The files a finished run ends with, written by `deno task train` / `deno task capacity` after
 * training and by `deno task merge` from the shards' results: one place for both.
 * @module
 */

import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { capacitySpec } from "../plot/capacity_spec.ts";
import { renderFigure } from "../plot/render.ts";
import { capacityCsv, capacityMarkdown } from "./capacity.ts";
import type { JobResult } from "./job.ts";
import type { GateInit } from "../model/init.ts";
import { bookTable, sortRows, summaryCsv, summaryJson } from "./summary.ts";

/**
 * Print each diverged job's message; the exit code: 1 when any diverged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportDiverged } from "./run_outputs.ts";
 * assert.equal(reportDiverged([]), 0);
 * ```
 */
export function reportDiverged(results: readonly JobResult[]): number {
  const diverged = results.filter((r) => r.status === "diverged");
  for (const r of diverged) console.error(`error: ${r.message}`);
  return diverged.length > 0 ? 1 : 0;
}

/**
 * `summary.csv` and `summary.json` of a training run, then the book's table on stdout; returns
 * the exit code.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await writeTrainOutputs("runs/x", finished));
 * ```
 */
export async function writeTrainOutputs(out: string, finished: JobResult[]): Promise<number> {
  const rows = sortRows(finished);
  await writeFileAtomic(join(out, "summary.csv"), summaryCsv(rows));
  await writeFileAtomic(join(out, "summary.json"), summaryJson(rows));
  console.log(bookTable(rows));
  console.log(`wrote ${join(out, "summary.csv")} and ${join(out, "summary.json")}`);
  return reportDiverged(rows);
}

/** The settings a capacity study's report states (as in its config.json). */
export interface CapacitySettings {
  /** The preset's name. */
  preset: string;
  /** At most this many epochs. */
  epochs: number;
  /** Early-stopping patience in evaluations (0: off). */
  patience: number;
  /** Steps between evaluations. */
  evalSteps: number;
  /** Epochs before early stopping may stop a job. */
  minEpochs: number;
  /** The seeds. */
  seeds: number[];
  /** The gate biases of the LSTM and GRU (absent: constant). */
  gateInit?: GateInit;
  /** Chrono's T_max (absent: each job's length). */
  chronoTmax?: number;
}

/**
 * `capacity.csv`, the `capacity` figure and `capacity.md` of a capacity study, the markdown also
 * on stdout; returns the exit code.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await writeCapacityOutputs("runs/capacity", finished, settings));
 * ```
 */
export async function writeCapacityOutputs(
  out: string,
  finished: JobResult[],
  options: CapacitySettings,
): Promise<number> {
  const rows = sortRows(finished);
  const csvPath = join(out, "capacity.csv");
  await writeFileAtomic(csvPath, capacityCsv(rows));
  const figure = await renderFigure(capacitySpec(rows, { gateInit: options.gateInit }));
  for (const w of figure.warnings) console.error(`note: capacity figure: ${w}`);
  const figureBase = join(out, "figures", "capacity");
  await writeFileAtomic(`${figureBase}.svg`, figure.svg);
  await writeFileAtomic(`${figureBase}.png`, figure.png);
  const trainedMin = rows.reduce((s, r) => s + r.wall_s, 0) / 60;
  const chrono = options.gateInit === "chrono"
    ? `, chrono gate biases for the LSTM and GRU (T_max ${options.chronoTmax ?? "= the length"})`
    : "";
  const settings =
    `Preset \`${options.preset}\`${chrono}, at most ${options.epochs} epochs, early stopping ` +
    (options.patience > 0
      ? `after ${options.patience} evaluations (${
        options.patience * options.evalSteps
      } steps) without a better dev accuracy once ${options.minEpochs} epochs are done and dev ` +
        `accuracy has beaten answering the most common label (chance), or at dev accuracy 1.0`
      : "off") +
    `; seeds ${options.seeds.join(", ")}; ${rows.length} job(s), ${
      trainedMin.toFixed(1)
    } min of training summed over jobs.`;
  const markdown = capacityMarkdown(rows, { settings });
  await writeFileAtomic(join(out, "capacity.md"), markdown);
  console.log(markdown);
  console.log(`wrote ${csvPath}, ${join(out, "capacity.md")} and ${figureBase}.svg/.png`);
  return reportDiverged(finished);
}
