/**
 * The gradient-flow figure: ‖∂ℓ/∂h_t‖ against the time step t on a log scale, one colour per
 * cell, dashed at initialisation and solid after training — the book's 6.2 view of vanishing
 * and exploding gradients.
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import { CELL_KINDS } from "../model/config.ts";
import { CELL_COLORS, CELL_LABELS, FIGURE_CONFIG } from "./theme.ts";

/** One (cell, step) of the gradient-flow CSV. */
export interface GradFlowPoint {
  /** The cell: lstm, gru, srn or irnn. */
  cell: string;
  /** The step, 1 … T. */
  t: number;
  /** Mean ‖∂ℓ/∂h_t‖ at initialisation. */
  init: number;
  /** Mean ‖∂ℓ/∂h_t‖ after training. */
  trained: number;
}

/** Options of {@linkcode gradFlowSpec}. */
export interface GradFlowSpecOptions {
  /** The figure's title (default names the length). */
  title?: string;
  /** The subtitle (default says what is averaged over). */
  subtitle?: string;
}

const PHASES = ["at initialisation", "after training"] as const;

/**
 * The gradient-flow figure's Vega-Lite specification. Norms that are not positive and finite
 * (a log scale cannot show them) are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradFlowSpec } from "./gradflow_spec.ts";
 * const spec = gradFlowSpec([
 *   { cell: "srn", t: 1, init: 1e-6, trained: 1e-3 },
 *   { cell: "srn", t: 2, init: 0.5, trained: 0.1 },
 * ]);
 * assert.ok("encoding" in spec);
 * ```
 */
export function gradFlowSpec(
  rows: readonly GradFlowPoint[],
  options: GradFlowSpecOptions = {},
): TopLevelSpec {
  const T = Math.max(...rows.map((r) => r.t));
  const order = CELL_KINDS.filter((c) => rows.some((r) => r.cell === c)) as string[];
  const extra = [...new Set(rows.map((r) => r.cell))].filter((c) =>
    !(order as readonly string[]).includes(c)
  );
  const cells: string[] = [...order, ...extra];
  const label = (cell: string) => CELL_LABELS[cell as keyof typeof CELL_LABELS] ?? cell;
  const values = rows.flatMap((r) =>
    ([[PHASES[0], r.init], [PHASES[1], r.trained]] as const)
      .filter(([, v]) => Number.isFinite(v) && v > 0)
      .map(([phase, norm]) => ({ cell: label(r.cell), t: r.t, phase, norm }))
  );
  const palette = ["#9467bd", "#ff7f0e", "#8c564b"];
  const colors = cells.map((c, i) =>
    CELL_COLORS[c as keyof typeof CELL_COLORS] ?? palette[i % palette.length]!
  );
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: FIGURE_CONFIG,
    title: {
      text: options.title ?? `Gradient flow through time, length ${T}`,
      subtitle: options.subtitle ??
        "‖∂ℓ/∂h_t‖ of each test example's loss ℓ, averaged over the test set; log scale.",
    },
    width: 520,
    height: 300,
    data: { values },
    mark: { type: "line", strokeWidth: 2, clip: true },
    encoding: {
      x: {
        field: "t",
        type: "quantitative",
        title: "time step t (the loss is read at the last step)",
        scale: { domain: [1, T], nice: false },
        axis: { format: "d", tickMinStep: 1 },
      },
      y: {
        field: "norm",
        type: "quantitative",
        title: "mean ‖∂ℓ/∂h_t‖ (log scale)",
        scale: { type: "log" },
        // Powers of ten only: a log axis's default ticks at 2…9 × 10^k crowd a wide range.
        axis: {
          values: decades(values.map((v) => v.norm)),
          // 0.01 … 1000 as plain numbers, smaller and larger ones as 1e-7.
          labelExpr: "datum.value >= 0.001 && datum.value < 10000 ? format(datum.value, '~g') : " +
            "format(datum.value, '.0e')",
        },
      },
      color: {
        field: "cell",
        type: "nominal",
        title: "cell",
        scale: { domain: cells.map(label), range: colors },
      },
      strokeDash: {
        field: "phase",
        type: "nominal",
        title: null,
        scale: { domain: [...PHASES], range: [[6, 4], [1, 0]] },
        legend: {
          symbolType: "stroke",
          symbolSize: 500,
          encode: { symbols: { update: { stroke: { value: "#444" } } } },
        },
      },
      detail: { field: "phase" },
    },
  };
  return spec as unknown as TopLevelSpec;
}

/**
 * Tick values for a log axis over `values`: powers of ten, at most about 10 of them (every k-th
 * decade when wider); over three decades or fewer also 2 and 5 × 10^k.
 */
function decades(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const step = Math.max(1, Math.ceil((hi - lo) / 10));
  const mantissas = hi - lo <= 3 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let k = hi; k >= lo; k -= step) {
    for (const m of mantissas) {
      if (k < hi || m === 1) out.push(Number((m * 10 ** k).toPrecision(1)));
    }
  }
  return out.sort((a, b) => a - b);
}
