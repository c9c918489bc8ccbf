/**
 * The `scaling` figure of `deno task bench --scaling`: milliseconds against hidden size and
 * against sequence length, log–log, ours next to PyTorch (and onnxruntime for the forward pass),
 * one column per cell.
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import { CELL_LABELS, FIGURE_CONFIG } from "./theme.ts";

/** One measured grid point, as `bench/results/scaling.csv` holds it (only these fields). */
export interface ScalingRow {
  cell: "lstm" | "gru" | "srn";
  hidden: number;
  length: number;
  batch: number;
  ours_train_ms: number;
  torch_train_ms: number | null;
  ours_forward_ms: number;
  torch_forward_ms: number | null;
  onnx_forward_ms: number | null;
  /** Ours with the recurrences on two threads (`--team`), when measured. */
  ours2_train_ms?: number | null;
  /** Ours forward on two threads, when measured. */
  ours2_forward_ms?: number | null;
}

/** One panel row: what is measured, along which axis, at which fixed sizes. */
interface Panel {
  title: string;
  x: "hidden" | "length";
  kind: "train" | "forward";
  where: Partial<Record<"hidden" | "length" | "batch", number>>;
}

const WHO: ReadonlyArray<readonly [string, string]> = [
  ["lstm-lab", "#1f77b4"],
  ["lstm-lab, 2 threads", "#9ecae1"],
  ["PyTorch", "#d62728"],
  ["onnxruntime", "#2ca02c"],
];

/**
 * The figure's Vega-Lite specification: training step against hidden size (length 35, batch 8),
 * forward pass against hidden size (length 35, batch 100), training step against length (hidden
 * 128, batch 8). Panels without data are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scalingSpec } from "./scaling_spec.ts";
 * const spec = scalingSpec([32, 64].map((hidden) => ({
 *   cell: "lstm" as const, hidden, length: 35, batch: 8, ours_train_ms: hidden / 10,
 *   torch_train_ms: 4, ours_forward_ms: 1, torch_forward_ms: 1, onnx_forward_ms: null,
 * })), "test");
 * assert.ok("vconcat" in spec);
 * ```
 */
export function scalingSpec(rows: readonly ScalingRow[], subtitle: string): TopLevelSpec {
  const panels: Panel[] = [
    {
      title: "training step, length 35, batch 8",
      x: "hidden",
      kind: "train",
      where: { length: 35, batch: 8 },
    },
    {
      title: "forward pass, length 35, batch 100",
      x: "hidden",
      kind: "forward",
      where: { length: 35, batch: 100 },
    },
    {
      title: "training step, hidden 128, batch 8",
      x: "length",
      kind: "train",
      where: { hidden: 128, batch: 8 },
    },
  ];
  const charts = [];
  for (const panel of panels) {
    const values = [];
    for (const row of rows) {
      const match = Object.entries(panel.where).every(([k, v]) => row[k as keyof ScalingRow] === v);
      if (!match) continue;
      const base = { cell: CELL_LABELS[row.cell], x: row[panel.x] };
      const times: [string, number | null][] = panel.kind === "train"
        ? [
          ["lstm-lab", row.ours_train_ms],
          ["lstm-lab, 2 threads", row.ours2_train_ms ?? null],
          ["PyTorch", row.torch_train_ms],
        ]
        : [
          ["lstm-lab", row.ours_forward_ms],
          ["lstm-lab, 2 threads", row.ours2_forward_ms ?? null],
          ["PyTorch", row.torch_forward_ms],
          ["onnxruntime", row.onnx_forward_ms],
        ];
      for (const [who, ms] of times) if (ms !== null) values.push({ ...base, who, ms });
    }
    if (new Set(values.map((v) => v.x)).size < 2) continue;
    const xs = [...new Set(values.map((v) => v.x))].sort((a, b) => a - b);
    charts.push({
      title: { text: panel.title, fontSize: 13 },
      data: { values },
      facet: {
        column: { field: "cell", type: "nominal", title: null, sort: ["LSTM", "GRU", "SRN"] },
      },
      spec: {
        width: 190,
        height: 150,
        encoding: {
          x: {
            field: "x",
            type: "quantitative",
            title: panel.x === "hidden" ? "hidden size" : "sequence length",
            scale: { type: "log", nice: false, padding: 10 },
            axis: { values: xs, format: "d" },
          },
          y: {
            field: "ms",
            type: "quantitative",
            title: "ms (log scale)",
            scale: { type: "log" },
          },
          color: {
            field: "who",
            type: "nominal",
            title: null,
            scale: { domain: WHO.map(([w]) => w), range: WHO.map(([, c]) => c) },
          },
        },
        layer: [{ mark: { type: "line", strokeWidth: 2 } }, {
          mark: { type: "point", filled: true },
        }],
      },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: "Cost curves: milliseconds against hidden size and length (one thread unless marked)",
      subtitle,
    },
    vconcat: charts,
    config: FIGURE_CONFIG,
  } as unknown as TopLevelSpec;
}
