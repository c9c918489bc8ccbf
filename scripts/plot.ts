/**
 * `deno task plot --run runs/NAME [--out DIR] [--scale 2] [--lang en|zh]`: the figures of a run
 * (`figures/loss`, `figures/accuracy` and `figures/gates`), each as SVG and PNG, and the one-page `report.html`, written into the run folder (or DIR);
 * `--lang zh` writes the figures' words in Chinese.
 */
import { runMain } from "../lib/cli.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { type GatesPanelSource, plotRun } from "../lib/plot/mod.ts";
import { PLOT_LANGS } from "../lib/plot/labels.ts";
import { checkpointPanels } from "../lib/plot/checkpoint_panels.ts";

/** The declaration of `deno task plot`. */
const PLOT = {
  name: "deno task plot",
  flags: declareFlags({
    run: { type: "path", required: true, arg: "runs/NAME", help: "the run folder" },
    out: { type: "path", arg: "DIR", help: "the output folder (default: the run folder)" },
    scale: { type: "float", default: 2, min: 0.25, max: 8, help: "PNG pixels per SVG unit" },
    lang: {
      type: "choice",
      choices: PLOT_LANGS,
      default: "en",
      help: "the language of the figures' words",
    },
  }),
} as const;

/** The `gates` figure traces each (cell, length)'s best checkpoint on one test sequence. */
const GATES_PANELS: GatesPanelSource = checkpointPanels;

await runMain(PLOT, async ({ flags }) => {
  const { run, scale, lang } = flags;
  const outDir = flags.out ?? run;
  await plotRun(run, { outDir, scale, lang, gatesPanels: GATES_PANELS, log: console.log });
});
