/**
 * The base of every error that is the user's input, not a bug: scripts print its one-line
 * message without a stack trace and exit with {@linkcode UserError.exitCode}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UserError } from "./errors.ts";
 * const err = new UserError("runs/x: summary.csv is missing");
 * assert.equal(err.exitCode, 1);
 * ```
 */
export class UserError extends Error {
  /** The process exit code a script uses for this error. */
  readonly exitCode: number;

  /** A user error with its one-line message. */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/**
 * Bad command-line flags: scripts print the message and a usage line, and exit 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "./errors.ts";
 * assert.equal(new UsageError("unknown flag --foo").exitCode, 2);
 * ```
 */
export class UsageError extends UserError {
  /** A usage error; the script adds its usage line. */
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}

/**
 * `text` with its control characters escaped (a newline becomes `\n`), so that an error message
 * quoting a file's content stays on one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneLine } from "./errors.ts";
 * assert.equal(oneLine("Unexpected token 'x', \"[1,\n x\""), `Unexpected token 'x', "[1,\\n x"`);
 * ```
 */
export function oneLine(text: string): string {
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f]/g,
    (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
