/**
 * The one-page report of a run (`runs/NAME/report.html`): configuration, results table and every
 * figure, as ONE self-contained file — inline CSS and inline SVG, no scripts, no network. A run of
 * a generated task (`train --task adding|copy`) shows its `tasks.csv` — test loss, baseline, ratio
 * and score — where a digit-sum run shows its accuracies.
 * @module
 */

import { escapeHtml, htmlTable, inlineSvg } from "./html.ts";
import { formatMeanStd, resultRows } from "./results_table.ts";
import type { RunConfig } from "../run/config.ts";
import { hasMemorySplit } from "../run/migrate.ts";
import type { RunData } from "../run/read.ts";
import { ADDING_TOLERANCE } from "../tasks/task.ts";
import { TASK_TEST_EXAMPLES } from "../train/task_job.ts";
import { taskResultRows, type TaskRow } from "./task_table.ts";
import { CELL_LABELS } from "./theme.ts";

/** A figure of the report. */
export interface ReportFigure {
  /** The file stem under `figures/` (`loss`), also the id prefix of its inlined SVG. */
  name: string;
  /** The section heading. */
  title: string;
  /** What to look at, shown under the heading. */
  caption: string;
  /** The SVG document, inlined. */
  svg: string;
}

/** What goes into the report. */
export interface ReportOptions {
  run: RunData;
  figures: readonly ReportFigure[];
  /** Remarks shown above the figures (e.g. a figure that was skipped, and why). */
  notes?: readonly string[];
  /**
   * A generated task's run (its config names a `task`): the rows of its `tasks.csv`
   * (`readTasksCsv`), the results shown instead of the digit sum's accuracies.
   */
  tasks?: readonly TaskRow[];
}

