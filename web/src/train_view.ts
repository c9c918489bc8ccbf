/// <reference lib="dom" />
/**
 * The Train view: the options of `deno task train`, one job trained in a Web Worker by lib/train's
 * own loop, live curves, progress with ETA, and pause / resume / stop.
 *
 * Pause stops the worker and keeps the job's folder (held here, in memory) as the last evaluation
 * left it; resume starts a worker on that folder with `resume`, exactly as `deno task train
 * --resume` continues a killed job, so the bytes at the end are the same.
 * @module
 */

import {
  cellOptionsOf,
  OPTION_FLAGS,
  type OptionFlag,
  TRAIN,
  trainOptions,
  type TrainPresetName,
} from "../../lib/flags/train.ts";
import type { JobConfig, JobOptions } from "../../lib/run/config.ts";
import { jobName } from "../../lib/run/job_name.ts";
import { type MetricsRow, parseMetrics, parseMetricsLine } from "../../lib/run/metrics.ts";
import type { JobResult } from "../../lib/run/result.ts";
import { jobConfigs, PRESETS } from "../../lib/train/config.ts";
import type { JobProgress } from "../../lib/train/job.ts";
import { movingAverage } from "../../lib/plot/stats.ts";
import { lineChart } from "./charts.ts";
import { download } from "./current_model.ts";
import { say } from "./localize.ts";
import { type Key, t } from "./strings.ts";
import type { TrainRequest, WorkerMessage } from "./protocol.ts";

/** The presets the page offers: those of `deno task train --preset`. */
const PRESET_NAMES = TRAIN.flags.preset.choices;

/**
 * The form's option fields: the `deno task train` flag each sets (its bounds, and the preset
 * option it overrides, come from the flag's declaration) and its URL-hash key; its input's id is
 * `opt-<hash key>`.
 */
const FIELDS: readonly (readonly [OptionFlag, string])[] = [
  ["epochs", "epochs"],
  ["lr", "lr"],
  ["batch-size", "batch"],
  ["hidden", "hidden"],
  ["forget-bias", "forget-bias"],
  ["input-dropout", "input-dropout"],
  ["clip", "clip"],
  ["eval-steps", "eval-steps"],
];

/** The page trains in the browser: it caps the length below the command line's bound. */
const MAX_PAGE_LENGTH = 200;

/** Set an input's bounds and step from a number flag's declaration. */
function setBounds(
  el: HTMLInputElement,
  flag: { type: string; min?: number; max?: number },
  max = flag.max,
): void {
  if (flag.min !== undefined) el.min = String(flag.min);
  if (max !== undefined && max !== Infinity) el.max = String(max);
  el.step = flag.type === "float" ? "any" : "1";
}

/**
 * Fill a select with a choice flag's words; `label` gives each word's text, or its key in the
 * page's strings table (the text then follows the page's language).
 */
function setChoices(
  select: HTMLSelectElement,
  choices: readonly string[],
  label: (word: string) => { text: string } | { key: Key },
): void {
  select.replaceChildren(...choices.map((word) => {
    const shown = label(word);
    const option = new Option("text" in shown ? shown.text : t(shown.key), word);
    if ("key" in shown) option.dataset.i18n = shown.key;
    return option;
  }));
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);

/** What the view reports to the page. */
export interface TrainViewHooks {
  /** The options changed (write the URL hash). */
  onChange: () => void;
  /** The job ended, paused or stopped with a best checkpoint (the bytes of best.safetensors). */
  onBest: (bytes: Uint8Array) => void;
  /** Show the best model in the Probe view. */
  onProbe: () => void;
}

/** The Train view's state; `files` mirrors the job's folder. */
export class TrainView {
  /** The job's folder: file name → bytes (metrics.csv, best.safetensors, last.safetensors, …). */
  files = new Map<string, Uint8Array>();
  /** The config of the job in `files`. */
  config: JobConfig | null = null;
  /** How the job ended, once it has. */
  result: JobResult | null = null;
  /** `idle`, `running`, `paused`, `stopped`, `done` or `error`. */
  state: "idle" | "running" | "paused" | "stopped" | "done" | "error" = "idle";
  private worker: Worker | null = null;
  private rows: MetricsRow[] = [];
  private rendering = false;
  private chartsDirty = true;
  private chartsDrawn = 0;
  private session = { started: 0, step0: 0 };
  private progress: JobProgress | null = null;

