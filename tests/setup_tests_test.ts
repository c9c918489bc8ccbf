/**
 * scripts/setup_tests.ts, the set-up half of `deno task test`, on machines it cannot see: a PATH
 * of stand-in commands (`id`, `sudo`, `apt-get` as small shell scripts) and --chromium/--python
 * paths that do not exist, so no test installs anything or needs root.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const SCRIPT = new URL("../scripts/setup_tests.ts", import.meta.url).pathname;
const NEEDS = "Chromium (/nonexistent/chromium, for the web lab's test) and Jupyter (nbformat, " +
  "nbclient and jupyter_client for /nonexistent/python3, for the notebook tests)";
const INSTALL =
  "sudo apt-get install -y chromium jupyter-nbconvert python3-nbclient jupyter-client jupyter-core";

/** A folder of executable shell scripts, by name, to stand for PATH. */
async function fakeBin(scripts: Record<string, string>, dir?: string): Promise<string> {
  dir ??= await Deno.makeTempDir();
  for (const [name, body] of Object.entries(scripts)) {
    await Deno.writeTextFile(join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

async function setup(path: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-run",
      SCRIPT,
      "--chromium",
      "/nonexistent/chromium",
      "--python",
      "/nonexistent/python3",
    ],
    env: { PATH: path, NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("setup: not root and no sudo — one line naming what is missing and how to install it", async () => {
  const bin = await fakeBin({ id: "echo 1000" });
  try {
    const result = await setup(bin);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.equal(
      result.stderr,
      `error: the tests need ${NEEDS}, which this machine lacks and this user cannot install ` +
        `(not root, no passwordless sudo); install them with: ${INSTALL}\n`,
    );
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});

Deno.test("setup: a password-free sudo installs with apt-get; still missing after that is one line", async () => {
  const bin = await Deno.makeTempDir();
  await fakeBin({ id: "echo 1000", sudo: `printf "%s\\n" "$*" >> ${join(bin, "sudo.log")}` }, bin);
  try {
    const result = await setup(bin);
    assert.equal(result.code, 1);
    const calls = (await Deno.readTextFile(join(bin, "sudo.log"))).trim().split("\n");
    assert.deepEqual(calls, [
      "-n true",
      "-n apt-get update -qq -o DPkg::Lock::Timeout=600",
      "-n apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium jupyter-nbconvert " +
      "python3-nbclient jupyter-client jupyter-core",
    ]);
    assert.equal(
      result.stderr,
      "setup: installing chromium jupyter-nbconvert python3-nbclient jupyter-client jupyter-core " +
        "with apt-get for the tests\n" +
        `error: could not install ${NEEDS}; install them with: ${INSTALL}\n`,
    );
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});

Deno.test("setup: root whose apt-get fails — one line with apt-get's last word", async () => {
  const bin = await fakeBin({
    id: "echo 0",
    "apt-get": 'echo "E: Unable to locate package chromium" >&2; exit 100',
  });
  try {
    const result = await setup(bin);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.split("\n")[1],
      `error: could not install ${NEEDS} (apt-get update -qq -o DPkg::Lock::Timeout=600 failed: ` +
        `E: Unable to locate package chromium); install them with: ${INSTALL}`,
    );
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});
