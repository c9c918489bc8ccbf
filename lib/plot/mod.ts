/**
 * Figures and the one-page report of a training run: Vega-Lite specifications rendered headless
 * to SVG (Vega) and PNG (resvg with the committed DejaVu Sans font), from the run folder that
 * `deno task train` writes.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderFigure } from "./mod.ts";
 * const { svg } = await renderFigure({
 *   data: { values: [{ L: 10, acc: 0.93 }, { L: 35, acc: 0.81 }] },
 *   mark: "line",
 *   encoding: { x: { field: "L", type: "quantitative" }, y: { field: "acc", type: "quantitative" } },
 * }, { scale: 1 });
 * assert.ok(svg.includes("acc"));
 * ```
 * @module
 */
export * from "./render.ts";
export * from "./stats.ts";
export * from "./theme.ts";
export * from "./loss_spec.ts";
export * from "./accuracy_spec.ts";
export * from "./gates_panel.ts";
export * from "./gates_spec.ts";
export * from "./results_table.ts";
export * from "./task_table.ts";
export * from "./html.ts";
export * from "./report.ts";
export * from "./plot_run.ts";
export * from "./checkpoint_panels.ts";
export * from "./capacity_spec.ts";
export * from "./gradflow_spec.ts";
