/// <reference lib="dom" />
/**
 * The web lab's page: three views (Train, Probe, Load and save), their state in the URL hash, and
 * `globalThis.lab`, a read-only window on that state for tests and the curious.
 * @module
 */

import { jobName } from "../../lib/run/job_name.ts";
import {
  type CurrentModel,
  describeModel,
  download,
  loadModel,
  onnxBytes,
} from "./current_model.ts";
import { forgetWidths } from "./charts.ts";
import { localize, say } from "./localize.ts";
import { ProbeView } from "./probe_view.ts";
import { HTML_LANG, type Lang, langFor, LANGS, t } from "./strings.ts";
import { TrainView } from "./train_view.ts";

const VIEWS = ["train", "probe", "load"] as const;
type View = typeof VIEWS[number];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let view: View = "train";
let restoring = false;
/** The page's language, and whether the reader chose it (then the URL hash keeps it). */
let lang: Lang = langFor(navigator.languages);
let langChosen = false;

const probe = new ProbeView(() => writeHash());
const train = new TrainView({
  onChange: () => writeHash(),
  onBest: (bytes) => {
    // the training's newest best checkpoint becomes the probed model
    setModel(loadModel(bytes, "best.safetensors"), true);
  },
  onProbe: () => showView("probe"),
});

/** Make `current` the probed model. */
function setModel(current: CurrentModel, fromTraining = false): void {
  const length = Number(($("opt-length") as HTMLInputElement).value) || 10;
  probe.setModel(current, length, fromTraining);
  say($("load-current"), () => describeModel(current));
  $<HTMLButtonElement>("dl-model").disabled = false;
  $<HTMLButtonElement>("dl-model-onnx").disabled = false;
}

function showView(next: View, focus = false): void {
  view = next;
  for (const name of VIEWS) {
    const tab = $(`tab-${name}`);
    const selected = name === next;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(name).hidden = !selected;
    if (selected && focus) tab.focus();
  }
  redraw();
  writeHash();
}

/** Show the page in `next`: every word, the charts and tables redrawn; the state stays. */
function showLang(next: Lang): void {
  lang = next;
  localize(next);
  const other = LANGS.find((l) => l !== next)!;
  $("lang-switch").lang = HTML_LANG[other];
  redraw();
}

$("lang-switch").addEventListener("click", () => {
  langChosen = true;
  showLang(LANGS.find((l) => l !== lang)!);
  writeHash();
});

/** Draw the shown view's charts at their on-screen size. */
function redraw(): void {
  forgetWidths();
  if (view === "train") train.render();
  if (view === "probe") probe.redraw();
}

let resizing = false;
addEventListener("resize", () => {
  if (resizing) return;
  resizing = true;
  requestAnimationFrame(() => {
    resizing = false;
    redraw();
  });
});

for (const name of VIEWS) $(`tab-${name}`).addEventListener("click", () => showView(name));
$("tabs").addEventListener("keydown", (event) => {
  const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
  if (step === 0) return;
  event.preventDefault();
  showView(VIEWS[(VIEWS.indexOf(view) + step + VIEWS.length) % VIEWS.length]!, true);
});

// ---- the URL hash: view, training options, probed sequence, selected step ----

function writeHash(): void {
  if (restoring) return;
  const params = new URLSearchParams([["view", view], ...train.hashEntries()]);
  const seq = probe.sequenceText.trim();
  if (seq !== "") {
    params.set("seq", seq.replace(/[\s,]+/g, ""));
    params.set("step", String(probe.step));
  }
  if (langChosen) params.set("lang", lang);
  history.replaceState(null, "", `#${params}`);
}

