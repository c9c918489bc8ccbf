/**
 * Helpers shared by the tests: a closeness assertion, running a script as a subprocess and its
 * usage errors, bytes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

/**
 * Assert that every element of `actual` is within `atol + rtol·|expected|` of `expected`, and
 * name the first element that is not.
 */
export function assertClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  { atol = 1e-6, rtol = 0, what = "value" }: { atol?: number; rtol?: number; what?: string } = {},
): void {
  const a = typeof actual === "number" ? [actual] : actual;
  const e = typeof expected === "number" ? [expected] : expected;
  assert.equal(a.length, e.length, `${what}: length ${a.length} != expected ${e.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i]! - e[i]!);
    const bound = atol + rtol * Math.abs(e[i]!);
    if (!(diff <= bound)) {
      assert.fail(
        `${what}[${i}]: got ${a[i]}, expected ${e[i]} (|diff| ${diff.toExponential(3)} > ${
          bound.toExponential(3)
        })`,
      );
    }
    worst = Math.max(worst, diff);
  }
}

/** What a finished subprocess printed and how it exited. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `deno run <permissions> scripts/<script> ...args` (with `env` added to this process's
 * environment) and collect its output.
 */
export async function runScript(
  script: string,
  args: string[],
  permissions: string[] = ["--allow-read", "--allow-write"],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...permissions, `scripts/${script}`, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/**
 * Assert that `deno task <task>` refuses each case's arguments as a usage error: exit 2, the
 * case's `error:` line, then the one-line usage. `run` runs the task's script with the arguments.
 */
export async function assertUsageErrors(
  task: string,
  cases: [args: string[], message: string][],
  run: (args: string[]) => Promise<RunResult>,
): Promise<void> {
  for (const [args, message] of cases) {
    const result = await run(args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines[0], message);
    assert.match(lines[1]!, new RegExp(`^usage: deno task ${task} `));
    assert.equal(lines.length, 2, `${args.join(" ")}: one error line and the usage`);
  }
}

/** A data folder `base/data` holding a copy of the book's length-5 files only. */
export async function dataWithLength5(base: string): Promise<string> {
  const data = join(base, "data");
  await Deno.mkdir(join(data, "5"), { recursive: true });
  for (const split of ["train", "dev", "test"]) {
    await Deno.copyFile(join("datasets", "5", `${split}.txt`), join(data, "5", `${split}.txt`));
  }
  return data;
}

/** The bytes of `parts` one after the other. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
