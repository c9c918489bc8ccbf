/**
 * What the web lab's test and benchmark share: building the site, starting `deno task serve` and
 * headless Chromium, and waiting on the page with deadlines of minutes.
 * @module
 */
import puppeteer, { type Browser } from "puppeteer-core";

/** Debian's Chromium (`.ci/run` installs it when missing). */
export const CHROMIUM = "/usr/bin/chromium";

/** Deadlines: long enough for a busy shared machine, short enough to end a hung test. */
export const DEADLINE_MS = 5 * 60_000;

/** Build web/dist with `deno task web`'s script; throws with its output on failure. */
export async function buildSite(): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-read", "--allow-write", "--allow-run", "scripts/web.ts"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  if (code !== 0) throw new Error(`deno task web failed:\n${text}`);
  return text;
}

/**
 * A test of the lab in the browser: it builds the site first, and runs with the op and resource
 * sanitizers off (the browser, the server and their pipes are the test's to close).
 */
export function browserTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  Deno.test({ name, sanitizeOps: false, sanitizeResources: false }, async (t) => {
    await buildSite();
    await fn(t);
  });
}

/** A running `deno task serve`. */
export interface Server {
  /** Its URL, `http://127.0.0.1:PORT/`. */
  url: string;
  /** Its port. */
  port: number;
  /** Stop it and wait for it to end. */
  close(): Promise<void>;
}

/** Start `scripts/serve.ts` on a free port (with `--run run` when given) and wait for its URL. */
export async function startServer(run?: string): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-net=127.0.0.1",
      "scripts/serve.ts",
      "--port",
      "0",
      ...(run === undefined ? [] : ["--run", run]),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = setTimeout(() => child.kill(), DEADLINE_MS);
  while (!/http:\/\/127\.0\.0\.1:(\d+)\//.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve ended before printing its URL: ${text}`);
    text += value;
  }
  clearTimeout(deadline);
  const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(text)![1]);
  // keep draining stdout so that the server never blocks on a full pipe
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: async () => {
      child.kill();
      await child.status;
    },
  };
}

/** Headless Chromium, the flags that work as root in a container. */
export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    protocolTimeout: DEADLINE_MS,
  });
}