function readHash(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  restoring = true;
  try {
    const chosen = params.get("lang");
    if ((LANGS as readonly string[]).includes(chosen ?? "")) {
      langChosen = true;
      lang = chosen as Lang;
    }
    showLang(lang);
    train.restore(params);
    const seq = params.get("seq");
    const step = Number(params.get("step"));
    if (seq) probe.setSequence(seq, Number.isInteger(step) && step >= 1 ? step : undefined);
    const v = params.get("view");
    showView((VIEWS as readonly string[]).includes(v ?? "") ? v as View : "train");
  } finally {
    restoring = false;
  }
  writeHash();
}

// ---- Load and save ----

function loadBytes(bytes: Uint8Array, name: string): void {
  const message = $("load-message");
  try {
    const current = loadModel(bytes, name);
    setModel(current);
    say(message, () => t("load.loaded", { model: describeModel(current) }));
    message.className = "";
    showView("probe");
  } catch (err) {
    // the command line's line: `error: <file>: <what was expected>`
    const line = `error: ${err instanceof Error ? err.message : String(err)}`;
    say(message, () => t("load.error", { line }));
    message.className = "error";
  }
}

async function loadFile(file: File): Promise<void> {
  loadBytes(new Uint8Array(await file.arrayBuffer()), file.name);
}

// the page's own button opens the file picker: the browser's would speak the browser's language
$("load-pick").addEventListener("click", () => $("load-file").click());
$<HTMLInputElement>("load-file").addEventListener("change", async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) await loadFile(file);
});
const drop = $("load");
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  $("drop-zone").classList.add("over");
});
drop.addEventListener("dragleave", () => $("drop-zone").classList.remove("over"));
drop.addEventListener("drop", async (event) => {
  event.preventDefault();
  $("drop-zone").classList.remove("over");
  const file = event.dataTransfer?.files[0];
  if (file) await loadFile(file);
});

/** With `deno task serve --run`, the run's jobs: each one's best checkpoint, a click away. */
async function listRunJobs(): Promise<void> {
  let jobs: { name: string; files: string[] }[];
  try {
    const response = await fetch("run/index.json");
    if (!response.ok) return; // a plain static host: no run served
    jobs = (await response.json()).jobs;
  } catch {
    return;
  }
  const list = $("run-job-list");
  for (const job of jobs) {
    if (!job.files.includes("best.safetensors")) continue;
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `${job.name}/best.safetensors`;
    button.addEventListener("click", async () => {
      const response = await fetch(`run/${job.name}/best.safetensors`);
      loadBytes(new Uint8Array(await response.arrayBuffer()), `${job.name}/best.safetensors`);
    });
    item.append(button);
    list.append(item);
  }
  $("run-jobs").hidden = list.children.length === 0;
}

$("dl-model").addEventListener("click", () => {
  const current = probe.current;
  if (current) download(baseName(current.name), current.bytes, "application/octet-stream");
});
$("dl-model-onnx").addEventListener("click", async () => {
  const current = probe.current;
  if (current) {
    const name = baseName(current.name).replace(/(\.safetensors)?$/, ".onnx");
    download(name, await onnxBytes(current), "application/octet-stream");
  }
});
$("dl-onnx").addEventListener("click", async () => {
  const bytes = train.files.get("best.safetensors");
  if (bytes && train.config) {
    const onnx = await onnxBytes(loadModel(bytes, "best.safetensors"));
    download(`${jobName(train.config)}.onnx`, onnx, "application/octet-stream");
  }
});

function baseName(name: string): string {
  return name.split("/").pop()!;
}

/** A read-only window on the page's state, for tests. */
const lab = {
  get view() {
    return view;
  },
  /** The page's language. */
  get lang() {
    return lang;
  },
  train,
  probe,
  /** The job's metrics.csv so far. */
  metricsText: () => train.metricsText(),
  /** A file of the job's folder, as an array of bytes. */
  fileBytes: (name: string) => Array.from(train.files.get(name) ?? []),
};
(globalThis as unknown as { lab: typeof lab }).lab = lab;

readHash();
addEventListener("hashchange", () => readHash());
await listRunJobs();
document.documentElement.dataset.ready = "1";