  constructor(private hooks: TrainViewHooks) {
    setChoices($<HTMLSelectElement>("opt-preset"), PRESET_NAMES, (name) => ({
      key: `preset.${name}` as Key,
    }));
    setChoices($<HTMLSelectElement>("opt-cell"), TRAIN.flags.cells.choices, (cell) => ({
      text: cell.toUpperCase(),
    }));
    setBounds(input("opt-length"), TRAIN.flags.lengths, MAX_PAGE_LENGTH);
    setBounds(input("opt-seed"), TRAIN.flags.seeds);
    for (const [flag, hash] of FIELDS) setBounds(input(`opt-${hash}`), TRAIN.flags[flag]);
    $<HTMLSelectElement>("opt-preset").addEventListener("change", () => {
      this.fillPreset();
      this.changed();
    });
    $<HTMLSelectElement>("opt-cell").addEventListener("change", () => {
      // refill the options a cell may have its own settings of, keeping the others as edited
      const defaults = this.defaults();
      const ofCells = new Set(Object.values(cellOptionsOf({})).flatMap((o) => Object.keys(o)));
      for (const [flag, hash] of FIELDS) {
        const key = OPTION_FLAGS[flag];
        if (ofCells.has(key)) input(`opt-${hash}`).value = String(defaults[key]);
      }
      this.changed();
    });
    $("train-form").addEventListener("input", (event) => {
      if ((event.target as HTMLElement).id !== "opt-preset") this.changed();
    });
    $("train-form").addEventListener("submit", (event) => event.preventDefault());
    $("train-start").addEventListener("click", () => this.start());
    $("train-pause").addEventListener("click", () => this.pauseOrResume());
    $("train-stop").addEventListener("click", () => this.stop());
    $("dl-metrics").addEventListener("click", () => this.download("metrics.csv", "text/csv"));
    $("dl-best").addEventListener(
      "click",
      () => this.download("best.safetensors", "application/octet-stream"),
    );
    $("train-probe").addEventListener("click", () => this.hooks.onProbe());
    this.fillPreset();
    this.updateCommand();
    this.render();
  }

  /** Fill the fields with the selected preset's values. */
  fillPreset(): void {
    const defaults = this.defaults();
    for (const [flag, hash] of FIELDS) {
      input(`opt-${hash}`).value = String(defaults[OPTION_FLAGS[flag]]);
    }
    input("opt-shuffle").checked = defaults.shuffle;
  }

  /**
   * The options `deno task train` gives the selected cell without flags: the preset's, and a
   * cell's own settings on top (the IRNN's lr, clip and input dropout: `cellOptionsOf`).
   */
  private defaults(): JobOptions {
    const preset = PRESETS[this.preset()];
    const cell = $<HTMLSelectElement>("opt-cell").value as JobConfig["cell"];
    return { ...preset, ...cellOptionsOf({})[cell] };
  }

  private preset(): TrainPresetName {
    const value = $<HTMLSelectElement>("opt-preset").value;
    return (PRESET_NAMES as readonly string[]).includes(value)
      ? value as TrainPresetName
      : TRAIN.flags.preset.default;
  }

  /** The options as URL-hash entries. */
  hashEntries(): [string, string][] {
    const out: [string, string][] = [
      ["preset", this.preset()],
      ["cell", $<HTMLSelectElement>("opt-cell").value],
      ["length", input("opt-length").value],
      ["seed", input("opt-seed").value],
    ];
    for (const [, hash] of FIELDS) out.push([hash, input(`opt-${hash}`).value]);
    out.push(["shuffle", input("opt-shuffle").checked ? "1" : "0"]);
    return out;
  }

