/**
 * A task's flags, declared once: each flag's name, type, default, bounds and help. The
 * declaration drives the usage line ({@linkcode usageLine}), the `--help` text
 * ({@linkcode helpText}) and the validation of the values given ({@linkcode readFlags}); the web
 * page reads train's bounds and choices from it. Pure data and functions: safe in a browser.
 * @module
 */

import { UsageError } from "../errors.ts";

/** What every flag declares. */
export interface FlagCommon {
  /** One line saying what the flag does. */
  help: string;
  /** The word shown after the flag in the usage line (default: the choices, or the default). */
  arg?: string;
  /** The flag must be given (its usage fragment has no brackets). */
  required?: boolean;
  /** The flag's whole usage fragment, when the generated one won't do (`null`: not shown). */
  usage?: string | null;
}

/** An integer in [min, max]. */
export interface IntFlag extends FlagCommon {
  /** The type. */
  type: "int";
  /** The value when the flag is absent. */
  default?: number;
  /** The smallest value accepted. */
  min?: number;
  /** The largest value accepted. */
  max?: number;
}

/** A finite number in [min, max]. */
export interface FloatFlag extends FlagCommon {
  /** The type. */
  type: "float";
  /** The value when the flag is absent. */
  default?: number;
  /** The smallest value accepted. */
  min?: number;
  /** The largest value accepted. */
  max?: number;
}

/** A comma-separated list of integers, each in [min, max]. */
export interface IntListFlag extends FlagCommon {
  /** The type. */
  type: "ints";
  /** The value when the flag is absent. */
  default?: readonly number[];
  /** The smallest value accepted. */
  min?: number;
  /** The largest value accepted. */
  max?: number;
}

/** One word of a fixed set. */
export interface ChoiceFlag<T extends string = string> extends FlagCommon {
  /** The type. */
  type: "choice";
  /** The words accepted. */
  choices: readonly T[];
  /** The value when the flag is absent. */
  default?: T;
}

/** A comma-separated list of words of a fixed set. */
export interface ChoiceListFlag<T extends string = string> extends FlagCommon {
  /** The type. */
  type: "choices";
  /** The words accepted. */
  choices: readonly T[];
  /** The value when the flag is absent. */
  default?: readonly T[];
}

/** A path (or any other free text); an empty value counts as absent. */
export interface PathFlag extends FlagCommon {
  /** The type. */
  type: "path";
  /** The value when the flag is absent. */
  default?: string;
}

/** A switch: true when given. */
export interface SwitchFlag extends FlagCommon {
  /** The type. */
  type: "switch";
}

/** One declared flag. */
export type Flag =
  | IntFlag
  | FloatFlag
  | IntListFlag
  | ChoiceFlag
  | ChoiceListFlag
  | PathFlag
  | SwitchFlag;

/** A task's flags by name (without the dashes), in the order of its usage line. */
export type Flags = Record<string, Flag>;

/** The raw values of the flags given, by name, as the command line spells them. */
export type RawFlags = Record<string, string | boolean | undefined>;

/** The value of one declared flag. */
export type FlagValue<F extends Flag> = F extends IntFlag | FloatFlag ? number
  : F extends IntListFlag ? number[]
  : F extends ChoiceFlag<infer T> ? T
  : F extends ChoiceListFlag<infer T> ? T[]
  : F extends SwitchFlag ? boolean
  : string;

/**
 * The values of a declaration: a flag with a default, a required flag or a switch always has
 * one; any other is `undefined` when absent.
 */
export type FlagValues<D extends Flags> = {
  -readonly [K in keyof D]: D[K] extends SwitchFlag ? boolean
    : D[K] extends { default: unknown } | { required: true } ? FlagValue<D[K]>
    : FlagValue<D[K]> | undefined;
};

/** One task: its command, its flags, and the word for its positional arguments (if any). */
export interface Command<D extends Flags = Flags> {
  /** How it is run, e.g. `deno task train`. */
  name: string;
  /** Its flags. */
  flags: D;
  /** The usage word of its positional arguments (none when absent: a stray one is an error). */
  positionals?: string;
  /** The whole usage text, when one line of flags can't say it (several forms). */
  usage?: string;
}

/**
 * A declaration, typed exactly as written (so {@linkcode FlagValues} knows which flags have a
 * default and which words a choice takes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { declareFlags } from "./declare.ts";
 * const flags = declareFlags({ seed: { type: "int", default: 0, min: 0, help: "the seed" } });
 * assert.equal(flags.seed.default, 0);
 * ```
 */
export function declareFlags<const D extends Flags>(flags: D): D {
  return flags;
}

/**
 * The usage fragment of one flag: `[--epochs 500]`, `[--init torch|xavier|zeros]`,
 * `--length L` when required.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagUsage } from "./declare.ts";
 * assert.equal(flagUsage("seed", { type: "int", default: 0, help: "" }), "[--seed 0]");
 * assert.equal(flagUsage("resume", { type: "switch", help: "" }), "[--resume]");
 * ```
 */
export function flagUsage(name: string, flag: Flag): string | null {
  if (flag.usage !== undefined) return flag.usage;
  const arg = flag.type === "switch" ? "" : ` ${argOf(flag)}`;
  const text = `--${name}${arg}`;
  return flag.required ? text : `[${text}]`;
}

