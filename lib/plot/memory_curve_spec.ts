/**
 * The memory-curve figure: r²(k), the share of the input k steps back that a linear readout of the
 * last hidden state recovers, against the delay k, with the capacity MC = Σ r²(k) and its bound N
 * in the title.
 * @module
 */

import type { TopLevelSpec } from "vega-lite";
import type { MemoryCurve } from "../analysis/memory_curve.ts";
import { FIGURE_CONFIG } from "./theme.ts";

/**
 * The memory-curve figure's Vega-Lite specification; `what` names the network in the title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryCurveSpec } from "./memory_curve_spec.ts";
 * const curve = { r2: [1, 0.5, 0], capacity: 1.5, units: 2, bound: 2, fitted: 30, scored: 10 };
 * const spec = memoryCurveSpec(curve, "a delay line");
 * assert.deepEqual(spec.title, {
 *   text: "Memory curve of a delay line: MC = 1.50, at most 2.00 (2 units)",
 *   subtitle: "r²(k) of a ridge readout of h_T for the input k steps back, scored on 10 held-out sequences",
 * });
 * ```
 */
export function memoryCurveSpec(curve: MemoryCurve, what: string): TopLevelSpec {
  const values = curve.r2.map((r2, delay) => ({ delay, r2 }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: FIGURE_CONFIG,
    title: {
      text: `Memory curve of ${what}: MC = ${curve.capacity.toFixed(2)}, at most ${
        curve.bound.toFixed(2)
      } (${curve.units} units)`,
      subtitle:
        `r²(k) of a ridge readout of h_T for the input k steps back, scored on ${curve.scored} held-out sequences`,
    },
    width: 520,
    height: 260,
    data: { values },
    mark: { type: "line", strokeWidth: 2, point: values.length <= 60, color: "#1f77b4" },
    encoding: {
      x: { field: "delay", type: "quantitative", title: "delay k (0: the last input read)" },
      y: { field: "r2", type: "quantitative", title: "r²(k)", scale: { domain: [0, 1] } },
    },
  } as TopLevelSpec;
}