const CSS = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 32px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 18px 0 6px; }
h4 { font-size: 0.9em; margin: 10px 0 2px; font-weight: 600; }
p.lead { color: #555; margin: 0 0 12px; }
p.caption { color: #444; margin: 4px 0 10px; max-width: 70em; }
nav a { margin-right: 14px; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 4px 9px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
pre { background: #f6f8fa; padding: 8px 10px; overflow-x: auto; margin: 6px 0; }
details { margin: 6px 0; }
summary { cursor: pointer; color: #1f4e8c; }
.figure { overflow-x: auto; }
.figure svg { max-width: 100%; height: auto; display: block; }
.notes { background: #fff8e1; border-left: 4px solid #f9a825; padding: 6px 12px; }
.files { font-size: 0.85em; color: #666; }
`;

function jsonValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function configTable(config: RunConfig): string {
  const keys = Object.keys(config) as (keyof RunConfig)[];
  if (keys.length === 0) return "<p>(empty)</p>";
  return htmlTable(
    ["setting", "value"],
    keys.map((k) => [k, { html: `<code>${escapeHtml(jsonValue(config[k]))}</code>` }]),
  );
}

/** What the memory and adjacent columns count, and what a `—` there means. */
function splitCaption(run: RunData): string {
  const legacy = !run.summary.every(hasMemorySplit);
  return "Memory: the test examples whose noise digit is at position ≥ 4, or absent; " +
    "adjacent: those with the noise digit at position 2 or 3, right after the two digits. " +
    "First learning step: the first evaluation with dev accuracy ≥ 0.3 (three times chance)." +
    (legacy
      ? " —: the job was trained before training split the test accuracy " +
        "(deno task eval --run recomputes the split from the checkpoints into results.csv)."
      : "");
}

/** `0.950 (80)`, or `—` when the job has no memory split (an older run). */
function splitCell(acc: number | undefined, n: number | undefined): string {
  return typeof acc === "number" && Number.isFinite(acc) ? `${acc.toFixed(3)} (${n})` : "—";
}

function resultsSection(run: RunData): string {
  const rows = resultRows(run.summary);
  const severalSeeds = rows.some((r) => r.seeds.length > 1);
  const parts = ['<h2 id="results">Results</h2>'];
  if (severalSeeds) {
    parts.push(
      '<p class="caption">Mean ± sample standard deviation over seeds; the test accuracy is that of each job\'s best-on-dev checkpoint. ' +
        `${escapeHtml(splitCaption(run))}</p>`,
      htmlTable(
        [
          "cell",
          "length",
          "seeds",
          "best dev acc",
          "test acc",
          "memory acc",
          "adjacent acc",
          "test min – max",
          "best step",
          "wall s",
        ],
        rows.map((r) => [
          CELL_LABELS[r.cell],
          r.length,
          r.seeds.join(", "),
          formatMeanStd(r.best_dev_acc),
          formatMeanStd(r.test_acc),
          formatMeanStd(r.test_acc_memory),
          formatMeanStd(r.test_acc_adjacent),
          `${r.test_acc.min.toFixed(2)} – ${r.test_acc.max.toFixed(2)}`,
          Math.round(r.best_step.mean),
          r.wall_s.mean.toFixed(1),
        ]),
      ),
    );
  }
  const jobTable = htmlTable(
    [
      "cell",
      "length",
      "seed",
      "best dev acc",
      "best step",
      "test acc",
      "memory acc (n)",
      "adjacent acc (n)",
      "first learning step",
      "steps",
      "wall s",
    ],
    run.summary.map((r) => [
      CELL_LABELS[r.cell],
      r.length,
      r.seed,
      r.best_dev_acc.toFixed(3),
      r.best_step,
      r.test_acc.toFixed(3),
      splitCell(r.test_acc_memory, r.n_memory),
      splitCell(r.test_acc_adjacent, r.n_adjacent),
      Number.isFinite(r.first_learning_step)
        ? r.first_learning_step
        : hasMemorySplit(r)
        ? "never"
        : "—",
      r.steps,
      r.wall_s.toFixed(1),
    ]),
  );
  parts.push(
    severalSeeds
      ? `<details><summary>Every job (${run.summary.length})</summary>\n${jobTable}\n</details>`
      : `<p class="caption">The test accuracy is that of the best-on-dev checkpoint. ${
        escapeHtml(splitCaption(run))
      }</p>\n` +
        jobTable,
  );
  return parts.join("\n");
}

/** What each generated task is, what its baseline and its score are: the report's words. */
const TASK_TEXT: Readonly<Record<string, { lead: string; baseline: string; score: string }>> = {
  adding: {
    lead: "The adding problem: T steps of a value and a marker; the answer, read once after the " +
      "last step, is the sum of the two marked values (MSE loss).",
    baseline: "MSE 1/6, always answering 1",
    score: `share of answers within ${ADDING_TOLERANCE} of the sum`,
  },
  copy: {
    lead: "The copy task: 10 symbols to write out after a delay of T steps, T + 20 steps in all " +
      "(cross-entropy at every step).",
    baseline: "10 · ln 8 / (T + 20) nats a step: blanks, then a guess among the 8 symbols",
    score: "share of the 10 symbols written out right",
  },
};

/** A value of tasks.csv as written there (7 significant digits), `—` for an empty field. */
function taskValue(x: number): string {
  return Number.isFinite(x) ? String(x) : "—";
}

/** `mean ± std` to 4 significant digits (just the value for one seed), `—` for NaN. */
function significant(mean: number, std: number, n: number): string {
  if (!Number.isFinite(mean)) return "—";
  const p = (x: number) => String(Number(x.toPrecision(4)));
  return n > 1 ? `${p(mean)} ± ${p(std)}` : p(mean);
}

function taskResultsSection(task: string, rows: readonly TaskRow[]): string {
  const text = TASK_TEXT[task];
  const groups = taskResultRows(rows);
  const severalSeeds = groups.some((g) => g.seeds.length > 1);
  const caption = "From tasks.csv: each job's best checkpoint (the lowest dev loss) on the " +
    `task's fixed test set of ${TASK_TEST_EXAMPLES} sequences at its T. Baseline: the loss of a ` +
    `network that remembers nothing${text ? ` (${text.baseline})` : ""}; ratio: test loss over ` +
    `the baseline, below 1 the network remembers. Score: the ${text?.score ?? "task's score"}.`;
  const parts = ['<h2 id="results">Results</h2>'];
  if (severalSeeds) {
    parts.push(
      `<p class="caption">Mean ± sample standard deviation over seeds; the ratio is the mean's. ${
        escapeHtml(caption)
      }</p>`,
      htmlTable(
        ["cell", "T", "seeds", "test loss", "baseline", "ratio", "score"],
        groups.map((g) => [
          CELL_LABELS[g.cell],
          g.length,
          g.seeds.join(", "),
          significant(g.test_loss.mean, g.test_loss.std, g.test_loss.n),
          taskValue(g.baseline),
          significant(g.test_loss.mean / g.baseline, 0, 1),
          Number.isFinite(g.test_score.mean) ? formatMeanStd(g.test_score) : "—",
        ]),
      ),
    );
  }
  const jobTable = htmlTable(
    [
      "cell",
      "T",
      "seed",
      "best step",
      "best dev loss",
      "test loss",
      "baseline",
      "ratio",
      "score",
      "steps",
      "wall s",
      "status",
    ],
    rows.map((r) => [
      CELL_LABELS[r.cell],
      r.length,
      r.seed,
      r.best_step,
      taskValue(r.best_dev_loss),
      taskValue(r.test_loss),
      taskValue(r.baseline),
      taskValue(r.ratio),
      taskValue(r.test_score),
      r.steps,
      r.wall_s.toFixed(1),
      r.status,
    ]),
  );
  parts.push(
    severalSeeds
      ? `<details><summary>Every job (${rows.length})</summary>\n${jobTable}\n</details>`
      : `<p class="caption">${escapeHtml(caption)}</p>\n${jobTable}`,
  );
  return parts.join("\n");
}

function configSection(run: RunData): string {
  const parts = ['<h2 id="config">Configuration</h2>', "<h3>Run (config.json)</h3>"];
  parts.push(configTable(run.config));
  // Keys whose value differs between jobs, or from the run's configuration.
  const fields = (config: object) => config as Record<string, unknown>;
  const first = fields(run.jobs[0]!.config);
  const varying = [...new Set(run.jobs.flatMap((j) => Object.keys(j.config)))].filter((key) =>
    run.jobs.some((j) => jsonValue(fields(j.config)[key]) !== jsonValue(first[key])) ||
    (key in run.config && jsonValue(first[key]) !== jsonValue(fields(run.config)[key]))
  );
  parts.push(`<h3>Jobs (&lt;job&gt;/config.json)</h3>`);
  if (varying.length > 0) {
    parts.push(
      '<p class="caption">The settings that differ between jobs or from the run\'s configuration:</p>',
      htmlTable(
        ["job", ...varying],
        run.jobs.map((j) => [
          { html: `<code>${escapeHtml(j.name)}</code>` },
          ...varying.map((k) => (k in j.config ? jsonValue(fields(j.config)[k]) : "—")),
        ]),
      ),
    );
  } else {
    parts.push('<p class="caption">Every job has the same configuration.</p>');
  }
  parts.push(
    `<details><summary>Every job's config.json (${run.jobs.length})</summary>`,
    ...run.jobs.map((job) =>
      `<h4>${escapeHtml(job.name)}/config.json</h4><pre>${
        escapeHtml(JSON.stringify(job.config, null, 2))
      }</pre>`
    ),
    "</details>",
  );
  return parts.join("\n");
}

/** Show an SVG `factor` times its natural size, but never wider than the page. */
function enlarge(svg: string, factor: number): string {
  const width = Number(/<svg[^>]*?\swidth="([\d.]+)"/.exec(svg)?.[1]);
  if (!Number.isFinite(width)) return svg;
  return svg.replace("<svg", `<svg style="width: min(100%, ${Math.round(width * factor)}px)"`);
}

function figureSection(figure: ReportFigure): string {
  const id = `fig-${figure.name}`;
  return [
    `<section id="${escapeHtml(id)}">`,
    `<h2>${escapeHtml(figure.title)}</h2>`,
    `<p class="caption">${escapeHtml(figure.caption)}</p>`,
    `<div class="figure">${enlarge(inlineSvg(figure.svg, id), 1.35)}</div>`,
    `<p class="files">Files: <a href="figures/${escapeHtml(figure.name)}.svg">figures/${
      escapeHtml(figure.name)
    }.svg</a>, <a href="figures/${escapeHtml(figure.name)}.png">figures/${
      escapeHtml(figure.name)
    }.png</a></p>`,
    "</section>",
  ].join("\n");
}

/**
 * The report page of a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRun } from "../run/read.ts";
 * import { reportHtml } from "./report.ts";
 * const run = await readRun("tests/fixtures/run_small");
 * const html = reportHtml({ run, figures: [] });
 * assert.ok(html.startsWith("<!DOCTYPE html>"));
 * assert.ok(html.includes("run_small"));
 * ```
 */
export function reportHtml(options: ReportOptions): string {
  const { run, figures } = options;
  const task = run.config.task;
  const cells = [...new Set(run.summary.map((r) => CELL_LABELS[r.cell]))].join(", ");
  const lengths = [...new Set(run.summary.map((r) => r.length))].join(", ");
  const seeds = [...new Set(run.summary.map((r) => r.seed))].join(", ");
  const wall = run.summary.reduce((a, r) => a + r.wall_s, 0);
  const nav = [
    '<a href="#results">Results</a>',
    ...figures.map((f) => `<a href="#fig-${escapeHtml(f.name)}">${escapeHtml(f.title)}</a>`),
    '<a href="#config">Configuration</a>',
  ].join("\n");
  const notes = options.notes?.length
    ? `<div class="notes"><ul>${
      options.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")
    }</ul></div>`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(run.name)} — lstm-lab run report</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>Run ${escapeHtml(run.name)}</h1>
<p class="lead">${
    escapeHtml(task ? TASK_TEXT[task]?.lead ?? `The ${task} task.` : "Digit-sum memory task.")
  } Cells: ${escapeHtml(cells)} · ${task ? "T" : "lengths"}: ${escapeHtml(lengths)} · seeds: ${
    escapeHtml(seeds)
  } · ${run.summary.length} ${
    run.summary.length === 1 ? "job, whose wall time is" : "jobs, whose wall times add up to"
  } ${wall.toFixed(1)} s.</p>
<nav>${nav}</nav>
${notes}
${task ? taskResultsSection(task, options.tasks ?? []) : resultsSection(run)}
${figures.map(figureSection).join("\n")}
${configSection(run)}
</main>
</body>
</html>
`;
}
