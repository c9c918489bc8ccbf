/**
 * The `gates` figure: for one test sequence per length, the gate activations (mean over hidden
 * units, left axis, 0–1) and the state norm (right axis) over the time steps, with the two digits
 * that matter (t = 0, 1) shaded and the noise digit marked by a rule.
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import { checkGatesPanel, type GatesPanel } from "./gates_panel.ts";
import { fill, type PlotLang, seriesLabel } from "./labels.ts";
import { CELL_LABELS, FIGURE_CONFIG, SERIES_COLORS, seriesColor } from "./theme.ts";

/** One row of the figure's data; `kind` says which layer draws it. */
export interface GateRow {
  panel: string;
  kind: "gate" | "norm" | "digits" | "noise";
  t: number;
  t2?: number;
  value?: number;
  series?: string;
  text?: string;
}

/**
 * The title of a panel: cell, length, the sum it had to compute and what it predicted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { panelTitle } from "./gates_spec.ts";
 * const panel = { cell: "lstm" as const, length: 5, digits: [3, 5, 0, 7, 0], label: 8, pred: 8, noisePosition: 3, series: [] };
 * assert.equal(panelTitle(panel), "LSTM · L=5 · 3 + 5 = 8, predicted 8");
 * ```
 */
export function panelTitle(panel: GatesPanel, lang: PlotLang = "en"): string {
  const [a, b] = panel.digits;
  return fill(lang, "gates.panel", {
    cell: CELL_LABELS[panel.cell],
    length: panel.length,
    a: String(a),
    b: String(b),
    label: panel.label,
    pred: panel.pred,
  });
}

/**
 * The rows of the gates figure (every panel is checked first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gateRows } from "./gates_spec.ts";
 * const rows = gateRows([{
 *   cell: "lstm", length: 3, digits: [1, 2, 4], label: 3, pred: 3, noisePosition: 2,
 *   series: [{ name: "input gate", values: [0.9, 0.5, 0.1] }],
 * }]);
 * assert.equal(rows.filter((r) => r.kind === "noise")[0]!.text, "noise 4");
 * ```
 */
export function gateRows(panels: readonly GatesPanel[], lang: PlotLang = "en"): GateRow[] {
  const rows: GateRow[] = [];
  for (const p of panels) {
    checkGatesPanel(p);
    const panel = panelTitle(p, lang);
    rows.push({
      panel,
      kind: "digits",
      t: -0.5,
      t2: Math.min(1.5, p.length - 0.5),
      text: fill(lang, "gates.digits"),
    });
    if (p.noisePosition >= 0) {
      const t = p.noisePosition;
      rows.push({
        panel,
        kind: "noise",
        t,
        text: fill(lang, "gates.noise", { digit: p.digits[t]! }),
      });
    }
    for (const series of p.series) {
      const kind = /norm$/.test(series.name) ? "norm" : "gate";
      series.values.forEach((value, t) => {
        if (Number.isFinite(value)) {
          rows.push({ panel, kind, t, value, series: seriesLabel(lang, series.name) });
        }
      });
    }
  }
  return rows;
}

/**
 * The Vega-Lite specification of the `gates` figure: one facet per panel (wrapped in two
 * columns), a line per series, gates on the left axis and norms on the right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatesSpec } from "./gates_spec.ts";
 * const spec = gatesSpec([{
 *   cell: "gru", length: 3, digits: [1, 2, 0], label: 3, pred: 3, noisePosition: -1,
 *   series: [{ name: "update gate", values: [0.2, 0.3, 0.9] }],
 * }]);
 * assert.ok("facet" in spec);
 * ```
 */
export function gatesSpec(panels: readonly GatesPanel[], lang: PlotLang = "en"): TopLevelSpec {
  if (panels.length === 0) throw new RangeError("gatesSpec: no panels");
  const rows = gateRows(panels, lang);
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const known = SERIES_COLORS.map(([name]) => name);
  names.sort((a, b) => (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99));
  const titles = [...new Set(rows.map((r) => r.panel))];
  const hasNorm = rows.some((r) => r.kind === "norm");
  const hasGate = rows.some((r) => r.kind === "gate");
  const only = (kind: GateRow["kind"]) => [{ filter: { field: "kind", equal: kind } }];
  const x = {
    field: "t",
    type: "quantitative",
    title: fill(lang, "gates.x"),
    scale: { nice: false, zero: false },
    axis: { tickMinStep: 1, format: "d", grid: false },
  };
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: {
      domain: names.map((n) => seriesLabel(lang, n)),
      range: names.map((n, i) => seriesColor(n, i)),
    },
    legend: { orient: "top", direction: "horizontal", symbolType: "stroke", labelLimit: 400 },
  };
  const layers: Record<string, unknown>[] = [
    {
      transform: only("digits"),
      mark: { type: "rect", color: "#fdd835", opacity: 0.25 },
      encoding: { x: { ...x, field: "t" }, x2: { field: "t2" } },
    },
    {
      transform: only("digits"),
      mark: {
        type: "text",
        align: "left",
        baseline: "bottom",
        dx: 2,
        dy: -2,
        fontSize: 10,
        color: "#8d6e00",
      },
      // Inside the shaded band at its foot, clear of the noise label above the plot.
      encoding: { x: { ...x }, y: { value: "height" }, text: { field: "text" } },
    },
    {
      transform: only("noise"),
      mark: { type: "rule", color: "#c62828", strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x },
    },
    {
      transform: only("noise"),
      mark: {
        type: "text",
        align: "center",
        baseline: "bottom",
        dy: -3,
        fontSize: 10,
        color: "#c62828",
      },
      encoding: { x, y: { value: 0 }, text: { field: "text" } },
    },
  ];
  const curves: Record<string, unknown>[] = [];
  if (hasGate) {
    curves.push({
      transform: only("gate"),
      mark: { type: "line", strokeWidth: 2, point: { size: 14 } },
      encoding: {
        x,
        y: {
          field: "value",
          type: "quantitative",
          title: fill(lang, "gates.yGate"),
          scale: { domain: [0, 1] },
          axis: { orient: "left", titleColor: "#333" },
        },
        color,
      },
    });
  }
  if (hasNorm) {
    curves.push({
      transform: only("norm"),
      mark: { type: "line", strokeWidth: 2, strokeDash: [6, 2] },
      encoding: {
        x,
        y: {
          field: "value",
          type: "quantitative",
          title: fill(lang, "gates.yNorm"),
          scale: { zero: true },
          axis: { orient: hasGate ? "right" : "left", grid: !hasGate },
        },
        color,
      },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: fill(lang, "gates.title"),
      subtitle: fill(lang, "gates.subtitle") +
        fill(lang, hasGate ? "gates.subtitleGates" : "gates.subtitleNorm"),
    },
    config: FIGURE_CONFIG,
    data: { values: rows },
    facet: {
      field: "panel",
      type: "nominal",
      sort: titles,
      header: { title: null, labelLimit: 0 },
    },
    columns: titles.length === 1 ? 1 : 2,
    spec: {
      width: 320,
      height: 150,
      layer: [...layers, { layer: curves, resolve: { scale: { y: "independent" } } }],
    },
    // Each panel has its own time axis (the lengths differ) and its own norm scale. (Sharing y
    // across the facet while the layers' y scales are independent breaks vega-lite 6.5.)
    resolve: { scale: { x: "independent", y: "independent" } },
  } as unknown as TopLevelSpec; // plain JSON; the tests compile it and require no warnings
}
