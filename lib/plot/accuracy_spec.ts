/**
 * Line charts of a measure against a quantity with one line per group — the mean over repeats
 * (seeds) with a min–max band — and the `accuracy` figure built on it: dev and test accuracy
 * against sequence length, one line per cell (the book's Fig. 6.12).
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import { fill, type PlotLang } from "./labels.ts";
import type { SummaryRow } from "../run/summary.ts";
import { groupStats } from "./stats.ts";
import { CELL_GROUP, FIGURE_CONFIG } from "./theme.ts";

/** One measured column drawn as its own line style (e.g. `best_dev_acc` as "dev"). */
export interface Measure {
  /** The column of the input rows. */
  field: string;
  /** How the legend names it. */
  label: string;
  /** Stroke dash pattern, e.g. `[6, 3]`; default solid for the last measure, dashed before. */
  dash?: number[];
}

/** Options of {@linkcode bandLineSpec}. */
export interface BandLineOptions {
  /** The input rows: one per repeat (e.g. per seed) and x and group. */
  rows: ReadonlyArray<Record<string, unknown>>;
  /** The x column and its axis title. */
  x: { field: string; title: string };
  /** The measured columns, each drawn as a line style. */
  measures: readonly Measure[];
  /** The column that splits lines by colour, its legend title, labels, colours and order. */
  group?: {
    field: string;
    title: string;
    labels?: Record<string, string>;
    colors?: Record<string, string>;
    order?: readonly string[];
  };
  /** The y axis title. */
  yTitle: string;
  /** The y scale domain (default [0, 1], for accuracies). */
  yDomain?: [number, number];
  /** The figure's title and subtitle. */
  title?: string;
  subtitle?: string;
  /** Plot size in pixels (default 460 × 300). */
  width?: number;
  height?: number;
}

/** One aggregated point: the mean, min and max over the rows with the same x, group and measure. */
export interface BandPoint {
  x: number;
  group: string;
  /** The group again (the band's colour is keyed on it, apart from the lines' legend). */
  band: string;
  measure: string;
  mean: number;
  min: number;
  max: number;
  n: number;
}

/**
 * Aggregate `rows` per (x, group, measure); rows whose measure is not a finite number are skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bandLineData } from "./accuracy_spec.ts";
 * const points = bandLineData({
 *   rows: [{ L: 10, acc: 0.9 }, { L: 10, acc: 0.8 }],
 *   x: { field: "L", title: "length" },
 *   measures: [{ field: "acc", label: "test" }],
 *   yTitle: "accuracy",
 * });
 * assert.equal(points[0]!.mean, 0.85);
 * assert.equal(points[0]!.min, 0.8);
 * assert.equal(points[0]!.n, 2);
 * ```
 */
export function bandLineData(options: BandLineOptions): BandPoint[] {
  const groups = new Map<string, { x: number; group: string; measure: string; values: number[] }>();
  for (const row of options.rows) {
    const x = Number(row[options.x.field]);
    const raw = options.group ? String(row[options.group.field]) : "";
    const group = options.group?.labels?.[raw] ?? raw;
    for (const measure of options.measures) {
      const value = Number(row[measure.field]);
      if (!Number.isFinite(value) || !Number.isFinite(x)) continue;
      const key = JSON.stringify([x, group, measure.label]);
      const entry = groups.get(key) ?? { x, group, measure: measure.label, values: [] };
      entry.values.push(value);
      groups.set(key, entry);
    }
  }
  return [...groups.values()].map(({ x, group, measure, values }) => {
    const s = groupStats(values);
    return { x, group, band: group, measure, mean: s.mean, min: s.min, max: s.max, n: s.n };
  }).sort((a, b) => a.x - b.x);
}

/**
 * A line chart of the mean of each measure against x, one colour per group, with a min–max band
 * wherever a point aggregates more than one row. Reusable for any such study (e.g. test accuracy
 * against length per cell over seeds).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bandLineSpec } from "./accuracy_spec.ts";
 * const spec = bandLineSpec({
 *   rows: [{ L: 10, cell: "lstm", acc: 0.9 }, { L: 20, cell: "lstm", acc: 0.8 }],
 *   x: { field: "L", title: "sequence length" },
 *   measures: [{ field: "acc", label: "test" }],
 *   group: { field: "cell", title: "cell" },
 *   yTitle: "accuracy",
 * });
 * assert.ok("layer" in spec);
 * ```
 */
