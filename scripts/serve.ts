/**
 * `deno task serve [--run runs/NAME] [--port 8000]`: serve the web lab (`web/dist/`, built by
 * `deno task web`) on 127.0.0.1, and with `--run` that run's jobs read-only under `/run/`
 * (`/run/index.json` lists them). The server, with its defences against path traversal, is
 * lib/serve/server.ts.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runMain } from "../lib/cli.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { serveLab } from "../lib/serve/server.ts";

const DIST = fileURLToPath(new URL("../web/dist", import.meta.url));

/** The declaration of `deno task serve`. */
const SERVE = {
  name: "deno task serve",
  flags: declareFlags({
    run: { type: "path", arg: "runs/NAME", help: "a run folder to serve read-only under /run/" },
    port: { type: "int", default: 8000, min: 0, max: 65535, help: "the port (0: any free one)" },
  }),
} as const;

await runMain(SERVE, async ({ flags }) => {
  const run = flags.run === undefined ? undefined : resolve(flags.run);
  const server = await serveLab({
    dist: DIST,
    run,
    port: flags.port,
    onListen: ({ port }) => {
      const served = run === undefined ? "" : `, with the run ${run} read-only under /run/`;
      console.log(`serving the web lab at http://127.0.0.1:${port}/${served} (Ctrl-C stops)`);
    },
  });
  await server.finished;
});
