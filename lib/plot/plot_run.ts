/**
 * Everything `deno task plot --run runs/NAME` does: read the run, render each figure to
 * `runs/NAME/figures/<name>.svg` and `.png`, and write `runs/NAME/report.html` (a generated
 * task's run: `figures/task` and, in the report, its `tasks.csv`).
 * @module
 */

import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../io/atomic.ts";
import { accuracySpec } from "./accuracy_spec.ts";
import type { GatesPanelSource } from "./gates_panel.ts";
import { gatesSpec } from "./gates_spec.ts";
import { taskSpec } from "./task_spec.ts";
import { lossData, lossSpec } from "./loss_spec.ts";
import { fill, type PlotLang } from "./labels.ts";
import { loadCjkFont, loadFont, renderFigure } from "./render.ts";
import { type ReportFigure, reportHtml } from "./report.ts";
import { readTasksCsv } from "./task_table.ts";
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
  /**
   * The figures' language (default `en`): `zh` writes their titles, axes, legends and the
   * report's figure titles and captions in Chinese, drawn with the committed CJK subset too.
   */
  lang?: PlotLang;
}

/** The figures' fonts in Chinese: DejaVu Sans, then the CJK subset for what it lacks. */
const ZH_FONT = "DejaVu Sans, Noto Sans CJK SC, sans-serif";

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

function lossCaption(run: RunData, lang: PlotLang): string {
  const data = lossData(run);
  const seeds = data.seedCount > 1 ? fill(lang, "loss.captionSeed", { seed: data.seed }) : "";
  return fill(lang, "loss.caption", { window: data.window, seeds });
}

/** `spec` drawn in `lang`'s fonts. */
function inFont(spec: TopLevelSpec, lang: PlotLang): TopLevelSpec {
  if (lang === "en") return spec;
  const { config } = spec as { config?: Record<string, unknown> };
  return { ...spec, config: { ...config, font: ZH_FONT } } as TopLevelSpec;
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
  const lang = options.lang ?? "en";
  const run = await readRun(dir);
  // a generated task's run: its results are tasks.csv's test losses, not summary.csv's accuracies
  const tasks = run.config.task ? await readTasksCsv(run.dir) : undefined;
  const notes: string[] = [];
  const plans: FigurePlan[] = [];
  if (run.config.task) {
    // a generated task's run: its dev loss against the baseline; the digit sum's figures do not apply
    plans.push({
      name: "task",
      title: fill(lang, "task.report"),
      caption: fill(lang, "task.caption"),
      spec: taskSpec(run, lang),
    });
    notes.push(
      `loss, accuracy, gates: skipped — a run of the ${run.config.task} task (see figures/task).`,
    );
  } else if (run.jobs.some((job) => job.metrics.length > 0)) {
    plans.push({
      name: "loss",
      title: fill(lang, "loss.report"),
      caption: lossCaption(run, lang),
      spec: lossSpec(run, {}, lang),
    });
  } else {
    notes.push("loss: skipped — no job has training metrics (an imported model).");
  }
  if (!run.config.task) {
    plans.push({
      name: "accuracy",
      title: fill(lang, "accuracy.report"),
      caption: fill(lang, "accuracy.caption"),
      spec: accuracySpec(run.summary, lang),
    });
  }
  // a task's run has no gates figure: its panels trace a digit-sum test sequence
  if (options.gatesPanels && !run.config.task) {
    const panels = await options.gatesPanels(run);
    if (panels.length > 0) {
      plans.push({
        name: "gates",
        title: fill(lang, "gates.report"),
        caption: fill(lang, "gates.caption"),
        spec: gatesSpec(panels, lang),
      });
    } else {
      notes.push("gates: skipped — the panel source returned no panels.");
    }
  } else if (!run.config.task) {
    notes.push("gates: skipped — no panel source (`gatesPanels`) is given.");
  }
  const outDir = options.outDir ?? run.dir;
  const files: string[] = [];
  const figures: ReportFigure[] = [];
  for (const plan of plans) {
    const figure = await renderFigure(inFont(plan.spec, lang), {
      scale: options.scale ?? 2,
      ...(lang === "en" ? {} : { fonts: [await loadFont(), await loadCjkFont()] }),
    });
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
  await writeFileAtomic(reportPath, reportHtml({ run, figures, notes, tasks }));
  files.push(reportPath);
  log(`wrote ${reportPath}`);
  for (const note of notes) log(`note: ${note}`);
  return { files, notes, figures: plans.map((p) => p.name) };
}