export function bandLineSpec(options: BandLineOptions): TopLevelSpec {
  const points = bandLineData(options);
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const present = new Set(points.map((p) => p.group));
  const order = (options.group?.order ?? [...present].sort())
    .map((g) => options.group?.labels?.[g] ?? g)
    .filter((g) => present.has(g));
  for (const g of present) if (!order.includes(g)) order.push(g);
  const colorOf = (label: string) => {
    const raw = Object.entries(options.group?.labels ?? {}).find(([, l]) => l === label)?.[0];
    return options.group?.colors?.[raw ?? label];
  };
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
  const colors = order.map((g, i) => colorOf(g) ?? palette[i % palette.length]!);
  const measures = options.measures.map((m) => m.label);
  const dashes = options.measures.map((m, i) =>
    m.dash ?? (i === options.measures.length - 1 ? [1, 0] : [6, 3])
  );
  const color = {
    field: "group",
    type: "nominal",
    title: options.group?.title ?? null,
    scale: { domain: order, range: colors },
    legend: options.group ? {} : null,
  };
  const x = {
    field: "x",
    type: "quantitative",
    title: options.x.title,
    scale: { zero: false, nice: false, padding: 16 },
    axis: { values: xs, format: "d", grid: false },
  };
  const y = {
    field: "mean",
    type: "quantitative",
    title: options.yTitle,
    scale: { domain: options.yDomain ?? [0, 1] },
  };
  const byMeasure = {
    field: "measure",
    type: "nominal",
    title: null,
    scale: { domain: measures },
  };
  const layers: Record<string, unknown>[] = [];
  if (points.some((p) => p.n > 1)) {
    layers.push({
      mark: { type: "area", opacity: 0.15 },
      encoding: {
        x,
        y: { field: "min", type: "quantitative", scale: y.scale, title: options.yTitle },
        y2: { field: "max" },
        // `fill` of a copy of the group column: its own scale and no legend, so the group legend
        // (from the lines) shows solid colours, not the band's faint ones.
        fill: { ...color, field: "band", legend: null },
        detail: { field: "measure" },
      },
    });
  }
  layers.push({
    mark: { type: "line", strokeWidth: 2, point: { filled: true, size: 40 } },
    encoding: {
      x,
      y,
      color,
      strokeDash: {
        ...byMeasure,
        scale: { ...byMeasure.scale, range: dashes },
        legend: measures.length > 1
          ? {
            symbolType: "stroke",
            symbolSize: 500,
            encode: { symbols: { update: { stroke: { value: "#444" } } } },
          }
          : null,
      },
    },
  });
  const spec: Record<string, unknown> = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: FIGURE_CONFIG,
    width: options.width ?? 460,
    height: options.height ?? 300,
    data: { values: points },
    layer: layers,
  };
  if (options.title) {
    spec.title = options.subtitle
      ? { text: options.title, subtitle: options.subtitle }
      : { text: options.title };
  }
  // Built as plain JSON; the tests compile it and require no Vega-Lite warnings.
  return spec as unknown as TopLevelSpec;
}

/**
 * The `accuracy` figure of a run: best dev accuracy and test accuracy against sequence length,
 * one colour per cell; with several seeds, the mean with a min–max band.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRun } from "../run/read.ts";
 * import { accuracySpec } from "./accuracy_spec.ts";
 * const spec = accuracySpec((await readRun("tests/fixtures/run_small")).summary);
 * assert.ok("layer" in spec);
 * ```
 */
export function accuracySpec(
  summary: readonly SummaryRow[],
  lang: PlotLang = "en",
): TopLevelSpec {
  const seeds = new Set(summary.map((r) => r.seed)).size;
  const subtitle = seeds > 1
    ? fill(lang, "accuracy.subtitleSeeds", { seeds })
    : fill(lang, "accuracy.subtitleOne");
  return bandLineSpec({
    rows: summary as ReadonlyArray<unknown> as ReadonlyArray<Record<string, unknown>>,
    x: { field: "length", title: fill(lang, "accuracy.x") },
    measures: [
      { field: "best_dev_acc", label: fill(lang, "accuracy.dev") },
      { field: "test_acc", label: fill(lang, "accuracy.test") },
    ],
    group: { ...CELL_GROUP, title: fill(lang, "cell") },
    yTitle: fill(lang, "accuracy.y"),
    title: fill(lang, "accuracy.title"),
    subtitle,
  });
}
