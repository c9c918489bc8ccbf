/// <reference lib="dom" />
/**
 * The Probe view: one digit sequence through the current model — the predicted sum and the 19
 * probabilities, every gate and state as a unit × time heatmap with its mean over units
 * (lib/model's `traceForward`), the saliency of each input (lib/analysis's `inputSaliency`), and
 * the numbers of all of it in tables.
 * @module
 */

import { inputSaliency } from "../../lib/analysis/saliency.ts";
import { type ForwardTrace, traceForward } from "../../lib/model/forward_trace.ts";
import { CELLS } from "../../lib/nn/cells.ts";
import {
  barChart,
  diverging,
  heatmap,
  lineChart,
  type Palette,
  PLOT_LEFT,
  PLOT_RIGHT,
  sequential,
} from "./charts.ts";
import type { CurrentModel } from "./current_model.ts";
import { bookData } from "./data.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The longest sequence the page probes. */
export const MAX_PROBE_LENGTH = 200;

/**
 * A typed sequence: digits separated by spaces or commas, or written together ("3400700").
 * Returns the digits, or a one-line reason.
 */
export function parseSequence(text: string): Int32Array | string {
  const trimmed = text.trim();
  const items = /[\s,]/.test(trimmed) ? trimmed.split(/[\s,]+/) : [...trimmed];
  if (trimmed === "" || items.some((d) => !/^[0-9]$/.test(d))) {
    return "the sequence must be digits 0–9, written together or separated by spaces or commas";
  }
  if (items.length < 3 || items.length > MAX_PROBE_LENGTH) {
    return `the sequence must have 3–${MAX_PROBE_LENGTH} digits, got ${items.length}`;
  }
  return Int32Array.from(items, Number);
}

/** What the Probe view computed for the sequence shown. */
export interface ProbeResult {
  /** The sequence. */
  digits: Int32Array;
  /** Every gate and state over time, and the logits. */
  trace: ForwardTrace;
  /** softmax(logits). */
  probs: Float64Array;
  /** The predicted sum. */
  pred: number;
  /** |∂ logit[pred] / ∂ input| per step. */
  saliency: Float32Array;
}

/**
 * The panels of a trace: key in the trace, title, values. The cell's shown gates in PyTorch's
 * order ("forget gate f"), its cell state if it keeps one, and h.
 */
function panelsOf(trace: ForwardTrace): { key: string; title: string; values: Float32Array }[] {
  const cell = CELLS[trace.cell];
  const panels = cell.gateNames.flatMap((key, g) =>
    cell.shownGates.includes(key)
      ? [{ key, title: `${key} gate ${cell.gateLetters[g]}`, values: trace.gates[key]! }]
      : []
  );
  if (cell.cellState) panels.push({ key: "c", title: "cell state c", values: trace.c });
  panels.push({ key: "h", title: "hidden state h", values: trace.h });
  return panels;
}

/** The role of step t (0-based) in the digit-sum task. */
function roleOf(digits: Int32Array, t: number): string {
  if (t === 0) return "first digit";
  if (t === 1) return "second digit";
  return digits[t] !== 0 ? "noise" : "";
}

/** The Probe view. */
export class ProbeView {
  /** The model probed. */
  current: CurrentModel | null = null;
  /** The last result shown. */
  result: ProbeResult | null = null;
  /** The selected step, from 1. */
  step = 1;

  constructor(private onChange: () => void) {
    $("probe-seq").addEventListener("input", () => {
      this.run();
      this.onChange();
    });
    $("probe-form").addEventListener("submit", (event) => event.preventDefault());
    $("probe-use-example").addEventListener("click", () => {
      this.useExample();
      this.onChange();
    });
    $("probe-step").addEventListener("input", () => {
      this.step = Number($<HTMLInputElement>("probe-step").value);
      this.renderStep();
      this.onChange();
    });
  }

  /** The sequence's text as typed. */
  get sequenceText(): string {
    return $<HTMLInputElement>("probe-seq").value;
  }

  /** Set the sequence (and optionally the step), then probe. */
  setSequence(text: string, step?: number): void {
    $<HTMLInputElement>("probe-seq").value = text;
    if (step !== undefined) this.step = step;
    this.run();
  }

  /** Probe with `current` from now on. */
  setModel(current: CurrentModel, length: number, fromTraining = false): void {
    this.current = current;
    this.exampleLength = current.trainLength ?? length;
    $("probe-model").textContent = `Model: ${
      fromTraining ? "the best checkpoint of the training above — " : ""
    }${describeShort(current)}`;
    this.pending = true;
    if (!$("probe").hidden) this.redraw(); // a hidden view probes when shown
  }

  /** A new model waits to be probed (the view was hidden when it came). */
  private pending = false;

  private exampleLength = 10;

