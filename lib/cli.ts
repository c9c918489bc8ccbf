/**
 * What every script shares: strict flag parsing with typed values, and one way to end — a user
 * error prints one line (exit 1, or 2 with a usage line for bad flags), a bug prints its stack.
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError, UserError } from "./errors.ts";

/** One flag: a string value or a boolean switch. */
export interface FlagSpec {
  /** `"string"` takes a value (`--lr 0.01` or `--lr=0.01`), `"boolean"` is a switch. */
  type: "string" | "boolean";
}

/** The raw values of the flags given, by name. */
export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * Parse `args` strictly: unknown flags, missing values and stray positionals are
 * {@linkcode UsageError}s. `--help` is always accepted. A negative number may follow a flag that
 * takes a value (`--input-bias -3`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./cli.ts";
 * const flags = parseFlags(["--lr", "0.01", "--resume"], { lr: { type: "string" }, resume: { type: "boolean" } });
 * assert.equal(flags.lr, "0.01");
 * assert.ok(flags.resume);
 * ```
 */
export function parseFlags(args: string[], spec: Record<string, FlagSpec>): FlagValues {
  // `--input-bias -3`: a negative number after a flag that takes a value is that value
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (spec[arg.slice(2)]?.type === "string" && next !== undefined && /^-\.?\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  try {
    const { values } = parseArgs({
      args: joined,
      options: { ...spec, help: { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    });
    return values as FlagValues;
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
}

/** node:util's parse errors, reworded as one line in this toolkit's voice. */
function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const quoted = /'([^' ]+)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown flag ${quoted}`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return `unexpected argument "${quoted}"; every value follows its --flag`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (message.includes("does not take an argument")) {
      return `${quoted} is a switch and takes no value`;
    }
    return `${quoted} expects a value (write ${quoted}=VALUE for one that starts with a dash)`;
  }
  return message.split("\n")[0]!;
}

function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new UsageError(`--${name} expects a value`);
  return value;
}

/**
 * An integer flag in [min, max], or `fallback` when absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intFlag } from "./cli.ts";
 * assert.equal(intFlag({ epochs: "20" }, "epochs", 500, 1), 20);
 * ```
 */
export function intFlag(
  values: FlagValues,
  name: string,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  const raw = stringFlag(values, name);
  if (raw === undefined) return fallback;
  return parseIntValue(raw, name, min, max);
}

function parseIntValue(raw: string, name: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`--${name} expects ${range}, got "${raw}"`);
  }
  return value;
}

/**
 * A comma-separated list of integers, each in [min, max], or `fallback` when absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intListFlag } from "./cli.ts";
 * assert.deepEqual(intListFlag({ lengths: "10,20" }, "lengths", [35], 3), [10, 20]);
 * ```
 */
export function intListFlag(
  values: FlagValues,
  name: string,
  fallback: readonly number[],
  min = -Infinity,
  max = Infinity,
): number[] {
  const raw = stringFlag(values, name);
  if (raw === undefined) return [...fallback];
  const items = raw.split(",");
  if (items.some((s) => s.trim() === "")) {
    throw new UsageError(`--${name} expects a comma-separated list of integers, got "${raw}"`);
  }
  return items.map((s) => parseIntValue(s, name, min, max));
}

/**
 * A finite number flag in [min, max], or `fallback` when absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { floatFlag } from "./cli.ts";
 * assert.equal(floatFlag({ lr: "1e-3" }, "lr", 0.01, 0), 0.001);
 * ```
 */
export function floatFlag(
  values: FlagValues,
  name: string,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  const raw = stringFlag(values, name);
  if (raw === undefined) return fallback;
  const value = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `a number >= ${min}` : `a number in [${min}, ${max}]`;
    throw new UsageError(`--${name} expects ${range}, got "${raw}"`);
  }
  return value;
}

/**
 * One of a fixed set of words, or `fallback` when absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { choiceFlag } from "./cli.ts";
 * assert.equal(choiceFlag({ init: "xavier" }, "init", ["torch", "xavier"], "torch"), "xavier");
 * ```
 */
export function choiceFlag<T extends string>(
  values: FlagValues,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = stringFlag(values, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} expects one of ${choices.join("|")}, got "${raw}"`);
  }
  return raw as T;
}

/**
 * A comma-separated list of words from a fixed set, or `fallback` when absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { choiceListFlag } from "./cli.ts";
 * assert.deepEqual(choiceListFlag({ cells: "lstm,gru" }, "cells", ["lstm", "gru", "srn"], ["lstm"]), ["lstm", "gru"]);
 * ```
 */
export function choiceListFlag<T extends string>(
  values: FlagValues,
  name: string,
  choices: readonly T[],
  fallback: readonly T[],
): T[] {
  const raw = stringFlag(values, name);
  if (raw === undefined) return [...fallback];
  return raw.split(",").map((item) => {
    if (!(choices as readonly string[]).includes(item)) {
      throw new UsageError(`--${name} expects a list of ${choices.join("|")}, got "${raw}"`);
    }
    return item as T;
  });
}

/**
 * A switch: true when given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { boolFlag } from "./cli.ts";
 * assert.ok(boolFlag({ json: true }, "json"));
 * assert.equal(boolFlag({}, "json"), false);
 * ```
 */
export function boolFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}

/**
 * A path flag, or `fallback` when absent (`undefined` fallback: the flag is required).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathFlag } from "./cli.ts";
 * assert.equal(pathFlag({}, "out", "datasets"), "datasets");
 * ```
 */
export function pathFlag(values: FlagValues, name: string, fallback?: string): string {
  const raw = stringFlag(values, name);
  if (raw === undefined || raw === "") {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  return raw;
}

/**
 * Run a script's `main`: `--help` prints the usage; a {@linkcode UsageError} prints the message
 * and the usage line and exits 2; any other {@linkcode UserError} prints its one line and exits
 * with its code; anything else is a bug and keeps its stack trace.
 *
 * @example
 * ```ts ignore
 * import { runMain } from "./cli.ts";
 * await runMain("deno task hello [--name NAME]", async () => { console.log("hello"); });
 * ```
 */
export async function runMain(
  usage: string,
  main: (args: string[]) => Promise<number | void>,
): Promise<void> {
  const args = Deno.args;
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`usage: ${usage}`);
    Deno.exit(0);
  }
  let code: number | void;
  try {
    code = await main(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      console.error(`usage: ${usage}`);
      Deno.exit(2);
    }
    if (err instanceof UserError) {
      console.error(`error: ${err.message}`);
      Deno.exit(err.exitCode);
    }
    throw err;
  }
  Deno.exit(code ?? 0);
}
