/**
 * The web lab's static server: the built page (`web/dist/`) and, optionally, one run's jobs
 * read-only under `/run/` (`/run/index.json` lists them), on 127.0.0.1. Only GET and HEAD; a path
 * that leaves its folder — `..`, its encoded forms, an encoded slash or backslash, a symlink
 * pointing out — is refused (403), a missing file is 404. `deno task serve` is its command line.
 * @module
 */

import { join, sep } from "node:path";
import { UserError } from "../errors.ts";
import { listJobs } from "../run/read.ts";

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

/** `/run/index.json`: the run's jobs and the files of each (none without a run). */
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

/** What the lab's server serves. */
export interface LabFolders {
  /** The built page (`web/dist/`, made by `deno task web`). */
  dist: string;
  /** A run folder served read-only under `/run/` (absolute), or none. */
  run?: string;
}

/**
 * The request handler of the lab's server (see the module doc). It reads the path as sent, so a
 * request must come over the wire: `new Request(url)` would already have resolved `..` and
 * `%2e%2e`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labHandler } from "./server.ts";
 * const dist = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dist}/index.html`, "<!doctype html>");
 * const handle = labHandler({ dist });
 * assert.equal((await handle(new Request("http://127.0.0.1/"))).status, 200);
 * assert.equal((await handle(new Request("http://127.0.0.1/x.js"))).status, 404);
 * assert.equal((await handle(new Request("http://127.0.0.1/", { method: "POST" }))).status, 405);
 * ```
 */
export function labHandler({ dist, run }: LabFolders): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return answer(405, "method not allowed: this server is read-only");
    }
    const head = request.method === "HEAD";
    // the raw path as sent: URL parsing would quietly resolve `..` and `%2e%2e`
    const rawPath = request.url.replace(/^[a-z]+:\/\/[^/]*/i, "").split(/[?#]/)[0]!;
    const segments = rawPath.split("/").slice(1);
    if (segments.length === 1 && segments[0] === "") {
      return serveFile(join(dist, "index.html"), head);
    }
    if (segments[0] === "run") {
      if (segments.length === 2 && segments[1] === "index.json") return runIndex(run);
      if (run === undefined) return answer(404, "not found: no run is served (serve --run)");
      const file = await fileUnder(run, segments.slice(1));
      return typeof file === "string" ? serveFile(file, head) : file;
    }
    const file = await fileUnder(dist, segments);
    return typeof file === "string" ? serveFile(file, head) : file;
  };
}

/**
 * Serve the lab on 127.0.0.1:`port` (0: any free port). A missing `index.html` or a missing or
 * empty run folder is a {@linkcode UserError} before anything listens.
 *
 * @example
 * ```ts ignore
 * import { serveLab } from "./server.ts";
 * const server = await serveLab({ dist: "web/dist", port: 8000 });
 * await server.finished;
 * ```
 */
export async function serveLab(
  folders: LabFolders & {
    port: number;
    onListen?: (address: { port: number }) => void;
  },
): Promise<Deno.HttpServer<Deno.NetAddr>> {
  const { dist, run, port, onListen } = folders;
  try {
    await Deno.stat(join(dist, "index.html"));
  } catch {
    throw new UserError(`${join(dist, "index.html")} is missing; run deno task web first`);
  }
  if (run !== undefined) await listJobs(run); // a missing or empty run folder: one line
  return Deno.serve(
    { hostname: "127.0.0.1", port, onListen: ({ port }) => onListen?.({ port }) },
    labHandler({ dist, run }),
  );
}
