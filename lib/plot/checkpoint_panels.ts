/**
 * The `gates` figure's panels from a run's best checkpoints: for each (cell, length) — the
 * smallest seed — a forward trace of one test sequence, summarised as the mean of each
 * gate over the hidden units and the norm of the cell (LSTM) or hidden state.
 * @module
 */

import { join } from "node:path";
import { readDigitSum } from "../data/reader.ts";
import { loadCheckpoint } from "../io/checkpoint.ts";
import { CELLS } from "../nn/cells.ts";
import { type ForwardTrace, traceForward } from "../model/forward_trace.ts";
import type { GateSeries, GatesPanel, GatesPanelSource } from "./gates_panel.ts";
import type { RunData } from "../run/read.ts";

/**
 * The test sequence a panel shows: the first whose two digits and noise digit are all non-zero
 * (so each is visible), else the first line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pickSequence } from "./checkpoint_panels.ts";
 * assert.equal(pickSequence(new Int32Array([0, 0, 5, 1, 2, 0, 3, 4, 7]), 3, 3), 2);
 * ```
 */
export function pickSequence(digits: Int32Array, n: number, length: number): number {
  for (let i = 0; i < n; i++) {
    const row = digits.subarray(i * length, (i + 1) * length);
    if (row[0] !== 0 && row[1] !== 0 && row.subarray(2).some((d) => d !== 0)) return i;
  }
  return 0;
}

function meanOverUnits(values: Float32Array, T: number, H: number): number[] {
  return Array.from({ length: T }, (_, t) => {
    let s = 0;
    for (let j = 0; j < H; j++) s += values[t * H + j]!;
    return s / H;
  });
}

function normOverUnits(values: Float32Array, T: number, H: number): number[] {
  return Array.from({ length: T }, (_, t) => {
    let s = 0;
    for (let j = 0; j < H; j++) s += values[t * H + j]! ** 2;
    return Math.sqrt(s);
  });
}

/**
 * The figure's series of a forward trace: the cell's shown gates (`shownGates` in
 * {@linkcode CELLS}: the LSTM's input, forget and output gates, the GRU's update and reset gates),
 * the cell-state norm of a cell that keeps one (the LSTM), and every cell's hidden-state norm.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier, traceForward } from "../../mod.ts";
 * import { gateSeries } from "./checkpoint_panels.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const names = gateSeries(traceForward(model, new Int32Array([1, 2, 0, 5]))).map((s) => s.name);
 * assert.deepEqual(names, ["input gate", "forget gate", "output gate", "cell-state norm", "hidden-state norm"]);
 * ```
 */
export function gateSeries(trace: ForwardTrace): GateSeries[] {
  const { T, H, gates } = trace;
  const series: GateSeries[] = [];
  const cell = CELLS[trace.cell];
  for (const name of cell.shownGates) {
    const values = gates[name];
    if (values) series.push({ name: `${name} gate`, values: meanOverUnits(values, T, H) });
  }
  if (cell.cellState) {
    series.push({ name: "cell-state norm", values: normOverUnits(trace.c, T, H) });
  }
  series.push({ name: "hidden-state norm", values: normOverUnits(trace.h, T, H) });
  return series;
}

/**
 * A {@linkcode GatesPanelSource} that traces each (cell, length)'s best checkpoint on one test
 * sequence, with the test data taken from the run's `config.json` (`data`, default `datasets`).
 *
 * @example
 * ```ts ignore
 * import { plotRun } from "./plot_run.ts";
 * import { checkpointPanels } from "./checkpoint_panels.ts";
 * await plotRun("runs/default", { gatesPanels: checkpointPanels });
 * ```
 */
export const checkpointPanels: GatesPanelSource = async (run: RunData): Promise<GatesPanel[]> => {
  const dataDir = typeof run.config.data === "string" ? run.config.data : "datasets";
  const seen = new Set<string>();
  const panels: GatesPanel[] = [];
  for (const job of run.jobs) {
    const key = `${job.summary.cell}-${job.summary.length}`;
    if (seen.has(key)) continue; // jobs are sorted by seed: keep the smallest
    seen.add(key);
    const { model } = await loadCheckpoint(join(job.dir, "best.safetensors"));
    const L = job.summary.length;
    const test = await readDigitSum(join(dataDir, String(L), "test.txt"));
    const i = pickSequence(test.digits, test.n, L);
    const digits = test.digits.slice(i * L, (i + 1) * L);
    const trace = traceForward(model, digits);
    let pred = 0;
    trace.logits.forEach((v, c) => {
      if (v > trace.logits[pred]!) pred = c;
    });
    let noisePosition = -1;
    for (let t = 2; t < L; t++) if (digits[t] !== 0) noisePosition = t;
    panels.push({
      cell: model.config.cell,
      length: L,
      digits: Array.from(digits),
      label: test.labels[i]!,
      pred,
      noisePosition,
      series: gateSeries(trace),
    });
  }
  return panels;
};
