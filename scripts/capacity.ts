/**
 * `deno task capacity`: the memory-capacity study — how long a sequence can each cell remember?
 * Generates any missing data with the book's generator, trains every (cell, length, seed) job
 * with early stopping across Web Workers (resumable), and writes `capacity.csv`, the `capacity`
 * figure and `capacity.md` (each cell's memory and overall capacity, and its accuracies per
 * length). `--study default|chrono|extended` picks a named grid (`CAPACITY_STUDIES`: its cells,
 * lengths, seeds, gate-bias initialisation and run folder); explicit flags override it.
 *
 * Each job uses the preset's options (default `capacity`: the recommended options with lr 0.003,
 * at most 300 epochs, and early stopping as soon as dev accuracy reaches 1.0, or after
 * `--patience 20` evaluations without a strictly better dev accuracy — 2000 steps at an
 * evaluation every 100 — once `--min-epochs 150` are done); `--patience 0` trains every epoch.
 * Missing data: a book length (5, 10, …, 35) gets the book's own files, any other length L
 * `generateBookDatasets({ lengths: [L] })`, as `deno task gen-data --lengths L` writes it.
 */
import { join } from "node:path";
import {
  choiceFlag,
  choiceListFlag,
  intFlag,
  intListFlag,
  parseFlags,
  pathFlag,
  runMain,
} from "../lib/cli.ts";
import { ensureBookData } from "../lib/data/book_files.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { CELL_KINDS } from "../lib/model/config.ts";
import { capacitySpec } from "../lib/plot/capacity_spec.ts";
import { renderFigure } from "../lib/plot/render.ts";
import {
  CAPACITY_DEFAULTS,
  CAPACITY_STUDIES,
  capacityCsv,
  capacityMarkdown,
  type CapacityStudyName,
} from "../lib/train/capacity.ts";
import { jobConfigs, PRESETS } from "../lib/train/config.ts";
import type { JobData } from "../lib/train/job.ts";
import { checkRunFolder, readJobData } from "../lib/train/run_dir.ts";
import { sortRows } from "../lib/train/summary.ts";
import { trainRun } from "../lib/train/train_jobs.ts";
import {
  cellOptionsOf,
  INIT_FLAG_SPECS,
  INIT_FLAG_USAGE,
  initFlagOptions,
} from "../lib/train/init_flags.ts";

