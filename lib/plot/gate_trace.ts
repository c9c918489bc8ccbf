/**
 * The contract between the model and the `gates` figure: what a traced forward pass of ONE test
 * sequence reports, and the hook a script wires in to produce such traces for a run.
 * @module
 */

import type { CellKind } from "../model/config.ts";
import type { RunData } from "../run/read.ts";

/** One series of a trace: a value per time step. */
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

/** A traced forward pass of one test sequence. */
export interface GateTrace {
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
 * Produces the gate traces of a run (e.g. one test sequence per length, from each best checkpoint).
 * `scripts/plot.ts` draws the `gates` figure only when one is wired in.
 */
export type TraceProvider = (run: RunData) => Promise<GateTrace[]>;

/**
 * Check that a trace is consistent; throws a `RangeError` that names the first problem.
 *
 * @example
 * ```ts
 * import { checkGateTrace } from "./gate_trace.ts";
 * checkGateTrace({
 *   cell: "lstm", length: 3, digits: [2, 3, 0], label: 5, pred: 5, noisePosition: -1,
 *   series: [{ name: "forget gate", values: [0.9, 0.8, 0.7] }],
 * });
 * console.log("ok"); // ok
 * ```
 */
export function checkGateTrace(trace: GateTrace): void {
  const where = `gate trace ${trace.cell} L=${trace.length}`;
  if (trace.digits.length !== trace.length) {
    throw new RangeError(`${where}: ${trace.digits.length} digits for length ${trace.length}`);
  }
  if (
    !Number.isInteger(trace.noisePosition) || trace.noisePosition < -1 ||
    trace.noisePosition >= trace.length
  ) {
    throw new RangeError(`${where}: noisePosition ${trace.noisePosition} is out of range`);
  }
  if (trace.series.length === 0) throw new RangeError(`${where}: has no series`);
  for (const series of trace.series) {
    if (series.values.length !== trace.length) {
      throw new RangeError(
        `${where}: series "${series.name}" has ${series.values.length} values, expected ${trace.length}`,
      );
    }
  }
}
