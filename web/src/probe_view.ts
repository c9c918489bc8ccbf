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
import { say } from "./localize.ts";
import { type Key, t } from "./strings.ts";

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
    return t("probe.badDigits");
  }
  if (items.length < 3 || items.length > MAX_PROBE_LENGTH) {
    return t("probe.badLength", { max: MAX_PROBE_LENGTH, n: items.length });
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
  const panels = cell.gateNames.flatMap((key) =>
    cell.shownGates.includes(key)
      ? [{ key, title: t(`gate.${key}` as Key), values: trace.gates[key]! }]
      : []
  );
  if (cell.cellState) panels.push({ key: "c", title: t("state.c"), values: trace.c });
  panels.push({ key: "h", title: t("state.h"), values: trace.h });
  return panels;
}

/** The role of step `at` (0-based) in the digit-sum task. */
function roleOf(digits: Int32Array, at: number): string {
  if (at === 0) return t("role.first");
  if (at === 1) return t("role.second");
  return digits[at] !== 0 ? t("role.noise") : "";
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
    say(
      $("probe-model"),
      () =>
        t(fromTraining ? "probe.modelFromTraining" : "probe.model", {
          model: describeShort(current),
        }),
    );
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
      say(error, () => {
        const again = parseSequence(this.sequenceText);
        return typeof again === "string" ? again : "";
      });
      return;
    }
    say(error, () => "");
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
    $("probe-pred").textContent = t(r.pred === truth ? "probe.right" : "probe.wrong", {
      pred: r.pred,
      p: r.probs[r.pred]!.toFixed(3),
      a: r.digits[0]!,
      b: r.digits[1]!,
      sum: truth,
    });
    barChart($("chart-probs") as unknown as SVGSVGElement, r.probs, {
      xLabel: t("chart.sum"),
      yLabel: t("chart.probability"),
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
        t("probe.heatLabel", { title: panel.title, H, T }),
      );
      heatmap(canvas, panel.values, T, H, palette);
      const cursor = document.createElement("div");
      cursor.className = "cursor";
      heat.append(canvas, cursor);
      const means = Array.from({ length: T }, (_, t) => mean(panel.values, t, H));
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", t("probe.meanLabel", { title: panel.title }));
      svg.classList.add("mean");
      const caption = document.createElement("figcaption");
      caption.textContent = palette === sequential
        ? t("probe.heatSequential", { H, T })
        : t("probe.heatDiverging", { H, T, m: maxAbs.toFixed(2) });
      figure.append(title, digitStrip(r.digits), heat, svg, caption);
      box.append(figure); // in the page first: the chart takes its on-screen width
      lineChart(svg, [{
        name: t("chart.meanOverUnits"),
        points: means.map((m, t) => [t + 1, m]),
        color: "#333",
      }], {
        xLabel: t("chart.step"),
        yLabel: t("chart.mean"),
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
    salTitle.textContent = t("probe.salTitle", { pred: r.pred });
    const salSvg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    salSvg.setAttribute("role", "img");
    salSvg.setAttribute("aria-label", t("probe.salLabel"));
    salSvg.classList.add("mean");
    const salCap = document.createElement("figcaption");
    salCap.textContent = t("probe.salCaption");
    sal.append(salTitle, digitStrip(r.digits), salSvg, salCap);
    box.append(sal);
    barChart(salSvg, r.saliency, {
      xLabel: t("chart.step"),
      yLabel: t("chart.saliency"),
      xStart: 1,
      height: 140,
    });

    const head = [
      t("col.step"),
      t("col.digit"),
      t("col.role"),
      ...panels.map((p) => t("col.mean", { title: p.title })),
      t("col.saliency"),
    ];
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
    const step = this.step;
    const role = roleOf(r.digits, step - 1);
    $("probe-step-out").textContent = t(role ? "probe.stepOutRole" : "probe.stepOut", {
      t: step,
      T,
      digit: r.digits[step - 1]!,
      role,
    });
    for (const cursor of document.querySelectorAll<HTMLElement>("#heatmaps .cursor")) {
      cursor.style.left = `${((step - 1) / T) * 100}%`;
      cursor.style.width = `${100 / T}%`;
    }
    const panels = panelsOf(r.trace);
    const H = r.trace.H;
    say($("units-h"), () => t("probe.unitsAt", { t: step }));
    fillHead($("units-table"), [t("col.unit"), ...panels.map((p) => p.title)]);
    fillRows(
      $("units-table"),
      Array.from(
        { length: H },
        (_, u) => [u + 1, ...panels.map((p) => p.values[(step - 1) * H + u]!.toFixed(4))],
      ),
    );
    // the mean charts' rule: moved, not redrawn
    for (const rule of document.querySelectorAll<SVGLineElement>("#heatmaps svg .rule")) {
      const W = rule.ownerSVGElement!.viewBox.baseVal.width;
      const x = PLOT_LEFT + ((step - 0.5) / T) * (W - PLOT_LEFT - PLOT_RIGHT);
      rule.setAttribute("x1", String(x));
      rule.setAttribute("x2", String(x));
    }
  }
}

function describeShort(current: CurrentModel): string {
  const { cell, hidden } = current.model.config;
  const params = { name: current.name, cell: CELLS[cell].label, hidden };
  return current.trainLength !== undefined
    ? t("probe.modelShortLength", { ...params, length: current.trainLength })
    : t("probe.modelShort", params);
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
    { x: 1, label: t("role.first"), color: "#b45309" },
    { x: 2, label: t("role.second"), color: "#b45309" },
  ];
  for (let at = 2; at < digits.length; at++) {
    if (digits[at] !== 0) out.push({ x: at + 1, label: t("role.noise"), color: "#7e22ce" });
  }
  return out;
}

/** The sequence drawn above the heatmaps, the two digits and the noise marked. */
function digitStrip(digits: Int32Array): HTMLElement {
  const strip = document.createElement("div");
  strip.className = "strip heat";
  strip.setAttribute("aria-hidden", "true");
  const T = digits.length;
  digits.forEach((d, at) => {
    const cell = document.createElement("span");
    const role = roleOf(digits, at);
    cell.className = at > 1 && role ? "noise" : role ? "digit" : "";
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
