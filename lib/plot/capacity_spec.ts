/**
 * The `capacity` figure of the memory-capacity study: accuracy against sequence length, one
 * colour per cell — the mean over seeds with a min–max band — on a log length axis, with a grey
 * dashed rule at the capacity threshold (0.9). Two line styles: solid, the accuracy on the memory
 * examples (noise digit at position ≥ 4, or none); dashed, the accuracy on the whole test set. A
 * job trained before the memory split has only the dashed line. When every job was measured over
 * the task's input space, the figure draws those accuracies instead of the 100 test examples'.
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import type { JobResult } from "../run/result.ts";
import { type GeneratedTaskName, taskOf } from "../tasks/task.ts";
import type { CapacityRow } from "../run/summary.ts";
import { bandLineSpec } from "./accuracy_spec.ts";
import { CELL_GROUP } from "./theme.ts";

/**
 * What the figure reads of a job's row of `capacity.csv`: its job, its test accuracy and its
 * memory accuracy (absent or NaN: not known, no solid line).
 */
export type CapacityPoint =
  & Pick<CapacityRow, "cell" | "length" | "seed" | "test_acc">
  & Partial<Pick<CapacityRow, "test_acc_memory">>
  & Partial<Pick<JobResult, "space_acc" | "space_acc_memory">>;

/** Options of {@linkcode capacitySpec}. */
export interface CapacitySpecOptions {
  /** Where the dashed rule goes (default 0.9). */
  threshold?: number;
  /** A subtitle (default: how many seeds, and what the band is). */
  subtitle?: string;
  /** How the LSTM's and GRU's gate biases were set: "chrono" says so in the title. */
  gateInit?: string;
  /**
   * Draw the accuracies over the input space (`space_acc`, `space_acc_memory`) instead of those
   * on the 100 test examples (default: when every row has them).
   */
  space?: boolean;
}

/**
 * The capacity figure's Vega-Lite specification.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { capacitySpec } from "./capacity_spec.ts";
 * const spec = capacitySpec([
 *   { cell: "lstm", length: 10, seed: 0, test_acc: 1, test_acc_memory: 1 },
 *   { cell: "lstm", length: 50, seed: 0, test_acc: 0.95, test_acc_memory: 0.98 },
 *   { cell: "srn", length: 10, seed: 0, test_acc: 0.6 },
 *   { cell: "srn", length: 50, seed: 0, test_acc: 0.2 },
 * ]);
 * assert.ok("layer" in spec);
 * ```
 */
export function capacitySpec(
  rows: readonly CapacityPoint[],
  options: CapacitySpecOptions = {},
): TopLevelSpec {
  const threshold = options.threshold ?? 0.9;
  const seeds = new Set(rows.map((r) => r.seed)).size;
  const space = options.space ?? rows.every((r) => Number.isFinite(r.space_acc ?? NaN));
  const where = space
    ? " Accuracy over the input space (a 10,000-sequence sample past length 12)."
    : "";
  const subtitle = options.subtitle ??
    (seeds > 1
      ? `Mean over ${seeds} seeds, band from the lowest to the highest; grey: ${threshold}.${where}`
      : `One seed; grey: ${threshold}, the capacity threshold.${where}`);
  const spec = bandLineSpec({
    rows: rows as ReadonlyArray<unknown> as ReadonlyArray<Record<string, unknown>>,
    x: { field: "length", title: "sequence length (log scale)" },
    measures: space
      ? [
        { field: "space_acc", label: "overall" },
        { field: "space_acc_memory", label: "memory" },
      ]
      : [
        { field: "test_acc", label: "overall" },
        { field: "test_acc_memory", label: "memory" },
      ],
    group: CELL_GROUP,
    yTitle: space ? "accuracy" : "test accuracy",
    yDomain: [0, 1],
    title: options.gateInit === "chrono"
      ? "Memory capacity with chrono gate biases: test accuracy against sequence length"
      : "Memory capacity: test accuracy against sequence length",
    subtitle,
    width: 520,
    height: 300,
  }) as unknown as { layer: Record<string, unknown>[] } & Record<string, unknown>;
  for (const layer of spec.layer) {
    const encoding = layer.encoding as { x: { scale: Record<string, unknown> } };
    // A log axis spreads the short lengths (10, 20, 35) that a linear one would crowd together.
    encoding.x.scale = { type: "log", nice: false, padding: 16 };
  }
  spec.layer.unshift({
    data: { values: [{}] },
    mark: { type: "rule", strokeDash: [5, 4], color: "#777", strokeWidth: 1.5 },
    encoding: { y: { datum: threshold, type: "quantitative" } },
  });
  return spec as unknown as TopLevelSpec;
}

