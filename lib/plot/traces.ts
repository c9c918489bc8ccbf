/**
 * The `gates` figure's traces from a run's best checkpoints: for each (cell, length) — the
 * smallest seed — one test sequence traced through the model, summarised as the mean of each
 * gate over the hidden units and the norm of the cell (LSTM) or hidden state.
 * @module
 */

import { join } from "node:path";
import { readDigitSum } from "../data/reader.ts";
import { loadCheckpoint } from "../io/checkpoint.ts";
import { type ForwardTrace, traceForward } from "../model/trace.ts";
import type { GateSeries, GateTrace, TraceProvider } from "./gate_trace.ts";
import type { RunData } from "../run/read.ts";

/**
 * The test sequence a trace shows: the first whose two digits and noise digit are all non-zero
 * (so each is visible), else the first line.
 *
 * @example
 * ```ts
 * import { pickSequence } from "./traces.ts";
 * console.log(pickSequence(new Int32Array([0, 0, 5, 1, 2, 0, 3, 0, 7]), 3, 3)); // 2
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
 * The figure's series of a forward trace: LSTM input, forget and output gates and the cell-state
 * norm; GRU update and reset gates; every cell's hidden-state norm.
 *
 * @example
 * ```ts
 * import { BOOK_MODEL, initParams, SeqClassifier, traceForward } from "../../mod.ts";
 * import { gateSeries } from "./traces.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * console.log(gateSeries(traceForward(model, new Int32Array([1, 2, 0, 5]))).map((s) => s.name));
 * ```
 */
export function gateSeries(trace: ForwardTrace): GateSeries[] {
  const { T, H, gates } = trace;
  const series: GateSeries[] = [];
  const gate = (name: string, label: string) => {
    const values = gates[name];
    if (values) series.push({ name: label, values: meanOverUnits(values, T, H) });
  };
  if (trace.cell === "lstm") {
    gate("input", "input gate");
    gate("forget", "forget gate");
    gate("output", "output gate");
    series.push({ name: "cell-state norm", values: normOverUnits(trace.c, T, H) });
  } else if (trace.cell === "gru") {
    gate("update", "update gate");
    gate("reset", "reset gate");
  }
  series.push({ name: "hidden-state norm", values: normOverUnits(trace.h, T, H) });
  return series;
}

/**
 * A {@linkcode TraceProvider} that traces each (cell, length)'s best checkpoint on one test
 * sequence, with the test data taken from the run's `config.json` (`data`, default `datasets`).
 *
 * @example
 * ```ts ignore
 * import { plotRun } from "./plot_run.ts";
 * import { checkpointTraces } from "./traces.ts";
 * await plotRun("runs/default", { traceProvider: checkpointTraces });
 * ```
 */
export const checkpointTraces: TraceProvider = async (run: RunData): Promise<GateTrace[]> => {
  const dataDir = typeof run.config.data === "string" ? run.config.data : "datasets";
  const seen = new Set<string>();
  const traces: GateTrace[] = [];
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
    traces.push({
      cell: model.config.cell,
      length: L,
      digits: Array.from(digits),
      label: test.labels[i]!,
      pred,
      noisePosition,
      series: gateSeries(trace),
    });
  }
  return traces;
};