  /** Set the options from URL-hash entries (missing ones keep the preset's values). */
  restore(params: URLSearchParams): void {
    const preset = params.get("preset");
    if (preset && (PRESET_NAMES as readonly string[]).includes(preset)) {
      $<HTMLSelectElement>("opt-preset").value = preset;
    }
    const cell = params.get("cell");
    if (cell && (TRAIN.flags.cells.choices as readonly string[]).includes(cell)) {
      $<HTMLSelectElement>("opt-cell").value = cell;
    }
    this.fillPreset();
    for (const hash of ["length", "seed", ...FIELDS.map(([, hash]) => hash)]) {
      const value = params.get(hash);
      if (value !== null) input(`opt-${hash}`).value = value;
    }
    const shuffle = params.get("shuffle");
    if (shuffle !== null) input("opt-shuffle").checked = shuffle === "1";
    this.updateCommand();
  }

  private changed(): void {
    this.updateCommand();
    this.hooks.onChange();
  }

  /** The job config of the form, built as `deno task train` builds it; null when invalid. */
  formConfig(): JobConfig | null {
    const form = $<HTMLFormElement>("train-form");
    if (!form.checkValidity()) return null;
    const num = (id: string) => Number(input(id).value);
    const shuffle = input("opt-shuffle").checked;
    const flags: Record<string, unknown> = { shuffle, "no-shuffle": !shuffle };
    for (const [flag, hash] of FIELDS) flags[flag] = num(`opt-${hash}`);
    // the fields hold the cell's own settings already: no cellOptionsOf here
    const options = trainOptions(flags, PRESETS[this.preset()]);
    const cell = $<HTMLSelectElement>("opt-cell").value as JobConfig["cell"];
    return jobConfigs([cell], [num("opt-length")], [num("opt-seed")], options)[0]!;
  }

  /** The `deno task train` command of the form's options. */
  command(): string {
    const config = this.formConfig();
    if (!config) return t("train.fixOptions");
    const preset = this.defaults();
    const parts = [
      "deno task train",
      `--preset ${this.preset()}`,
      `--cells ${config.cell}`,
      `--lengths ${config.length}`,
      `--seeds ${config.seed}`,
    ];
    for (const [flag, hash] of FIELDS) {
      const value = Number(input(`opt-${hash}`).value);
      if (value !== preset[OPTION_FLAGS[flag]]) parts.push(`--${flag} ${value}`);
    }
    if (input("opt-shuffle").checked !== preset.shuffle) {
      parts.push(input("opt-shuffle").checked ? "--shuffle" : "--no-shuffle");
    }
    return parts.join(" ");
  }

  private updateCommand(): void {
    say($("cli-command"), () => this.command());
  }

  /** Start a new job from the form's options. */
  start(): void {
    const config = this.formConfig();
    if (!config) {
      $<HTMLFormElement>("train-form").reportValidity();
      this.setStatus(() => t("train.outOfRange"));
      return;
    }
    this.worker?.terminate();
    this.files = new Map();
    this.config = config;
    this.result = null;
    this.rows = [];
    this.chartsDirty = true;
    this.progress = null;
    this.launch(false);
  }

