/**
 * `deno task serve [--run runs/NAME] [--port 8000]`: serve the web lab (`web/dist/`, built by
 * `deno task web`) on 127.0.0.1, and with `--run` that run's jobs read-only under `/run/`
 * (`/run/index.json` lists them). Only GET and HEAD; a path that leaves its folder — `..`, its
 * encoded forms, an encoded slash or backslash, a symlink pointing out — is refused (403), a
 * missing file is 404.
 */
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { intFlag, parseFlags, pathFlag, runMain } from "../lib/cli.ts";
import { UserError } from "../lib/errors.ts";
import { listJobs } from "../lib/run/read.ts";

const USAGE = "deno task serve [--run runs/NAME] [--port 8000]";
const DIST = fileURLToPath(new URL("../web/dist", import.meta.url));

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  csv: "text/csv; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  ttf: "font/ttf",
  png: "image/png",
  svg: "image/svg+xml",
  safetensors: "application/octet-stream",
  onnx: "application/octet-stream",
};

/** Headers on every answer: no sniffing, nothing loaded from elsewhere. */
const SAFE_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "content-security-policy":
    "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
};

function answer(status: number, text: string): Response {
  return new Response(text + "\n", {
    status,
    headers: { ...SAFE_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * The file under `root` that the URL path segments name, or a refusal: 403 for any segment that
 * is empty, `.`, `..` or holds a slash, a backslash or NUL once decoded, and for a real path
 * (symlinks resolved) outside `root`; 404 when there is no such file.
 */
async function fileUnder(root: string, segments: string[]): Promise<string | Response> {
  const names: string[] = [];
  for (const raw of segments) {
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      return answer(400, "bad request: malformed percent-encoding");
    }
    if (name === "" || name === "." || name === ".." || /[\/\\\0]/.test(name)) {
      return answer(403, "forbidden");
    }
    names.push(name);
  }
  const path = join(root, ...names);
  let real: string;
  try {
    real = await Deno.realPath(path);
  } catch {
    return answer(404, "not found");
  }
  const realRoot = await Deno.realPath(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return answer(403, "forbidden");
  const info = await Deno.stat(real);
  if (!info.isFile) return answer(404, "not found");
  return real;
}

async function serveFile(path: string, head: boolean): Promise<Response> {
  const ext = path.split(".").pop() ?? "";
  const headers = {
    ...SAFE_HEADERS,
    "content-type": TYPES[ext] ?? "application/octet-stream",
    "cache-control": "no-cache",
  };
  if (head) return new Response(null, { headers });
  return new Response(await Deno.readFile(path), { headers });
}

/** `/run/index.json`: the run's jobs and the files of each (none without `--run`). */
async function runIndex(run: string | undefined): Promise<Response> {
  const jobs = [];
  for (const job of run === undefined ? [] : await listJobs(run)) {
    const files: string[] = [];
    for await (const entry of Deno.readDir(job.dir)) {
      if (entry.isFile && !entry.name.endsWith(".tmp")) files.push(entry.name);
    }
    jobs.push({ name: job.name, files: files.sort() });
  }
  return new Response(JSON.stringify({ jobs }), {
    headers: { ...SAFE_HEADERS, "content-type": TYPES.json! },
  });
}

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, { run: { type: "string" }, port: { type: "string" } });
  const port = intFlag(flags, "port", 8000, 0, 65535);
  const run = flags.run === undefined ? undefined : resolve(pathFlag(flags, "run"));
  try {
    await Deno.stat(join(DIST, "index.html"));
  } catch {
    throw new UserError(`${join(DIST, "index.html")} is missing; run deno task web first`);
  }
  if (run !== undefined) await listJobs(run); // a missing or empty run folder: one line, exit 1

  const handler = async (request: Request): Promise<Response> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return answer(405, "method not allowed: this server is read-only");
    }
    const head = request.method === "HEAD";
    // the raw path as sent: URL parsing would quietly resolve `..` and `%2e%2e`
    const rawPath = request.url.replace(/^[a-z]+:\/\/[^/]*/i, "").split(/[?#]/)[0]!;
    const segments = rawPath.split("/").slice(1);
    if (segments.length === 1 && segments[0] === "") {
      return serveFile(join(DIST, "index.html"), head);
    }
    if (segments[0] === "run") {
      if (segments.length === 2 && segments[1] === "index.json") return runIndex(run);
      if (run === undefined) return answer(404, "not found: no run is served (serve --run)");
      const file = await fileUnder(run, segments.slice(1));
      return typeof file === "string" ? serveFile(file, head) : file;
    }
    const file = await fileUnder(DIST, segments);
    return typeof file === "string" ? serveFile(file, head) : file;
  };

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: ({ port }) => {
      const served = run === undefined ? "" : `, with the run ${run} read-only under /run/`;
      console.log(`serving the web lab at http://127.0.0.1:${port}/${served} (Ctrl-C stops)`);
    },
  }, handler);
  await server.finished;
});
