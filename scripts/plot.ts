/**
 * `deno task plot --run runs/NAME [--out DIR] [--scale 2]`: the figures of a run
 * (`figures/loss`, `figures/accuracy` and `figures/gates`), each as SVG and PNG, and the one-page `report.html`, written into the run folder (or DIR).
 */
import { floatFlag, parseFlags, pathFlag, runMain } from "../lib/cli.ts";
import { type GatesPanelSource, plotRun } from "../lib/plot/mod.ts";
import { checkpointPanels } from "../lib/plot/checkpoint_panels.ts";

const USAGE = "deno task plot --run runs/NAME [--out DIR] [--scale 2]";

/** The `gates` figure traces each (cell, length)'s best checkpoint on one test sequence. */
const GATES_PANELS: GatesPanelSource = checkpointPanels;

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, {
    run: { type: "string" },
    out: { type: "string" },
    scale: { type: "string" },
  });
  const run = pathFlag(flags, "run");
  const outDir = pathFlag(flags, "out", run);
  const scale = floatFlag(flags, "scale", 2, 0.25, 8);
  await plotRun(run, { outDir, scale, gatesPanels: GATES_PANELS, log: console.log });
});