  /** Put test example N (of the model's training length) in the sequence box. */
  useExample(): void {
    const length = this.current?.trainLength ?? this.exampleLength;
    const test = bookData(length).test;
    const i =
      Math.min(Math.max(Number($<HTMLInputElement>("probe-example").value) || 1, 1), test.n) -
      1;
    const digits = test.digits.subarray(i * length, (i + 1) * length);
    this.setSequence(Array.from(digits).join(" "));
  }

  /** Probe the sequence in the box with the current model and draw everything. */
  run(): void {
    const error = $("probe-error");
    if (!this.current) {
      error.textContent = "";
      return;
    }
    const digits = parseSequence(this.sequenceText);
    if (typeof digits === "string") {
      error.textContent = digits;
      return;
    }
    error.textContent = "";
    const { model } = this.current;
    const trace = traceForward(model, digits);
    const max = Math.max(...trace.logits);
    const exps = Array.from(trace.logits, (v) => Math.exp(v - max));
    const total = exps.reduce((a, b) => a + b, 0);
    const probs = Float64Array.from(exps, (e) => e / total);
    const { saliency, target: pred } = inputSaliency(model, digits); // target: the predicted sum
    this.result = { digits, trace, probs, pred, saliency };
    this.step = Math.min(Math.max(this.step, 1), digits.length);
    if (!$("probe").hidden) this.render(); // a hidden view is drawn when shown (redraw)
  }

  /** Draw the last result again (the page was resized, or the view shown). */
  redraw(): void {
    if (this.pending) {
      this.pending = false;
      if (this.sequenceText.trim() === "") this.useExample();
      else this.run();
    } else if (this.result) {
      this.render();
    }
  }

  private render(): void {
    const r = this.result!;
    const T = r.digits.length;
    $("probe-out").hidden = false;
    const truth = r.digits[0]! + r.digits[1]!;
    $("probe-pred").textContent = `Predicted sum ${r.pred} (probability ${
      r.probs[r.pred]!.toFixed(3)
    }); the first two digits, ${r.digits[0]} + ${r.digits[1]}, sum to ${truth}${
      r.pred === truth ? " — right." : " — wrong."
    }`;
    barChart($("chart-probs") as unknown as SVGSVGElement, r.probs, {
      xLabel: "sum",
      yLabel: "probability",
      highlight: r.pred,
      yDomain: [0, 1],
    });
    fillRows(
      $("probs-table"),
      Array.from(r.probs, (p, c) => [c, p.toFixed(4), r.trace.logits[c]!.toPrecision(6)]),
    );

    const slider = $<HTMLInputElement>("probe-step");
    slider.max = String(T);
    slider.value = String(this.step);

    const panels = panelsOf(r.trace);
    const H = r.trace.H;
    const box = $("heatmaps");
    box.replaceChildren();
    for (const panel of panels) {
      const maxAbs = panel.key === "c" || panel.key === "h"
        ? Math.max(1e-6, ...Array.from(panel.values, Math.abs))
        : 1;
      const palette: Palette = panel.key === "c" || panel.key === "h"
        ? diverging(maxAbs)
        : sequential;
      const figure = document.createElement("figure");
      figure.className = "panel";
      figure.id = `panel-${panel.key}`;
      const title = document.createElement("h3");
      title.textContent = panel.title;
      const heat = document.createElement("div");
      heat.className = "heat";
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute(
        "aria-label",
        `${panel.title}: ${H} units by ${T} steps; the numbers are in the tables below`,
      );
      heatmap(canvas, panel.values, T, H, palette);
      const cursor = document.createElement("div");
      cursor.className = "cursor";
      heat.append(canvas, cursor);
      const means = Array.from({ length: T }, (_, t) => mean(panel.values, t, H));
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", `mean of the ${panel.title} over units, per step`);
      svg.classList.add("mean");
      const caption = document.createElement("figcaption");
      caption.textContent = palette === sequential
        ? `Units 1–${H} down, steps 1–${T} across: white 0, dark blue 1. Below: the mean over units.`
        : `Units 1–${H} down, steps 1–${T} across: blue −${maxAbs.toFixed(2)}, white 0, red +${
          maxAbs.toFixed(2)
        }. Below: the mean over units.`;
      figure.append(title, digitStrip(r.digits), heat, svg, caption);
      box.append(figure); // in the page first: the chart takes its on-screen width
      lineChart(svg, [{
        name: "mean over units",
        points: means.map((m, t) => [t + 1, m]),
        color: "#333",
      }], {
        xLabel: "step",
        yLabel: "mean",
        xDomain: [0.5, T + 0.5],
        yDomain: palette === sequential ? [0, 1] : symmetric(means),
        xMarks: marks(r.digits),
        rule: this.step,
        height: 120,
      });
    }
    const sal = document.createElement("figure");
    sal.className = "panel";
    sal.id = "panel-saliency";
    const salTitle = document.createElement("h3");
    salTitle.textContent = `saliency |∂ logit of ${r.pred} / ∂ input|`;
    const salSvg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    salSvg.setAttribute("role", "img");
    salSvg.setAttribute("aria-label", "saliency of each input position");
    salSvg.classList.add("mean");
    const salCap = document.createElement("figcaption");
    salCap.textContent =
      "How much the predicted sum's logit changes with each input's embedding (the L2 norm of the gradient).";
    sal.append(salTitle, digitStrip(r.digits), salSvg, salCap);
    box.append(sal);
    barChart(salSvg, r.saliency, { xLabel: "step", yLabel: "saliency", xStart: 1, height: 140 });

    const head = ["step", "digit", "role", ...panels.map((p) => `mean ${p.title}`), "saliency"];
    fillHead($("means-table"), head);
    fillRows(
      $("means-table"),
      Array.from({ length: T }, (_, t) => [
        t + 1,
        r.digits[t]!,
        roleOf(r.digits, t),
        ...panels.map((p) => mean(p.values, t, H).toFixed(4)),
        r.saliency[t]!.toPrecision(4),
      ]),
    );
    this.renderStep();
  }

