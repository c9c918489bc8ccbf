/**
 * One field of a run file, read and written the same way everywhere: numbers checked against a
 * rule with a one-line {@linkcode UserError}, and NaN (or a value an older run lacks) written as an
 * empty field. No CSV library: the web page reads `metrics.csv` through this too.
 * @module
 */

import { UserError } from "../errors.ts";

/** How a numeric field is checked by {@linkcode numberField}. */
export interface NumberRule {
  /** Only integers are accepted. */
  integer?: boolean;
  /** The smallest value accepted. */
  min?: number;
  /** The largest value accepted. */
  max?: number;
  /** `NaN`, `Infinity` and `-Infinity` are accepted (a diverged loss), bypassing min and max. */
  nonFinite?: boolean;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = {
  NaN: NaN,
  nan: NaN,
  Infinity: Infinity,
  inf: Infinity,
  "+Infinity": Infinity,
  "-Infinity": -Infinity,
  "-inf": -Infinity,
};

/**
 * The number in field `name` (its text `raw`), checked against `rule`; `where` names the file and
 * line in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberField } from "./fields.ts";
 * assert.equal(numberField("3", "seed", "s.csv line 2", { integer: true, min: 0 }), 3);
 * assert.throws(() => numberField("4.5", "step", "m.csv line 6", { integer: true }), {
 *   message: 'm.csv line 6: step "4.5" is not an integer',
 * });
 * ```
 */
export function numberField(
  raw: string,
  name: string,
  where: string,
  rule: NumberRule = {},
): number {
  const text = raw.trim();
  const bad = (expected: string): UserError =>
    new UserError(`${where}: ${name} ${JSON.stringify(text)} is not ${expected}`);
  if (rule.nonFinite && text in NON_FINITE) return NON_FINITE[text]!;
  if (!NUMBER.test(text)) throw bad(rule.integer ? "an integer" : "a number");
  const value = Number(text);
  if (rule.integer && !Number.isInteger(value)) throw bad("an integer");
  if (rule.min !== undefined && value < rule.min) throw bad(`>= ${rule.min}`);
  if (rule.max !== undefined && value > rule.max) throw bad(`<= ${rule.max}`);
  return value;
}

/**
 * Like {@linkcode numberField}, but an empty field is NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optionalNumberField } from "./fields.ts";
 * assert.equal(optionalNumberField("", "dev_acc", "m.csv line 5"), NaN);
 * assert.equal(optionalNumberField("0.25", "dev_acc", "m.csv line 5"), 0.25);
 * ```
 */
export function optionalNumberField(
  raw: string,
  name: string,
  where: string,
  rule: NumberRule = {},
): number {
  return raw.trim() === "" ? NaN : numberField(raw, name, where, rule);
}

/**
 * A CSV field: the value as text; NaN, null (NaN read back from JSON) and undefined as an empty
 * field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvField } from "./fields.ts";
 * assert.deepEqual([csvField(0.93), csvField(NaN), csvField("lstm")], ["0.93", "", "lstm"]);
 * ```
 */
export function csvField(value: number | string | null | undefined): string {
  return value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))
    ? ""
    : String(value);
}
