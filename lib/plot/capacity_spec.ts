/**
 * The `capacity` figure of the memory-capacity study: accuracy against sequence length, one
 * colour per cell — the mean over seeds with a min–max band — on a log length axis, with a grey
 * dashed rule at the capacity threshold (0.9). Two line styles: solid, the accuracy on the memory
 * examples (noise digit at position ≥ 4, or none); dashed, the accuracy on the whole test set. A
 * job trained before the memory split has only the dashed line.
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import type { CapacityRow } from "../run/summary.ts";
import { bandLineSpec } from "./accuracy_spec.ts";
import { CELL_GROUP } from "./theme.ts";

/**
 * What the figure reads of a job's row of `capacity.csv`: its job, its test accuracy and its
 * memory accuracy (absent or NaN: not known, no solid line).
 */
export type CapacityPoint =
  & Pick<CapacityRow, "cell" | "length" | "seed" | "test_acc">
  & Partial<Pick<CapacityRow, "test_acc_memory">>;

/** Options of {@linkcode capacitySpec}. */
export interface CapacitySpecOptions {
  /** Where the dashed rule goes (default 0.9). */
  threshold?: number;
  /** A subtitle (default: how many seeds, and what the band is). */
  subtitle?: string;
  /** How the LSTM's and GRU's gate biases were set: "chrono" says so in the title. */
  gateInit?: string;
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
  const subtitle = options.subtitle ??
    (seeds > 1
      ? `Mean over ${seeds} seeds, band from the lowest to the highest; grey: ${threshold}.`
      : `One seed; grey: ${threshold}, the capacity threshold.`);
  const spec = bandLineSpec({
    rows: rows as ReadonlyArray<unknown> as ReadonlyArray<Record<string, unknown>>,
    x: { field: "length", title: "sequence length (log scale)" },
    measures: [
      { field: "test_acc", label: "overall" },
      { field: "test_acc_memory", label: "memory" },
    ],
    group: CELL_GROUP,
    yTitle: "test accuracy",
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