  private launch(resume: boolean): void {
    const config = this.config!;
    const worker = new Worker("worker.js", { type: "module" });
    this.worker = worker;
    this.state = "running";
    this.session = { started: performance.now(), step0: this.progress?.step ?? 0 };
    // a paused or stopped worker's last messages may still arrive: only the current one counts
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      if (this.worker === worker) this.onMessage(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (this.worker === worker) this.fail(event.message || t("train.workerFailed"));
    };
    const request: TrainRequest = { config, files: [...this.files], resume };
    worker.postMessage(request);
    this.setStatus(() => t(resume ? "train.resuming" : "train.training", { job: jobName(config) }));
    this.updateButtons();
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case "file":
        this.onFile(message.name, message.data, message.append);
        break;
      case "progress":
        this.progress = message.progress;
        this.scheduleRender();
        break;
      case "done":
        this.result = message.result;
        this.halt("done");
        this.offerBest();
        this.setStatus(() => describeResult(message.result));
        this.updateButtons();
        this.chartsDirty = true;
        this.scheduleRender();
        break;
      case "error":
        this.fail(message.message);
        break;
    }
  }

  private onFile(name: string, data: Uint8Array, append: boolean): void {
    if (append) {
      const old = this.files.get(name) ?? new Uint8Array(0);
      const bytes = new Uint8Array(old.length + data.length);
      bytes.set(old);
      bytes.set(data, old.length);
      this.files.set(name, bytes);
    } else {
      this.files.set(name, data);
    }
    if (name === "metrics.csv") {
      const text = new TextDecoder().decode(data);
      this.chartsDirty = true;
      if (append) {
        for (const line of text.split("\n")) {
          if (line !== "") this.rows.push(parseMetricsLine(line));
        }
      } else {
        this.rows = parseMetrics(text, name);
      }
      this.scheduleRender();
    }
    if (name === "best.safetensors") this.updateButtons();
  }

  private fail(message: string): void {
    this.halt("error");
    this.setStatus(() => t("train.error", { message }));
    this.updateButtons();
  }

  /** Pause a running job, or resume a paused one. */
  pauseOrResume(): void {
    if (this.state === "running") {
      this.halt("paused");
      this.offerBest();
      const at = this.lastSavedStep();
      this.setStatus(() => t("train.paused", { step: at }));
    } else if (this.state === "paused") {
      this.launch(true);
    }
    this.updateButtons();
  }

  /** Stop the job for good, keeping what it wrote (the best checkpoint so far). */
  stop(): void {
    if (this.state !== "running" && this.state !== "paused") return;
    this.halt("stopped");
    this.offerBest();
    const at = this.lastSavedStep();
    this.setStatus(() => t("train.stopped", { step: at }));
    this.updateButtons();
  }

  /** End the job's worker, if any, and enter `state`. */
  private halt(state: "done" | "error" | "paused" | "stopped"): void {
    this.worker?.terminate();
    this.worker = null;
    this.state = state;
  }

  /** Hand the best checkpoint so far to the page (the Probe view), once training rests. */
  private offerBest(): void {
    const best = this.files.get("best.safetensors");
    // in a task of its own: loading and probing the model is the page's longest piece of work
    if (best) setTimeout(() => this.hooks.onBest(best), 0);
  }

  private lastSavedStep(): number {
    return this.rows.length > 0 ? this.rows[this.rows.length - 1]!.step : 0;
  }

  /** The text of the job's metrics.csv so far. */
  metricsText(): string {
    return new TextDecoder().decode(this.files.get("metrics.csv") ?? new Uint8Array(0));
  }

  private download(name: string, type: string): void {
    const bytes = this.files.get(name);
    if (bytes) download(name, bytes, type);
  }

  private updateButtons(): void {
    const running = this.state === "running";
    $<HTMLButtonElement>("train-pause").disabled = !(running || this.state === "paused");
    const pauseKey = this.state === "paused" ? "train.resume" : "train.pause";
    say($("train-pause"), () => t(pauseKey));
    $<HTMLButtonElement>("train-stop").disabled = !(running || this.state === "paused");
    const hasBest = this.files.has("best.safetensors");
    $<HTMLButtonElement>("dl-metrics").disabled = !this.files.has("metrics.csv");
    $<HTMLButtonElement>("dl-best").disabled = !hasBest;
    $<HTMLButtonElement>("dl-onnx").disabled = !hasBest;
    $<HTMLButtonElement>("train-probe").disabled = !hasBest;
  }

  private setStatus(text: () => string): void {
    say($("train-status"), text);
  }

  private scheduleRender(): void {
    if (this.rendering) return;
    this.rendering = true;
    requestAnimationFrame(() => {
      this.rendering = false;
      this.renderProgress();
      if (!this.chartsDirty) return;
      // while training, the curves are redrawn at most every 250 ms: the page stays responsive
      const wait = this.chartsDrawn + 250 - performance.now();
      if (this.state === "running" && wait > 0) {
        setTimeout(() => this.scheduleRender(), wait);
      } else {
        this.renderCharts();
      }
    });
  }

  /** Redraw the progress, the curves and the evaluations table. */
  render(): void {
    this.renderProgress();
    this.renderCharts();
  }

  private renderProgress(): void {
    const p = this.progress;
    if (!p) return;
    const bar = $<HTMLProgressElement>("train-progress");
    bar.max = p.totalSteps;
    bar.value = p.step;
    if (this.state !== "running") return;
    const secs = (performance.now() - this.session.started) / 1000;
    const rate = (p.step - this.session.step0) / Math.max(secs, 1e-3);
    const eta = rate > 0 ? (p.totalSteps - p.step) / rate : NaN;
    this.setStatus(() =>
      t("train.step", {
        step: p.step,
        total: p.totalSteps,
        best: Number.isNaN(p.bestDevAcc) ? "" : t("train.bestSoFar", {
          acc: p.bestDevAcc.toFixed(3),
        }),
        rate: rate.toFixed(0),
        eta: formatSeconds(eta),
      })
    );
  }

  private renderCharts(): void {
    this.chartsDirty = false;
    this.chartsDrawn = performance.now();
    const rows = this.rows;
    const every = Math.max(1, Math.ceil(rows.length / 600));
    const raw: [number, number][] = [];
    const avg: [number, number][] = [];
    const evals: (MetricsRow & { movingAverage: number })[] = [];
    const averages = movingAverage(rows.map((r) => r.trainLoss), 50);
    rows.forEach((r, i) => {
      const movingAverage = averages[i]!;
      if (i % every === 0 || i === rows.length - 1) {
        raw.push([r.step, r.trainLoss]);
        avg.push([r.step, movingAverage]);
      }
      if (!Number.isNaN(r.devAcc)) evals.push({ ...r, movingAverage });
    });
    const total = this.progress?.totalSteps ?? rows.length;
    const xDomain: [number, number] = [0, Math.max(total, 1)];
    lineChart($("chart-loss") as unknown as SVGSVGElement, [
      { name: t("chart.trainLoss"), points: raw, color: "#b9cfe4", width: 1 },
      { name: t("chart.movingAverage"), points: avg, color: "#1f5f99", width: 2 },
      {
        name: t("chart.devLoss"),
        points: evals.map((r) => [r.step, r.devLoss]),
        color: "#c2410c",
        dots: true,
      },
    ], { xLabel: t("chart.step"), yLabel: t("chart.crossEntropy"), xDomain });
    lineChart($("chart-acc") as unknown as SVGSVGElement, [
      {
        name: t("chart.devAcc"),
        points: evals.map((r) => [r.step, r.devAcc]),
        color: "#15803d",
        dots: true,
      },
    ], { xLabel: t("chart.step"), yLabel: t("chart.accuracy"), yDomain: [0, 1], xDomain });
    // the table grows by appending; a resumed job that rewrote metrics.csv rebuilds it
    const tbody = $("eval-table").querySelector("tbody")!;
    if (tbody.children.length > evals.length) tbody.replaceChildren();
    for (const r of evals.slice(tbody.children.length)) {
      const tr = document.createElement("tr");
      const cells = [r.step, r.epoch, r.movingAverage.toFixed(4), r.devLoss.toFixed(4), r.devAcc];
      for (const v of cells) {
        const td = document.createElement("td");
        td.textContent = String(v);
        tr.append(td);
      }
      tbody.append(tr);
    }
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return t("time.unknown");
  if (s < 60) return t("time.s", { s: Math.ceil(s) });
  return t("time.minS", { m: Math.floor(s / 60), s: Math.ceil(s % 60) });
}

function describeResult(r: JobResult): string {
  return t("train.result", {
    job: jobName(r),
    how: t(`status.${r.status}` as Key),
    steps: r.steps,
    best: r.best_dev_acc,
    bestStep: r.best_step,
    test: r.test_acc,
  });
}
