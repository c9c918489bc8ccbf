/**
 * The `loss` figure: one panel per (cell, length) with the training loss per step (light), its
 * moving average, and the dev loss at the evaluation steps, on a log scale — the blog's six panels.
 *
 * With several seeds the panels show ONE seed's curves (the smallest seed, e.g. seed 0), named in
 * the subtitle: overlaid seeds make the per-step noise unreadable, and the spread over seeds is
 * what the `accuracy` figure shows.
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import type { CellKind } from "../model/config.ts";
import type { JobRecord, RunData } from "../run/read.ts";
import { fill, type PlotLang } from "./labels.ts";
import { minMaxIndices, movingAverage } from "./stats.ts";
import { CELL_LABELS, FIGURE_CONFIG } from "./theme.ts";

/** Options of {@linkcode lossSpec}. */
export interface LossOptions {
  /** The seed whose curves are drawn. Default: the run's smallest seed. */
  seed?: number;
  /** Moving-average window in steps. Default: min(100, max(1, round(steps / 20))). */
  window?: number;
  /** The most points a per-step curve keeps (longer ones are min–max decimated). Default 600. */
  maxPoints?: number;
}

/** One plotted point of the loss figure. */
export interface LossPoint {
  /** The panel: `"LSTM · L=10"`. */
  panel: string;
  step: number;
  loss: number;
  /** One of {@linkcode LOSS_SERIES}. */
  series: string;
}

/** The series of the loss figure, in legend order: raw training loss, its average, dev loss. */
export const LOSS_SERIES = {
  train: "train loss (per step)",
  average: "train loss (moving average)",
  dev: "dev loss (at evaluations)",
} as const;

/**
 * The panel label of a job: `"LSTM · L=10"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { panelLabel } from "./loss_spec.ts";
 * assert.equal(panelLabel({ cell: "gru", length: 35 }), "GRU · L=35");
 * ```
 */
export function panelLabel(job: { cell: CellKind; length: number }): string {
  return `${CELL_LABELS[job.cell]} · L=${job.length}`;
}

/**
 * Tick values for a log axis over [lo, hi]: the decades, plus 2× and 5× when there are few.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logTicks } from "./loss_spec.ts";
 * assert.deepEqual(logTicks(0.003, 2.9), [0.001, 0.01, 0.1, 1, 10]);
 * assert.deepEqual(logTicks(0.15, 2.9), [0.1, 0.2, 0.5, 1, 2, 5, 10]);
 * ```
 */
export function logTicks(lo: number, hi: number): number[] {
  const from = Math.floor(Math.log10(lo));
  const to = Math.ceil(Math.log10(hi));
  const ticks: number[] = [];
  const steps = to - from <= 2 ? [1, 2, 5] : [1];
  for (let e = from; e <= to; e++) {
    for (const m of steps) {
      if (e === to && m > 1) continue;
      ticks.push(Number((m * 10 ** e).toPrecision(3)));
    }
  }
  return ticks;
}

function autoWindow(steps: number): number {
  return Math.min(100, Math.max(1, Math.round(steps / 20)));
}

function jobPoints(job: JobRecord, window: number, maxPoints: number): LossPoint[] {
  const panel = panelLabel(job.summary);
  const steps = job.metrics.map((m) => m.step);
  const train = job.metrics.map((m) => m.trainLoss);
  const average = movingAverage(train, window);
  const points: LossPoint[] = [];
  // A log scale cannot show 0 (a saturated float32 loss) or a diverged NaN: those steps are left
  // out of the per-step line; the moving average still counts the zeros.
  const positive = (v: number) => Number.isFinite(v) && v > 0;
  for (const i of minMaxIndices(train, maxPoints)) {
    if (positive(train[i]!)) {
      points.push({ panel, step: steps[i]!, loss: train[i]!, series: LOSS_SERIES.train });
    }
  }
  const stride = Math.max(1, Math.ceil(steps.length / maxPoints));
  for (let i = 0; i < steps.length; i++) {
    if ((i % stride === 0 || i === steps.length - 1) && positive(average[i]!)) {
      points.push({ panel, step: steps[i]!, loss: average[i]!, series: LOSS_SERIES.average });
    }
  }
  for (const m of job.metrics) {
    if (positive(m.devLoss)) {
      points.push({ panel, step: m.step, loss: m.devLoss, series: LOSS_SERIES.dev });
    }
  }
  return points;
}

/** The data behind {@linkcode lossSpec}: the points, the panels in order, the seed and window. */
export interface LossData {
  points: LossPoint[];
  panels: string[];
  seed: number;
  window: number;
  /** How many seeds the run has per (cell, length), at most. */
  seedCount: number;
}

/**
 * The points of the loss figure for `run`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRun } from "../run/read.ts";
 * import { lossData } from "./loss_spec.ts";
 * const data = lossData(await readRun("tests/fixtures/run_small"));
 * assert.deepEqual(data.panels, ["LSTM · L=5", "LSTM · L=10", "GRU · L=5", "GRU · L=10"]);
 * assert.equal(data.seed, 0);
 * assert.equal(data.window, 10);
 * ```
 */