const D = CAPACITY_DEFAULTS;
const STUDIES = Object.keys(CAPACITY_STUDIES) as CapacityStudyName[];
const USAGE = `deno task capacity [--study ${STUDIES.join("|")}] ` +
  `[--cells ${D.cells.join(",")}] [--lengths ${D.lengths.join(",")}] ` +
  `[--seeds ${D.seeds.join(",")}] [--preset capacity|recommended|book|blog] [--epochs 300] ` +
  `[--patience 20] [--min-epochs 150] ${INIT_FLAG_USAGE} [--data datasets] [--out runs/capacity] ` +
  `[--workers N] [--resume]`;

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, {
    study: { type: "string" },
    cells: { type: "string" },
    lengths: { type: "string" },
    seeds: { type: "string" },
    preset: { type: "string" },
    epochs: { type: "string" },
    patience: { type: "string" },
    "min-epochs": { type: "string" },
    data: { type: "string" },
    out: { type: "string" },
    workers: { type: "string" },
    resume: { type: "boolean" },
    ...INIT_FLAG_SPECS,
  });
  const presetName = choiceFlag(
    flags,
    "preset",
    Object.keys(PRESETS) as (keyof typeof PRESETS)[],
    "capacity",
  );
  const preset = PRESETS[presetName];
  const study = CAPACITY_STUDIES[choiceFlag(flags, "study", STUDIES, "default")];
  const initFlags = flags["gate-init"] === undefined && study.gateInit === "chrono"
    ? { ...flags, "gate-init": "chrono" }
    : flags;
  const options = {
    ...preset,
    epochs: intFlag(flags, "epochs", preset.epochs, 1, 1_000_000),
    patience: intFlag(flags, "patience", preset.patience, 0),
    minEpochs: intFlag(flags, "min-epochs", preset.minEpochs, 0),
    ...initFlagOptions(initFlags),
  };
  const cells = choiceListFlag(flags, "cells", CELL_KINDS, study.cells);
  const lengths = intListFlag(flags, "lengths", study.lengths, 3, 100_000);
  const seeds = intListFlag(flags, "seeds", study.seeds, 0, 0xffffffff);
  const dataDir = pathFlag(flags, "data", "datasets");
  const out = pathFlag(flags, "out", study.out);
  const workers = intFlag(flags, "workers", navigator.hardwareConcurrency, 1, 256);
  const resume = flags.resume === true;

  // Check the run folder before writing anything (data included).
  const runConfig = JSON.stringify(
    { study: "capacity", preset: presetName, ...options, cells, lengths, seeds, data: dataDir },
    null,
    2,
  ) + "\n";
  await checkRunFolder(out, runConfig, resume);

  await ensureBookData(dataDir, lengths, ({ length, written }) =>
    console.log(
      `generated ${
        join(dataDir, String(length))
      }/ (${written.length} files) with the book's generator`,
    ));
  // Read every data set first: a bad file stops the run before training starts.
  const data = new Map<number, JobData>();
  for (const length of lengths) data.set(length, await readJobData(dataDir, length));
  await writeFileAtomic(join(out, "config.json"), runConfig);

  const stopping = options.patience > 0
    ? `early stopping: patience ${options.patience} evaluations = ` +
      `${options.patience * options.evalSteps} steps after epoch ${options.minEpochs} ` +
      `once above chance, or dev accuracy 1.0`
    : "early stopping off";
  const configs = jobConfigs(cells, lengths, seeds, options, cellOptionsOf(flags));
  const { finished, interrupted } = await trainRun(
    configs,
    data,
    out,
    { workers, resume },
    stopping,
  );
  if (interrupted) return 130;

  const rows = sortRows(finished);
  const csvPath = join(out, "capacity.csv");
  await writeFileAtomic(csvPath, capacityCsv(rows));
  const figure = await renderFigure(capacitySpec(rows));
  for (const w of figure.warnings) console.error(`note: capacity figure: ${w}`);
  const figureBase = join(out, "figures", "capacity");
  await writeFileAtomic(`${figureBase}.svg`, figure.svg);
  await writeFileAtomic(`${figureBase}.png`, figure.png);
  const trainedMin = rows.reduce((s, r) => s + r.wall_s, 0) / 60;
  const chrono = options.gateInit === "chrono"
    ? `, chrono gate biases for the LSTM and GRU (T_max ${options.chronoTmax ?? "= the length"})`
    : "";
  const settings =
    `Preset \`${presetName}\`${chrono}, at most ${options.epochs} epochs, early stopping ` +
    (options.patience > 0
      ? `after ${options.patience} evaluations (${
        options.patience * options.evalSteps
      } steps) without a better dev accuracy once ${options.minEpochs} epochs are done and dev ` +
        `accuracy has beaten answering the most common label (chance), or at dev accuracy 1.0`
      : "off") +
    `; seeds ${seeds.join(", ")}; ${rows.length} job(s), ${
      trainedMin.toFixed(1)
    } min of training summed over jobs.`;
  const markdown = capacityMarkdown(rows, { settings });
  await writeFileAtomic(join(out, "capacity.md"), markdown);
  console.log(markdown);
  console.log(`wrote ${csvPath}, ${join(out, "capacity.md")} and ${figureBase}.svg/.png`);
  const diverged = finished.filter((r) => r.status === "diverged");
  for (const r of diverged) console.error(`error: ${r.message}`);
  return diverged.length > 0 ? 1 : 0;
});
