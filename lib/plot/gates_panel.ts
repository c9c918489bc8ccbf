/**
 * The input of the `gates` figure: one panel per test sequence — a model's forward trace of that
 * sequence summarised as a few series over time — and the hook a script wires in to produce the
 * panels of a run.
 * @module
 */

import type { CellKind } from "../model/config.ts";
import type { RunData } from "../run/read.ts";

/** One series of a panel: a value per time step. */
export interface GateSeries {
  /**
   * `"input gate"`, `"forget gate"`, `"output gate"`, `"cell-state norm"` (LSTM);
   * `"update gate"`, `"reset gate"` (GRU); `"hidden-state norm"` (any cell).
   * Names ending in `norm` are drawn on the right-hand axis, the others (in [0, 1]) on the left.
   */
  name: string;
  /** One value per time step: `values.length === digits.length`. */
  values: number[];
}

/** One panel of the `gates` figure: a forward trace of one test sequence, summarised. */
export interface GatesPanel {
  cell: CellKind;
  /** The sequence length (`digits.length`). */
  length: number;
  /** The input sequence. */
  digits: number[];
  /** The true sum of the first two digits. */
  label: number;
  /** The model's prediction. */
  pred: number;
  /** The position of the noise digit, or -1 if the noise digit is 0 (invisible). */
  noisePosition: number;
  /** Gate activations (mean over hidden units) and state norms over the time steps. */
  series: GateSeries[];
}

/**
 * Produces the panels of a run (e.g. one test sequence per length, from each best checkpoint).
 * `scripts/plot.ts` draws the `gates` figure only when one is wired in.
 */
export type GatesPanelSource = (run: RunData) => Promise<GatesPanel[]>;

/**
 * Check that a panel is consistent; throws a `RangeError` that names the first problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkGatesPanel } from "./gates_panel.ts";
 * const panel = {
 *   cell: "lstm" as const, length: 3, digits: [2, 3, 0], label: 5, pred: 5, noisePosition: -1,
 *   series: [{ name: "forget gate", values: [0.9, 0.8, 0.7] }],
 * };
 * checkGatesPanel(panel); // consistent: returns
 * assert.throws(() => checkGatesPanel({ ...panel, noisePosition: 3 }), /noisePosition 3 is out of range/);
 * ```
 */
export function checkGatesPanel(panel: GatesPanel): void {
  const where = `gates panel ${panel.cell} L=${panel.length}`;
  if (panel.digits.length !== panel.length) {
    throw new RangeError(`${where}: ${panel.digits.length} digits for length ${panel.length}`);
  }
  if (
    !Number.isInteger(panel.noisePosition) || panel.noisePosition < -1 ||
    panel.noisePosition >= panel.length
  ) {
    throw new RangeError(`${where}: noisePosition ${panel.noisePosition} is out of range`);
  }
  if (panel.series.length === 0) throw new RangeError(`${where}: has no series`);
  for (const series of panel.series) {
    if (series.values.length !== panel.length) {
      throw new RangeError(
        `${where}: series "${series.name}" has ${series.values.length} values, expected ${panel.length}`,
      );
    }
  }
}