/** What the task capacity figure reads of a job: its job and its test loss over the baseline. */
export interface TaskCapacityPoint {
  /** The cell. */
  cell: CapacityRow["cell"];
  /** The task's T. */
  length: number;
  /** The seed. */
  seed: number;
  /** Test loss / the memoryless baseline's loss (NaN: no point). */
  ratio: number;
}

/** Options of {@linkcode taskCapacitySpec}. */
export interface TaskCapacitySpecOptions {
  /** The task, for the title. */
  task: GeneratedTaskName;
  /** How the LSTM's and GRU's gate biases were set: "chrono" says so in the title. */
  gateInit?: string;
  /** Where the grey rule goes (default 0.1, the task capacity's ratio). */
  threshold?: number;
}

/**
 * The `capacity` figure of a task study: each cell's test loss over the memoryless baseline's
 * against T (mean over seeds, min–max band; both axes log), with the baseline (1) as a dark
 * dashed rule and the capacity ratio (0.1) as a grey one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskCapacitySpec } from "./capacity_spec.ts";
 * const spec = taskCapacitySpec([
 *   { cell: "lstm", length: 100, seed: 0, ratio: 0.02 },
 *   { cell: "lstm", length: 200, seed: 0, ratio: 0.99 },
 * ], { task: "copy" });
 * assert.equal((spec as { title: { text: string } }).title.text, "Copy task: test loss over the memoryless baseline against T");
 * ```
 */
export function taskCapacitySpec(
  rows: readonly TaskCapacityPoint[],
  options: TaskCapacitySpecOptions,
): TopLevelSpec {
  const threshold = options.threshold ?? 0.1;
  const seeds = new Set(rows.map((r) => r.seed)).size;
  const ratios = rows.map((r) => r.ratio).filter((r) => Number.isFinite(r) && r > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(threshold / 2, ...ratios)));
  const high = Math.max(1.5, ...ratios) * 1.1;
  const title = taskOf(options.task).title;
  const name = title.charAt(4).toUpperCase() + title.slice(5); // "Copy task"
  const chrono = options.gateInit === "chrono" ? " (chrono gate biases)" : "";
  const spec = bandLineSpec({
    rows: rows as ReadonlyArray<unknown> as ReadonlyArray<Record<string, unknown>>,
    x: { field: "length", title: "T (log scale)" },
    measures: [{ field: "ratio", label: "test loss / baseline" }],
    group: CELL_GROUP,
    yTitle: "test loss / baseline (log scale)",
    yDomain: [low, high],
    title: `${name}${chrono}: test loss over the memoryless baseline against T`,
    subtitle:
      `${
        seeds > 1 ? `Mean over ${seeds} seeds, band from the lowest to the highest` : "One seed"
      }` +
      `; dark dashed: the baseline (1); grey: ${threshold}, the capacity ratio.`,
    width: 520,
    height: 300,
  }) as unknown as { layer: Record<string, unknown>[] } & Record<string, unknown>;
  for (const layer of spec.layer) {
    const encoding = layer.encoding as {
      x: { scale: Record<string, unknown> };
      y: { scale: Record<string, unknown> };
    };
    encoding.x.scale = { type: "log", nice: false, padding: 16 };
    encoding.y.scale = { ...encoding.y.scale, type: "log" };
  }
  for (const [datum, color, dash] of [[1, "#333", [6, 4]], [threshold, "#777", [5, 4]]] as const) {
    spec.layer.unshift({
      data: { values: [{}] },
      mark: { type: "rule", strokeDash: dash, color, strokeWidth: 1.5 },
      encoding: { y: { datum, type: "quantitative" } },
    });
  }
  return spec as unknown as TopLevelSpec;
}
