/**
 * `deno task plot --run runs/NAME [--out DIR] [--scale 2] [--lang en|zh]`: the figures of a run
 * (`figures/loss`, `figures/accuracy` and `figures/gates`), each as SVG and PNG, and the one-page `report.html`, written into the run folder (or DIR);
 * `--lang zh` writes the figures' words in Chinese.
 */
import { choiceFlag, floatFlag, parseFlags, pathFlag, runMain } from "../lib/cli.ts";
import { type GatesPanelSource, plotRun } from "../lib/plot/mod.ts";
import { PLOT_LANGS } from "../lib/plot/labels.ts";
import { checkpointPanels } from "../lib/plot/checkpoint_panels.ts";

const USAGE = "deno task plot --run runs/NAME [--out DIR] [--scale 2] [--lang en|zh]";

/** The `gates` figure traces each (cell, length)'s best checkpoint on one test sequence. */
const GATES_PANELS: GatesPanelSource = checkpointPanels;

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, {
    run: { type: "string" },
    out: { type: "string" },
    scale: { type: "string" },
    lang: { type: "string" },
  });
  const run = pathFlag(flags, "run");
  const outDir = pathFlag(flags, "out", run);
  const scale = floatFlag(flags, "scale", 2, 0.25, 8);
  const lang = choiceFlag(flags, "lang", PLOT_LANGS, "en");
  await plotRun(run, { outDir, scale, lang, gatesPanels: GATES_PANELS, log: console.log });
});