function argOf(flag: Exclude<Flag, SwitchFlag>): string {
  if (flag.arg !== undefined) return flag.arg;
  if (flag.type === "choice") return flag.choices.join("|");
  if (flag.type === "choices") return flag.choices.join(",");
  if (flag.default === undefined) return "VALUE";
  return Array.isArray(flag.default) ? flag.default.join(",") : String(flag.default);
}

/**
 * The usage text of a command (without `usage: `).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageLine } from "./declare.ts";
 * const flags = {
 *   run: { type: "path", required: true, arg: "runs/NAME", help: "the run folder" },
 *   scale: { type: "float", default: 2, help: "pixels per SVG unit" },
 * } as const;
 * assert.equal(usageLine({ name: "deno task plot", flags }), "deno task plot --run runs/NAME [--scale 2]");
 * ```
 */
export function usageLine(command: Command): string {
  if (command.usage !== undefined) return command.usage;
  const parts = [command.name];
  for (const [name, flag] of Object.entries(command.flags)) {
    const usage = flagUsage(name, flag);
    if (usage !== null) parts.push(usage);
  }
  if (command.positionals !== undefined) parts.push(command.positionals);
  return parts.join(" ");
}

/**
 * The `--help` text: the usage line, then one line per flag with its help (and its default
 * where the usage line doesn't show it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { helpText } from "./declare.ts";
 * const flags = { seed: { type: "int", default: 0, help: "the generator's seed" } } as const;
 * assert.equal(
 *   helpText({ name: "deno task gen-data", flags }),
 *   "usage: deno task gen-data [--seed 0]\n\n  --seed  the generator's seed\n",
 * );
 * ```
 */
export function helpText(command: Command): string {
  const entries = Object.entries(command.flags);
  const width = Math.max(...entries.map(([name]) => name.length + 2));
  const lines = [`usage: ${usageLine(command)}`, ""];
  for (const [name, flag] of entries) lines.push(`  ${`--${name}`.padEnd(width)}  ${flag.help}`);
  return lines.join("\n") + "\n";
}

/**
 * Validate the raw values against the declaration, in its order: a value out of bounds or not of
 * the flag's type is a {@linkcode UsageError} naming the flag, what it expects and what it got.
 * Absent flags take their default (or stay `undefined`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readFlags } from "./declare.ts";
 * const flags = {
 *   lengths: { type: "ints", default: [35], min: 3, help: "" },
 *   init: { type: "choice", choices: ["torch", "xavier"], help: "" },
 *   lr: { type: "float", min: 0, help: "" },
 * } as const;
 * assert.deepEqual(readFlags({ lengths: "10,20", lr: "1e-3" }, flags), {
 *   lengths: [10, 20],
 *   init: undefined,
 *   lr: 0.001,
 * });
 * assert.throws(() => readFlags({ init: "he" }, flags), {
 *   message: '--init expects one of torch|xavier, got "he"',
 * });
 * ```
 */
export function readFlags<D extends Flags>(raw: RawFlags, flags: D): FlagValues<D> {
  const out: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(flags)) out[name] = readFlag(raw, name, flag);
  return out as FlagValues<D>;
}

function readFlag(raw: RawFlags, name: string, flag: Flag): unknown {
  if (flag.type === "switch") return raw[name] === true;
  const value = raw[name];
  if (value !== undefined && typeof value !== "string") {
    throw new UsageError(`--${name} expects a value`);
  }
  if (value === undefined || (flag.type === "path" && value === "")) {
    if (flag.required) throw new UsageError(`--${name} is required`);
    const fallback = flag.default;
    return Array.isArray(fallback) ? [...fallback] : fallback;
  }
  const min = "min" in flag ? flag.min ?? -Infinity : -Infinity;
  const max = "max" in flag ? flag.max ?? Infinity : Infinity;
  switch (flag.type) {
    case "int":
      return intValue(value, name, min, max);
    case "float":
      return floatValue(value, name, min, max);
    case "ints": {
      const items = value.split(",");
      if (items.some((s) => s.trim() === "")) {
        throw new UsageError(
          `--${name} expects a comma-separated list of integers, got "${value}"`,
        );
      }
      return items.map((s) => intValue(s, name, min, max));
    }
    case "choice":
      if (!flag.choices.includes(value)) {
        throw new UsageError(`--${name} expects one of ${flag.choices.join("|")}, got "${value}"`);
      }
      return value;
    case "choices":
      return value.split(",").map((item) => {
        if (!flag.choices.includes(item)) {
          throw new UsageError(
            `--${name} expects a list of ${flag.choices.join("|")}, got "${value}"`,
          );
        }
        return item;
      });
    case "path":
      return value;
  }
}

function intValue(raw: string, name: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`--${name} expects ${range}, got "${raw}"`);
  }
  return value;
}

function floatValue(raw: string, name: string, min: number, max: number): number {
  const value = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `a number >= ${min}` : `a number in [${min}, ${max}]`;
    throw new UsageError(`--${name} expects ${range}, got "${raw}"`);
  }
  return value;
}
