/**
 * The initialisation flags `deno task train`, `capacity` and `gradflow` share — `--gate-init
 * constant|chrono`, `--chrono-tmax T`, `--irnn-scale S` — and the per-cell options they give the
 * IRNN's jobs. A flag left at its default adds nothing to the job options, so the configs (and the
 * config.json files) of runs without them read as before.
 * @module
 */

import { choiceFlag, type FlagSpec, type FlagValues, floatFlag } from "../cli.ts";
import { UsageError } from "../errors.ts";
import { GATE_INITS, type GateInit } from "../model/init.ts";
import type { JobOptions } from "../run/config.ts";
import { IRNN_SETTINGS } from "./config.ts";
import type { CellKind } from "../model/config.ts";

/** The flags' specs, for `parseFlags`. */
export const INIT_FLAG_SPECS: Record<string, FlagSpec> = {
  "gate-init": { type: "string" },
  "chrono-tmax": { type: "string" },
  "irnn-scale": { type: "string" },
};

/** The usage text of the flags. */
export const INIT_FLAG_USAGE = "[--gate-init constant|chrono] [--chrono-tmax T] [--irnn-scale 1]";

/**
 * The job options the flags set (only those that differ from the defaults); `defaultGateInit` is
 * the gate biases without `--gate-init` (a named study may default to chrono).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initFlagOptions } from "./init_flags.ts";
 * assert.deepEqual(initFlagOptions({ "gate-init": "chrono" }), { gateInit: "chrono" });
 * assert.deepEqual(initFlagOptions({}), {});
 * assert.deepEqual(initFlagOptions({}, "chrono"), { gateInit: "chrono" });
 * ```
 */
export function initFlagOptions(
  flags: FlagValues,
  defaultGateInit: GateInit = "constant",
): Pick<JobOptions, "gateInit" | "chronoTmax" | "irnnScale"> {
  const gateInit = choiceFlag(flags, "gate-init", GATE_INITS, defaultGateInit);
  const out: Pick<JobOptions, "gateInit" | "chronoTmax" | "irnnScale"> = {};
  if (gateInit === "chrono") out.gateInit = "chrono";
  if (flags["chrono-tmax"] !== undefined) {
    if (gateInit !== "chrono") throw new UsageError("--chrono-tmax needs --gate-init chrono");
    out.chronoTmax = floatFlag(flags, "chrono-tmax", NaN, 3, 1e9);
  }
  const irnnScale = floatFlag(flags, "irnn-scale", 1, 0, 10);
  if (irnnScale !== 1) out.irnnScale = irnnScale;
  return out;
}

/**
 * The per-cell options of a run: the IRNN's jobs take {@linkcode IRNN_SETTINGS}, except for a
 * setting given on the command line (`--lr`, `--clip`, `--input-dropout`), which holds for every
 * cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellOptionsOf } from "./init_flags.ts";
 * assert.deepEqual(cellOptionsOf({}), { irnn: { lr: 0.001, clip: 10, inputDropout: 0 } });
 * assert.deepEqual(cellOptionsOf({ clip: "1" }), { irnn: { lr: 0.001, inputDropout: 0 } });
 * ```
 */
export function cellOptionsOf(
  flags: FlagValues,
): Partial<Record<CellKind, Partial<JobOptions>>> {
  const irnn: Partial<JobOptions> = {};
  if (flags.lr === undefined) irnn.lr = IRNN_SETTINGS.lr;
  if (flags.clip === undefined) irnn.clip = IRNN_SETTINGS.clip;
  if (flags["input-dropout"] === undefined) irnn.inputDropout = IRNN_SETTINGS.inputDropout;
  return { irnn };
}
