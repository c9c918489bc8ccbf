/**
 * The lab's server (lib/serve/server.ts), in this process over real sockets: it serves the page
 * and one run read-only, answers 403/404 to every form of path traversal (raw requests: the path
 * goes out exactly as written), 405 to anything but GET and HEAD, and refuses to start without a
 * built page or with a missing run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../lib/errors.ts";
import { formatConfig } from "../lib/run/config.ts";
import { jobConfigs, RECOMMENDED_PRESET } from "../lib/train/config.ts";
import { serveLab } from "../lib/serve/server.ts";

/** The status code and body of a raw HTTP/1.1 request: the path goes out exactly as written. */
async function rawRequest(port: number, method: string, path: string) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    ),
  );
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  while (true) {
    const n = await conn.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  conn.close();
  const response = new TextDecoder().decode(
    new Uint8Array(chunks.flatMap((c) => Array.from(c))),
  );
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]), response };
}

/** A built page, a run with one job, and a secret folder beside them that symlinks point to. */
async function folders() {
  const tmp = await Deno.realPath(await Deno.makeTempDir({ prefix: "serve_test_" }));
  const dist = join(tmp, "dist");
  const run = join(tmp, "run");
  const job = join(run, "lstm-L7-s3");
  const secret = join(tmp, "secret");
  for (const dir of [dist, job, secret]) await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dist, "index.html"), "<!doctype html><title>lab</title>\n");
  await Deno.writeTextFile(join(dist, "app.js"), "console.log(1);\n");
  const [config] = jobConfigs(["lstm"], [7], [3], RECOMMENDED_PRESET);
  await Deno.writeTextFile(join(job, "config.json"), formatConfig(config!));
  await Deno.writeFile(join(job, "best.safetensors"), new Uint8Array([8, 0, 0, 0]));
  await Deno.writeTextFile(join(job, "metrics.csv.tmp"), "half-written\n");
  await Deno.writeTextFile(join(secret, "secret.txt"), "the secret\n");
  await Deno.writeTextFile(join(tmp, "deno.json"), '{"tasks":{}}\n');
  await Deno.symlink(secret, join(run, "outside"));
  await Deno.symlink(join(secret, "secret.txt"), join(job, "leak.txt"));
  return { tmp, dist, run };
}

Deno.test("serve: the page and the run read-only; 403/404 to path traversal, 405 to writes", async () => {
  const { tmp, dist, run } = await folders();
  const server = await serveLab({ dist, run, port: 0 });
  const port = server.addr.port;
  try {
    const ok: [string, string][] = [
      ["/", "text/html; charset=utf-8"],
      ["/app.js", "text/javascript; charset=utf-8"],
      ["/run/index.json", "application/json"],
      ["/run/lstm-L7-s3/config.json", "application/json"],
      ["/run/lstm-L7-s3/best.safetensors", "application/octet-stream"],
    ];
    for (const [path, type] of ok) {
      const { status, response } = await rawRequest(port, "GET", path);
      assert.equal(status, 200, path);
      assert.match(response, new RegExp(`\r\ncontent-type: ${type.replace("+", "\\+")}\r\n`), path);
      assert.match(response, /\r\nx-content-type-options: nosniff\r\n/, path);
    }
    const index = await rawRequest(port, "GET", "/run/index.json");
    assert.ok(
      index.response.endsWith(
        '{"jobs":[{"name":"lstm-L7-s3","files":["best.safetensors","config.json"]}]}',
      ),
      index.response,
    );
    const head = await rawRequest(port, "HEAD", "/app.js");
    assert.equal(head.status, 200);
    assert.ok(!head.response.includes("console.log"), "HEAD sends no body");
    const refused = [
      "/../deno.json",
      "/../../../../etc/passwd",
      "/%2e%2e/deno.json",
      "/%2E%2E/%2e%2e/deno.json",
      "/..%2fdeno.json",
      "/%2e%2e%2fdeno.json",
      "/run/../../deno.json",
      "/run/%2e%2e/config.json",
      "/run/..%2f..%2fdeno.json",
      "/run/lstm-L7-s3/..%5c..%5cdeno.json",
      "/run/lstm-L7-s3/%2e%2e/%2e%2e/%2e%2e/deno.json",
      "/run/outside/secret.txt",
      "/run/lstm-L7-s3/leak.txt",
      "/run/lstm-L7-s3/%00",
      "//etc/passwd",
    ];
    for (const path of refused) {
      const { status, response } = await rawRequest(port, "GET", path);
      assert.ok(status === 403 || status === 404, `${path}: ${status}`);
      assert.ok(!response.includes("the secret") && !response.includes('"tasks"'), path);
    }
    assert.equal((await rawRequest(port, "GET", "/run/lstm-L7-s3/leak.txt")).status, 403);
    assert.equal((await rawRequest(port, "GET", "/missing.js")).status, 404);
    assert.equal((await rawRequest(port, "GET", "/%zz")).status, 400);
    assert.equal((await rawRequest(port, "PUT", "/run/x")).status, 405);
    assert.equal((await rawRequest(port, "POST", "/")).status, 405);
  } finally {
    await server.shutdown();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("serve: without a run, /run/ lists nothing and serves nothing", async () => {
  const { tmp, dist } = await folders();
  const server = await serveLab({ dist, port: 0 });
  try {
    const index = await rawRequest(server.addr.port, "GET", "/run/index.json");
    assert.ok(index.response.endsWith('{"jobs":[]}'), index.response);
    const job = await rawRequest(server.addr.port, "GET", "/run/lstm-L7-s3/config.json");
    assert.equal(job.status, 404);
    assert.match(job.response, /not found: no run is served \(serve --run\)\n$/);
  } finally {
    await server.shutdown();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("serve: no built page, or a missing run folder, is one user error before listening", async () => {
  const { tmp, dist, run } = await folders();
  try {
    await assert.rejects(
      () => serveLab({ dist: join(tmp, "nowhere"), port: 0 }),
      (err: Error) =>
        err instanceof UserError &&
        err.message === `${join(tmp, "nowhere", "index.html")} is missing; run deno task web first`,
    );
    await assert.rejects(
      () => serveLab({ dist, run: join(run, "lstm-L7-s3"), port: 0 }),
      (err: Error) =>
        err instanceof UserError &&
        err.message === `${join(run, "lstm-L7-s3")}: holds no job folders (<cell>-L<len>-s<seed>)`,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