export function lossData(run: RunData, options: LossOptions = {}): LossData {
  const seed = options.seed ?? Math.min(...run.summary.map((r) => r.seed));
  const jobs = run.jobs.filter((job) => job.summary.seed === seed);
  if (jobs.length === 0) throw new RangeError(`lossData: the run has no job with seed ${seed}`);
  const window = options.window ??
    autoWindow(Math.max(...jobs.map((job) => job.metrics.length)));
  const maxPoints = options.maxPoints ?? 600;
  const counts = new Map<string, number>();
  for (const row of run.summary) {
    const key = panelLabel(row);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return {
    points: jobs.flatMap((job) => jobPoints(job, window, maxPoints)),
    panels: jobs.map((job) => panelLabel(job.summary)),
    seed,
    window,
    seedCount: Math.max(...counts.values()),
  };
}

/** Columns for a facet wrap: all lengths in one row up to 3, else rows of 3 (or 2 for 4 or 8). */
function wrapColumns(lengths: number): number {
  if (lengths <= 3) return lengths;
  return lengths % 3 !== 0 && lengths % 2 === 0 && lengths <= 8 ? 2 : 3;
}

/**
 * The Vega-Lite specification of the `loss` figure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRun } from "../run/read.ts";
 * import { lossSpec } from "./loss_spec.ts";
 * const spec = lossSpec(await readRun("tests/fixtures/run_small"));
 * assert.ok("facet" in spec);
 * ```
 */
export function lossSpec(
  run: RunData,
  options: LossOptions = {},
  lang: PlotLang = "en",
): TopLevelSpec {
  const data = lossData(run, options);
  const lengths = new Set(run.summary.map((r) => r.length)).size;
  const seedNote = data.seedCount > 1
    ? fill(lang, "loss.seedOf", { seed: data.seed, count: data.seedCount })
    : fill(lang, "loss.seed", { seed: data.seed });
  // the series as the legend writes them (in English, LOSS_SERIES itself)
  const label: Record<string, string> = {
    [LOSS_SERIES.train]: fill(lang, "loss.train"),
    [LOSS_SERIES.average]: fill(lang, "loss.average"),
    [LOSS_SERIES.dev]: fill(lang, "loss.dev"),
  };
  const points = lang === "en"
    ? data.points
    : data.points.map((p) => ({ ...p, series: label[p.series]! }));
  const series = [LOSS_SERIES.train, LOSS_SERIES.average, LOSS_SERIES.dev].map((s) => label[s]!);
  const losses = data.points.map((p) => p.loss);
  const ticks = losses.length > 0
    ? logTicks(Math.min(...losses), Math.max(...losses))
    : logTicks(0.01, 10); // nothing positive to draw: an empty log axis
  const evalCounts = new Map<string, number>();
  for (const p of data.points) {
    if (p.series === LOSS_SERIES.dev) evalCounts.set(p.panel, (evalCounts.get(p.panel) ?? 0) + 1);
  }
  const evals = Math.max(0, ...evalCounts.values());
  const layer = (name: string, mark: Record<string, unknown>) => ({
    transform: [{ filter: { field: "series", equal: label[name] } }],
    mark: { type: "line", clip: true, ...mark },
    encoding: {
      x: {
        field: "step",
        type: "quantitative",
        title: fill(lang, "loss.x"),
        // 4000 → "4k" (d3's "~s" would print the 0 tick as "0k").
        axis: {
          labelExpr: "datum.value >= 1000 ? format(datum.value / 1000, '~g') + 'k' : datum.label",
        },
      },
      y: {
        field: "loss",
        type: "quantitative",
        title: fill(lang, "loss.y"),
        scale: { type: "log", domain: [ticks[0]!, ticks[ticks.length - 1]!] },
        axis: { format: "~g", values: ticks },
      },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        scale: { domain: series, range: ["#9ecae1", "#08519c", "#e6550d"] },
        legend: { orient: "top", direction: "horizontal", symbolType: "stroke", labelLimit: 400 },
      },
    },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: fill(lang, "loss.title"),
      subtitle: fill(lang, "loss.subtitle", { seedNote, window: data.window }),
    },
    config: FIGURE_CONFIG,
    data: { values: points },
    facet: {
      field: "panel",
      type: "nominal",
      sort: data.panels,
      header: { title: null },
    },
    columns: wrapColumns(lengths),
    spec: {
      width: 250,
      height: 160,
      layer: [
        layer(LOSS_SERIES.train, { strokeWidth: 1, opacity: 0.8 }),
        layer(LOSS_SERIES.average, { strokeWidth: 2 }),
        // Points mark the evaluations while they stay apart (e.g. a 190-evaluation run has none).
        layer(LOSS_SERIES.dev, {
          strokeWidth: 1.5,
          ...(evals <= 40 ? { point: { size: 28 } } : {}),
        }),
      ],
    },
  } as unknown as TopLevelSpec; // plain JSON; the tests compile it and require no warnings
}
