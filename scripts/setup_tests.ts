/**
 * The first half of `deno task test`: make sure this machine has what the tests drive from
 * outside Deno, installing it when it is missing, so that `npx -y deno@2.9.6 task test` passes on
 * a machine that has only Node.js and npm.
 *
 * - Debian's Chromium at `/usr/bin/chromium` (tests/web_test.ts drives it with puppeteer-core);
 * - Jupyter's Python packages for `/usr/bin/python3` (nbformat, nbclient, jupyter_client:
 *   tests/run_notebook.py runs the notebook with them) and Deno's Jupyter kernel, registered for
 *   the Deno that runs this script.
 *
 * What is missing is installed with `apt-get` as root, or with `sudo -n apt-get` where sudo needs
 * no password. Otherwise the script prints one `error:` line naming what is missing and the
 * command that installs it, and exits 1 before any test runs. `id`, `sudo` and `apt-get` are
 * looked up on PATH; `--chromium` and `--python` name other paths to probe (the tests use them to
 * see a machine with nothing installed).
 *
 * usage: deno run --allow-read --allow-run scripts/setup_tests.ts [--chromium PATH] [--python PATH]
 * @module
 */

import { parseFlags, pathFlag, runMain } from "../lib/cli.ts";

/** One thing the tests need from outside Deno, and the Debian packages that bring it. */
interface Need {
  /** What it is, for messages. */
  what: string;
  /** The Debian packages that install it. */
  packages: string[];
  /** True when it is there. */
  present: () => Promise<boolean>;
}

const USAGE = "deno run --allow-read --allow-run scripts/setup_tests.ts [--chromium PATH] " +
  "[--python PATH]";

/** Run a command; its exit code and output, or null when the command does not exist. */
async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string } | null> {
  try {
    const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The command that installs `packages`, as the user would type it. */
function installCommand(packages: string[]): string {
  return `sudo apt-get install -y ${packages.join(" ")}`;
}

/** Install `packages` with apt-get (through sudo unless root); the failure's last line, or null. */
async function aptInstall(packages: string[], sudo: boolean): Promise<string | null> {
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const [cmd, prefix] = sudo ? ["sudo", ["-n", "apt-get"]] : ["apt-get", []];
  const wait = ["-o", "DPkg::Lock::Timeout=600"]; // another apt-get may hold the lock a while
  for (const args of [["update", "-qq", ...wait], ["install", "-y", "-qq", ...wait, ...packages]]) {
    const result = await run(cmd, [...prefix, ...args], env);
    if (result === null) return `${cmd} is not on PATH`;
    if (result.code !== 0) {
      const lines = result.stderr.trim().split("\n");
      return `${cmd} ${[...prefix, ...args].join(" ")} failed: ${lines.at(-1)}`;
    }
  }
  return null;
}

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, { chromium: { type: "string" }, python: { type: "string" } });
  const chromium = pathFlag(flags, "chromium", "/usr/bin/chromium");
  const python = pathFlag(flags, "python", "/usr/bin/python3");
  const needs: Need[] = [
    {
      what: `Chromium (${chromium}, for the web lab's test)`,
      packages: ["chromium"],
      present: () => isExecutable(chromium),
    },
    {
      what: `Jupyter (nbformat, nbclient and jupyter_client for ${python}, for the notebook tests)`,
      packages: ["jupyter-nbconvert", "python3-nbclient", "jupyter-client", "jupyter-core"],
      present: async () =>
        (await run(python, ["-c", "import nbformat, nbclient, jupyter_client"]))?.code === 0,
    },
  ];
  const missing: Need[] = [];
  for (const need of needs) if (!(await need.present())) missing.push(need);
  if (missing.length > 0) {
    const packages = missing.flatMap((need) => need.packages);
    const names = missing.map((need) => need.what).join(" and ");
    const root = (await run("id", ["-u"]))?.stdout.trim() === "0";
    const sudo = !root && (await run("sudo", ["-n", "true"]))?.code === 0;
    if (!root && !sudo) {
      console.error(
        `error: the tests need ${names}, which this machine lacks and this user cannot install ` +
          `(not root, no passwordless sudo); install them with: ${installCommand(packages)}`,
      );
      return 1;
    }
    console.error(`setup: installing ${packages.join(" ")} with apt-get for the tests`);
    const failure = await aptInstall(packages, sudo);
    const still = [];
    for (const need of missing) if (!(await need.present())) still.push(need.what);
    if (failure !== null || still.length > 0) {
      console.error(
        `error: could not install ${names}${failure ? ` (${failure})` : ""}; install them with: ` +
          installCommand(packages),
      );
      return 1;
    }
  }
  // the kernel runs the notebook with this very Deno; registering it again is cheap and idempotent
  const kernel = await run(Deno.execPath(), ["jupyter", "--install", "--force"]);
  if (kernel === null || kernel.code !== 0) {
    const why = kernel?.stderr.trim().split("\n").at(-1) ?? "deno not found";
    console.error(
      `error: could not register Deno's Jupyter kernel (${why}); register it with: ` +
        "npx -y deno@2.9.6 jupyter --install --force",
    );
    return 1;
  }
  return 0;
}

await runMain(USAGE, main);
