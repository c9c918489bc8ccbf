/**
 * The look shared by every figure: font sizes, the colour of each cell and of each gate series.
 * @module
 */

import type { Config } from "vega-lite";
import { CELL_KINDS, CELLS } from "../nn/cells.ts";
import type { CellKind } from "../nn/cells.ts";

/** Vega-Lite `config` for every figure: readable sizes, no chart border, a white background. */
export const FIGURE_CONFIG: Config = {
  background: "white",
  padding: 8,
  font: "DejaVu Sans, Verdana, sans-serif",
  view: { stroke: "#ddd" },
  // Normal weights throughout: the PNGs are drawn with the regular face only, so the browser's
  // SVG and the PNG look alike and the measured text widths hold.
  title: {
    fontSize: 16,
    fontWeight: "normal",
    anchor: "start",
    subtitleFontSize: 12,
    subtitleColor: "#555",
  },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", gridColor: "#eee" },
  header: { labelFontSize: 13, titleFontSize: 13, labelFontWeight: "normal" },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "normal", symbolStrokeWidth: 3 },
};

/** A fixed colour per cell, the same in every figure (`color` in the table of cells). */
export const CELL_COLORS: Record<CellKind, string> = cellTable((cell) => CELLS[cell].color);

/** How a cell is written in titles and legends (`label` in the table of cells). */
export const CELL_LABELS: Record<CellKind, string> = cellTable((cell) => CELLS[cell].label);

function cellTable(value: (cell: CellKind) => string): Record<CellKind, string> {
  return Object.fromEntries(CELL_KINDS.map((cell) => [cell, value(cell)])) as Record<
    CellKind,
    string
  >;
}

/** The cell grouping of the band-and-line figures (accuracy, capacity): colour, label, order. */
export const CELL_GROUP = {
  field: "cell",
  title: "cell",
  labels: CELL_LABELS,
  colors: CELL_COLORS,
  order: CELL_KINDS,
};

/** The `gates` figure's series in legend order, with their colours. */
export const SERIES_COLORS: ReadonlyArray<readonly [string, string]> = [
  ["input gate", "#1f77b4"],
  ["forget gate", "#ff7f0e"],
  ["output gate", "#2ca02c"],
  ["update gate", "#9467bd"],
  ["reset gate", "#8c564b"],
  ["cell-state norm", "#333333"],
  ["hidden-state norm", "#7f7f7f"],
];

/**
 * The colour of a series name: its fixed colour, or one from a fallback palette.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesColor } from "./theme.ts";
 * assert.equal(seriesColor("forget gate", 0), "#ff7f0e");
 * ```
 */
export function seriesColor(name: string, index: number): string {
  const fixed = SERIES_COLORS.find(([series]) => series === name);
  if (fixed) return fixed[1];
  const fallback = ["#17becf", "#bcbd22", "#e377c2", "#aec7e8", "#98df8a"];
  return fallback[index % fallback.length]!;
}