  /** Redraw what depends on the selected step. */
  renderStep(): void {
    const r = this.result;
    if (!r) return;
    const T = r.digits.length;
    const t = this.step;
    $("probe-step-out").textContent = `${t} of ${T} (digit ${r.digits[t - 1]}${
      roleOf(r.digits, t - 1) ? `, ${roleOf(r.digits, t - 1)}` : ""
    })`;
    for (const cursor of document.querySelectorAll<HTMLElement>("#heatmaps .cursor")) {
      cursor.style.left = `${((t - 1) / T) * 100}%`;
      cursor.style.width = `${100 / T}%`;
    }
    const panels = panelsOf(r.trace);
    const H = r.trace.H;
    $("units-h").textContent = `Every unit at step ${t}`;
    fillHead($("units-table"), ["unit", ...panels.map((p) => p.title)]);
    fillRows(
      $("units-table"),
      Array.from(
        { length: H },
        (_, u) => [u + 1, ...panels.map((p) => p.values[(t - 1) * H + u]!.toFixed(4))],
      ),
    );
    // the mean charts' rule: moved, not redrawn
    for (const rule of document.querySelectorAll<SVGLineElement>("#heatmaps svg .rule")) {
      const W = rule.ownerSVGElement!.viewBox.baseVal.width;
      const x = PLOT_LEFT + ((t - 0.5) / T) * (W - PLOT_LEFT - PLOT_RIGHT);
      rule.setAttribute("x1", String(x));
      rule.setAttribute("x2", String(x));
    }
  }
}

function describeShort(current: CurrentModel): string {
  const { cell, hidden } = current.model.config;
  const length = current.trainLength !== undefined
    ? `, trained at length ${current.trainLength}`
    : "";
  return `${current.name} (${CELLS[cell].label}, hidden ${hidden}${length})`;
}

/** [-m, m] around every value, m rounded up to a tenth. */
function symmetric(values: number[]): [number, number] {
  const m = Math.max(0.1, Math.ceil(Math.max(...values.map(Math.abs)) * 10) / 10);
  return [-m, m];
}

function mean(values: Float32Array, t: number, H: number): number {
  let sum = 0;
  for (let u = 0; u < H; u++) sum += values[t * H + u]!;
  return sum / H;
}

function marks(digits: Int32Array): { x: number; label: string; color: string }[] {
  const out = [
    { x: 1, label: "first digit", color: "#b45309" },
    { x: 2, label: "second digit", color: "#b45309" },
  ];
  for (let t = 2; t < digits.length; t++) {
    if (digits[t] !== 0) out.push({ x: t + 1, label: "noise", color: "#7e22ce" });
  }
  return out;
}

/** The sequence drawn above the heatmaps, the two digits and the noise marked. */
function digitStrip(digits: Int32Array): HTMLElement {
  const strip = document.createElement("div");
  strip.className = "strip heat";
  strip.setAttribute("aria-hidden", "true");
  const T = digits.length;
  digits.forEach((d, t) => {
    const cell = document.createElement("span");
    const role = roleOf(digits, t);
    cell.className = role === "noise" ? "noise" : role ? "digit" : "";
    cell.style.width = `${100 / T}%`;
    cell.textContent = T <= 60 ? String(d) : "";
    strip.append(cell);
  });
  return strip;
}

function fillHead(table: HTMLElement, names: string[]): void {
  const tr = document.createElement("tr");
  for (const name of names) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    tr.append(th);
  }
  table.querySelector("thead")!.replaceChildren(tr);
}

function fillRows(table: HTMLElement, rows: (string | number)[][]): void {
  table.querySelector("tbody")!.replaceChildren(...rows.map((row) => {
    const tr = document.createElement("tr");
    for (const value of row) {
      const td = document.createElement("td");
      td.textContent = String(value);
      tr.append(td);
    }
    return tr;
  }));
}
