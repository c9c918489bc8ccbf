/**
 * `deno task plot --run runs/NAME [--out DIR] [--scale 2]`: the figures of a run
 * (`figures/loss`, `figures/accuracy` and `figures/gates`), each as SVG and PNG, and the one-page `report.html`, written into the run folder (or DIR).
 */
import { runMain } from "../lib/cli.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { plotRun, type TraceProvider } from "../lib/plot/mod.ts";
import { checkpointTraces } from "../lib/plot/traces.ts";

/** The declaration of `deno task plot`. */
const PLOT = {
  name: "deno task plot",
  flags: declareFlags({
    run: { type: "path", required: true, arg: "runs/NAME", help: "the run folder" },
    out: { type: "path", arg: "DIR", help: "the output folder (default: the run folder)" },
    scale: { type: "float", default: 2, min: 0.25, max: 8, help: "PNG pixels per SVG unit" },
  }),
} as const;

/** The `gates` figure traces each (cell, length)'s best checkpoint on one test sequence. */
const TRACE_PROVIDER: TraceProvider = checkpointTraces;

await runMain(PLOT, async ({ flags }) => {
  const { run, scale } = flags;
  const outDir = flags.out ?? run;
  await plotRun(run, { outDir, scale, traceProvider: TRACE_PROVIDER, log: console.log });
});
