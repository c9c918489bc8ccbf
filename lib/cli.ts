/**
 * What every script shares: its flags parsed strictly from the command line against its one
 * declaration (lib/flags/declare.ts), and one way to end — a user error prints one line (exit 1,
 * or 2 with a usage line for bad flags), a bug prints its stack.
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError, UserError } from "./errors.ts";
import {
  type Command,
  type Flags,
  type FlagValues,
  helpText,
  type RawFlags,
  readFlags,
  usageLine,
} from "./flags/declare.ts";

/**
 * Split `args` into the raw values of the declared flags and the positional arguments, strictly:
 * unknown flags, missing values and (unless `positionals`) stray arguments are
 * {@linkcode UsageError}s. `--help` is always accepted. A negative number may follow a flag that
 * takes a value (`--input-bias -3`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./cli.ts";
 * const flags = {
 *   lr: { type: "float", help: "" },
 *   resume: { type: "switch", help: "" },
 * } as const;
 * assert.deepEqual({ ...parseFlags(["--lr", "-0.01", "--resume"], flags).raw }, {
 *   lr: "-0.01",
 *   resume: true,
 * });
 * ```
 */
export function parseFlags(
  args: string[],
  flags: Flags,
  positionals = false,
): { raw: RawFlags; positionals: string[] } {
  const takesValue = (arg: string) => {
    const flag = flags[arg.slice(2)];
    return flag !== undefined && flag.type !== "switch";
  };
  // `--input-bias -3`: a negative number after a flag that takes a value is that value
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (takesValue(arg) && next !== undefined && /^-\.?\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const [name, flag] of Object.entries(flags)) {
    options[name] = { type: flag.type === "switch" ? "boolean" : "string" };
  }
  try {
    const parsed = parseArgs({
      args: joined,
      options,
      strict: true,
      allowPositionals: positionals,
    });
    return { raw: parsed.values as RawFlags, positionals: parsed.positionals };
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

/**
 * Parse and validate `args` against a command's declaration: the typed values (defaults filled
 * in) and the positional arguments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandFlags } from "./cli.ts";
 * const command = {
 *   name: "deno task gen-data",
 *   flags: { seed: { type: "int", default: 0, min: 0, help: "the seed" } },
 * } as const;
 * assert.deepEqual(commandFlags(command, ["--seed", "7"]).flags, { seed: 7 });
 * assert.deepEqual(commandFlags(command, []).flags, { seed: 0 });
 * ```
 */
export function commandFlags<D extends Flags>(
  command: Command<D>,
  args: string[],
): { flags: FlagValues<D>; positionals: string[] } {
  const { raw, positionals } = parseFlags(args, command.flags, command.positionals !== undefined);
  return { flags: readFlags(raw, command.flags), positionals };
}

/**
 * Run a script: `--help` prints the usage and the flags' help; otherwise its flags are parsed
 * and validated against the declaration and handed to `main`. A {@linkcode UsageError} prints
 * the message and the usage line and exits 2; any other {@linkcode UserError} prints its one line
 * and exits with its code; anything else is a bug and keeps its stack trace.
 *
 * @example
 * ```ts ignore
 * import { runMain } from "./cli.ts";
 * const HELLO = { name: "deno task hello", flags: { name: { type: "path", default: "you", help: "who" } } } as const;
 * await runMain(HELLO, async ({ flags }) => { console.log(`hello ${flags.name}`); });
 * ```
 */
export async function runMain<D extends Flags>(
  command: Command<D>,
  main: (
    parsed: { flags: FlagValues<D>; positionals: string[]; args: string[] },
  ) => number | void | Promise<number | void>,
): Promise<void> {
  const args = Deno.args;
  if (args.includes("--help") || args.includes("-h")) {
    console.log(helpText(command).trimEnd());
    Deno.exit(0);
  }
  let code: number | void;
  try {
    code = await main({ ...commandFlags(command, args), args });
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      console.error(`usage: ${usageLine(command)}`);
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
