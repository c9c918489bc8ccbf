/**
 * Everything `deno task plot --run runs/NAME` does: read the run, render each figure to
 * `runs/NAME/figures/<name>.svg` and `.png`, and write `runs/NAME/report.html`.
 * @module
 */

import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../io/atomic.ts";
import { accuracySpec } from "./accuracy_spec.ts";
import type { GatesPanelSource } from "./gates_panel.ts";
import { gatesSpec } from "./gates_spec.ts";
import { lossData, lossSpec } from "./loss_spec.ts";
import { renderFigure } from "./render.ts";
import { type ReportFigure, reportHtml } from "./report.ts";
import { readRun, type RunData } from "../run/read.ts";

/** Options of {@linkcode plotRun}. */
export interface PlotRunOptions {
  /** Produces the `gates` figure's panels; without it the figure is skipped with a note. */
  gatesPanels?: GatesPanelSource;
  /** Where `figures/` and `report.html` go (default: the run folder itself). */
  outDir?: string;
  /** PNG pixels per SVG unit (default 2). */
  scale?: number;
  /** Receives one line per file written and per note (default: nothing). */
  log?: (line: string) => void;
}

/** What {@linkcode plotRun} wrote. */
export interface PlotRunResult {
  /** The files written, in order (paths joined onto the output folder). */
  files: string[];
  /** Remarks: skipped figures and renderer warnings. */
  notes: string[];
  /** The figures rendered, by name. */
  figures: string[];
}

interface FigurePlan {
  name: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

function lossCaption(run: RunData): string {
  const data = lossData(run);
  const seeds = data.seedCount > 1 ? ` Seed ${data.seed} of each (cell, length) is shown.` : "";
  return "Training loss at every step (light), its moving average over " +
    `${data.window} steps (dark blue), and the dev loss at each evaluation (orange), ` +
    `one panel per cell and length, on a log scale.${seeds}`;
}

/**
 * Plot a run folder: figures (SVG and PNG) under `figures/`, then `report.html` (in the run
 * folder, or in `options.outDir`).
 * Bad or missing run files are {@linkcode UserError}s of one line (see `readRun`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotRun } from "./plot_run.ts";
 * const outDir = await Deno.makeTempDir();
 * const result = await plotRun("tests/fixtures/run_small", { outDir, scale: 1 });
 * assert.deepEqual(result.figures, ["loss", "accuracy"]);
 * assert.equal(result.files.length, 5);
 * ```
 */
export async function plotRun(dir: string, options: PlotRunOptions = {}): Promise<PlotRunResult> {
  const log = options.log ?? (() => {});
  const run = await readRun(dir);
  const notes: string[] = [];
  const plans: FigurePlan[] = [];
  if (run.jobs.some((job) => job.metrics.length > 0)) {
    plans.push({
      name: "loss",
      title: "Loss curves",
      caption: lossCaption(run),
      spec: lossSpec(run),
    });
  } else {
    notes.push("loss: skipped — no job has training metrics (an imported model).");
  }
  plans.push(
    {
      name: "accuracy",
      title: "Accuracy against sequence length",
      caption: "Dev accuracy of the best checkpoint (dashed) and its test accuracy (solid) " +
        "against the sequence length, one colour per cell; with several seeds, the mean and a " +
        "band from the lowest to the highest seed (the book's Fig. 6.12).",
      spec: accuracySpec(run.summary),
    },
  );
  if (options.gatesPanels) {
    const panels = await options.gatesPanels(run);
    if (panels.length > 0) {
      plans.push({
        name: "gates",
        title: "Gate dynamics",
        caption: "For one test sequence per length: gate activations (mean over hidden units) " +
          "and the state norm at each time step. The network should open its input (LSTM) or " +
          "close its update gate (GRU) on the two digits and keep the state through the noise.",
        spec: gatesSpec(panels),
      });
    } else {
      notes.push("gates: skipped — the panel source returned no panels.");
    }
  } else {
    notes.push("gates: skipped — no panel source (`gatesPanels`) is given.");
  }
  const outDir = options.outDir ?? run.dir;
  const files: string[] = [];
  const figures: ReportFigure[] = [];
  for (const plan of plans) {
    const figure = await renderFigure(plan.spec, { scale: options.scale ?? 2 });
    for (const warning of figure.warnings) notes.push(`${plan.name}: renderer warning: ${warning}`);
    for (const [ext, data] of [["svg", figure.svg], ["png", figure.png]] as const) {
      const path = join(outDir, "figures", `${plan.name}.${ext}`);
      await writeFileAtomic(path, data);
      files.push(path);
      log(`wrote ${path}`);
    }
    figures.push({ name: plan.name, title: plan.title, caption: plan.caption, svg: figure.svg });
  }
  const reportPath = join(outDir, "report.html");
  await writeFileAtomic(reportPath, reportHtml({ run, figures, notes }));
  files.push(reportPath);
  log(`wrote ${reportPath}`);
  for (const note of notes) log(`note: ${note}`);
  return { files, notes, figures: plans.map((p) => p.name) };
}
