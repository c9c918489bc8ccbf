/**
 * The `task` figure of a generated task's run (`deno task train --task adding|copy`): one panel
 * per T with every job's dev loss at its evaluations, a line per (cell, seed) on a log scale, and
 * the memoryless baseline's loss on the same dev set as a dashed rule — below it, the network
 * remembers.
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import { isTrainedConfig } from "../run/config.ts";
import type { RunData } from "../run/read.ts";
import { taskOf } from "../tasks/task.ts";
import { taskSet } from "../train/task_job.ts";
import { fill, type PlotLang } from "./labels.ts";
import { CELL_COLORS, CELL_LABELS, FIGURE_CONFIG } from "./theme.ts";

/** One plotted point: a job's dev loss at an evaluation step. */
export interface TaskPoint {
  /** The panel: `"T = 500"`. */
  panel: string;
  /** The cell's label and seed: `"LSTM s0"`. */
  job: string;
  cell: string;
  step: number;
  loss: number;
  /** The memoryless baseline's loss on the dev set at this T. */
  baseline: number;
}

/**
 * The points of the `task` figure: every evaluation of every job whose config names a task.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskPoints } from "./task_spec.ts";
 * assert.deepEqual(taskPoints({ dir: "r", name: "r", config: {}, summary: [], jobs: [] }), []);
 * ```
 */
export function taskPoints(run: RunData): TaskPoint[] {
  const points: TaskPoint[] = [];
  for (const job of run.jobs) {
    const config = job.config;
    if (!isTrainedConfig(config) || !config.task) continue;
    const task = taskOf(config.task);
    const baseline = task.baselineOn(taskSet(task, config.length, "dev"), config.length);
    for (const row of job.metrics) {
      if (Number.isNaN(row.devLoss)) continue;
      points.push({
        panel: `T = ${config.length}`,
        job: `${CELL_LABELS[config.cell]} s${config.seed}`,
        cell: CELL_LABELS[config.cell],
        step: row.step,
        loss: row.devLoss,
        baseline,
      });
    }
  }
  return points;
}

/**
 * The Vega-Lite spec of the `task` figure of `run` (words in `lang`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskSpec } from "./task_spec.ts";
 * const spec = taskSpec({ dir: "r", name: "r", config: { task: "copy" }, summary: [], jobs: [] });
 * assert.equal((spec.title as { text: string }).text, "Dev loss against the memoryless baseline: copy");
 * ```
 */
export function taskSpec(run: RunData, lang: PlotLang = "en"): TopLevelSpec {
  const points = taskPoints(run);
  const cells = [...new Set(points.map((p) => p.cell))];
  const colors = cells.map((label) =>
    CELL_COLORS[
      (Object.keys(CELL_LABELS) as (keyof typeof CELL_LABELS)[])
        .find((c) => CELL_LABELS[c] === label)!
    ]
  );
  const task = String(run.config.task ?? "");
  const panels = [...new Set(points.map((p) => p.panel))]
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: FIGURE_CONFIG,
    title: {
      text: fill(lang, "task.title", { task }),
      subtitle: fill(lang, "task.subtitle"),
    },
    data: { values: points },
    facet: { column: { field: "panel", type: "nominal", title: null, sort: panels } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 260,
      height: 200,
      layer: [
        {
          mark: { type: "line", strokeWidth: 1.5, opacity: 0.85 },
          encoding: {
            x: { field: "step", type: "quantitative", title: fill(lang, "task.x") },
            y: {
              field: "loss",
              type: "quantitative",
              scale: { type: "log" },
              title: fill(lang, "task.y"),
            },
            color: {
              field: "cell",
              type: "nominal",
              title: fill(lang, "cell"),
              scale: { domain: cells, range: colors },
            },
            detail: { field: "job", type: "nominal" },
          },
        },
        {
          mark: { type: "rule", strokeDash: [6, 4], color: "#333" },
          encoding: { y: { field: "baseline", type: "quantitative", aggregate: "max" } },
        },
      ],
    },
  } as TopLevelSpec;
}
