/// <reference lib="dom" />
/**
 * The page's charts, drawn plainly: SVG line and bar charts with axes, and unit × time heatmaps
 * on a canvas one pixel per value (scaled by CSS). Every chart's numbers are also in a table
 * beside it (see the views).
 * @module
 */

const SVG = "http://www.w3.org/2000/svg";

/** The plot area's left margin (tick labels and the y title), in CSS pixels. */
export const PLOT_LEFT = 56;
/** The plot area's right margin, in CSS pixels. */
export const PLOT_RIGHT = 12;

const widths = new WeakMap<SVGSVGElement, number>();

/**
 * A chart's drawing width: its on-screen width (1 unit = 1 CSS pixel), 640 while hidden. It is
 * measured once (measuring forces a layout) until {@linkcode forgetWidths}.
 */
function widthOf(svg: SVGSVGElement): number {
  const known = widths.get(svg);
  if (known !== undefined) return known;
  const width = Math.round(svg.getBoundingClientRect().width);
  if (width === 0) return 640;
  widths.set(svg, Math.max(width, 240));
  return Math.max(width, 240);
}

/** Measure every chart again at its next drawing (the page was resized, or a view shown). */
export function forgetWidths(): void {
  for (const svg of document.querySelectorAll("svg")) widths.delete(svg);
}

/** One series of a line chart. */
export interface Series {
  /** Legend name. */
  name: string;
  /** [x, y] points, x ascending. */
  points: [number, number][];
  /** Stroke colour. */
  color: string;
  /** Line width (0: dots only). */
  width?: number;
  /** Draw a dot at each point. */
  dots?: boolean;
}

/** Options of {@linkcode lineChart}. */
export interface LineChartOptions {
  /** The x axis's title. */
  xLabel: string;
  /** The y axis's title. */
  yLabel: string;
  /** Fixed y range (default: the data's). */
  yDomain?: [number, number];
  /** Fixed x range (default: the data's). */
  xDomain?: [number, number];
  /** Marks on the x axis, e.g. the digits' positions. */
  xMarks?: { x: number; label: string; color: string }[];
  /** A vertical rule at this x (the selected step). */
  rule?: number;
  /** The viewBox height (default 260). */
  height?: number;
}

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

function formatTick(v: number): string {
  return Math.abs(v) >= 1000 ? `${v / 1000}k` : String(v);
}

/** The x label under a plot area and the y label turned along its left side. */
function axisLabels(
  axis: SVGGElement,
  box: { W: number; H: number; left: number; right: number; top: number; bottom: number },
  xLabel: string,
  yLabel: string,
): void {
  const { W, H, left, right, top, bottom } = box;
  axis.append(el("text", { x: (left + W - right) / 2, y: H - 6, "text-anchor": "middle" }, xLabel));
  const yMid = (top + H - bottom) / 2;
  axis.append(
    el(
      "text",
      { x: 14, y: yMid, "text-anchor": "middle", transform: `rotate(-90 14 ${yMid})` },
      yLabel,
    ),
  );
}

/**
 * The width of a legend name at 12 px, about: 7.2 a character, 12 for a wide (CJK) one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { legendWidth } from "./charts.ts";
 * assert.equal(legendWidth("dev loss"), 8 * 7.2);
 * assert.equal(legendWidth("验证集损失"), 5 * 12);
 * ```
 */
export function legendWidth(name: string): number {
  const wide = [...name].filter((ch) => ch.codePointAt(0)! >= 0x2e80).length;
  return (name.length - wide) * 7.2 + wide * 12;
}

/** Draw a line chart into `svg`, as wide as it is on screen and `options.height` high. */
export function lineChart(svg: SVGSVGElement, series: Series[], options: LineChartOptions): void {
  const W = widthOf(svg), H = options.height ?? 260, left = PLOT_LEFT, right = PLOT_RIGHT;
  const bottom = 40;
  const top = series.length > 1 ? 28 : 10;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const [x0, x1] = options.xDomain ?? [Math.min(...xs, 0), Math.max(...xs, 1)];
  let [y0, y1] = options.yDomain ?? [Math.min(...ys, 0), Math.max(...ys, 1)];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  const sx = (x: number) => left + ((x - x0) / (x1 - x0 || 1)) * (W - left - right);
  const sy = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * (H - top - bottom);
  const axis = el("g", { class: "axis" });
  for (const v of ticks(y0, y1, Math.min(4, Math.floor((H - top - bottom) / 28)))) {
    axis.append(el("line", { x1: left, x2: W - right, y1: sy(v), y2: sy(v), class: "grid" }));
    axis.append(el("text", { x: left - 6, y: sy(v) + 4, "text-anchor": "end" }, formatTick(v)));
  }
  for (const v of ticks(x0, x1, 6)) {
    axis.append(
      el("text", { x: sx(v), y: H - bottom + 16, "text-anchor": "middle" }, formatTick(v)),
    );
  }
  axis.append(el("line", { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom }));
  axis.append(el("line", { x1: left, x2: left, y1: top, y2: H - bottom }));
  axisLabels(axis, { W, H, left, right, top, bottom }, options.xLabel, options.yLabel);
  svg.append(axis);
  for (const mark of options.xMarks ?? []) {
    svg.append(el("line", {
      x1: sx(mark.x),
      x2: sx(mark.x),
      y1: top,
      y2: H - bottom,
      stroke: mark.color,
      "stroke-dasharray": "3 3",
    }));
  }
  if (options.rule !== undefined) {
    svg.append(el("line", {
      x1: sx(options.rule),
      x2: sx(options.rule),
      y1: top,
      y2: H - bottom,
      class: "rule",
    }));
  }
  let legendX = 8;
  for (const s of series) {
    const finite = s.points.filter((p) => Number.isFinite(p[1]));
    if ((s.width ?? 1.5) > 0 && finite.length > 1) {
      const d = finite.map((p, i) =>
        `${i ? "L" : "M"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`
      )
        .join("");
      svg.append(el("path", { d, fill: "none", stroke: s.color, "stroke-width": s.width ?? 1.5 }));
    }
    if (s.dots) {
      for (const p of finite) {
        svg.append(el("circle", { cx: sx(p[0]), cy: sy(p[1]), r: 2.5, fill: s.color }));
      }
    }
    if (series.length > 1) {
      svg.append(el("rect", { x: legendX, y: 8, width: 12, height: 12, fill: s.color }));
      svg.append(el("text", { x: legendX + 16, y: 18, class: "legend" }, s.name));
      legendX += 26 + legendWidth(s.name);
    }
  }
}

/** A bar chart of `values` (e.g. the 19 probabilities), one bar per index, `highlight` marked. */
export function barChart(
  svg: SVGSVGElement,
  values: ArrayLike<number>,
  options: {
    xLabel: string;
    yLabel: string;
    highlight?: number;
    yDomain?: [number, number];
    /** The label of the first bar (default 0). */
    xStart?: number;
    /** The viewBox height (default 170). */
    height?: number;
  },
): void {
  const W = widthOf(svg), H = options.height ?? 170, left = PLOT_LEFT, right = PLOT_RIGHT;
  const top = 12, bottom = 40;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const n = values.length;
  const all = Array.from(values);
  const [y0, y1] = options.yDomain ?? [Math.min(0, ...all), Math.max(...all, 1e-9)];
  const bw = (W - left - right) / n;
  const sy = (y: number) => top + (1 - (y - y0) / (y1 - y0 || 1)) * (H - top - bottom);
  const axis = el("g", { class: "axis" });
  for (const v of ticks(y0, y1, Math.min(4, Math.floor((H - top - bottom) / 28)))) {
    axis.append(el("line", { x1: left, x2: W - right, y1: sy(v), y2: sy(v), class: "grid" }));
    axis.append(el("text", { x: left - 6, y: sy(v) + 4, "text-anchor": "end" }, formatTick(v)));
  }
  const every = Math.ceil(n / Math.max(2, Math.floor((W - left - right) / 24)));
  for (let i = 0; i < n; i += every) {
    axis.append(
      el(
        "text",
        { x: left + (i + 0.5) * bw, y: H - bottom + 16, "text-anchor": "middle" },
        String(i + (options.xStart ?? 0)),
      ),
    );
  }
  axis.append(el("line", { x1: left, x2: W - right, y1: sy(0), y2: sy(0) }));
  axisLabels(axis, { W, H, left, right, top, bottom }, options.xLabel, options.yLabel);
  svg.append(axis);
  all.forEach((v, i) => {
    const y = Math.min(sy(v), sy(0));
    svg.append(el("rect", {
      x: left + i * bw + 1,
      y,
      width: Math.max(bw - 2, 1),
      height: Math.abs(sy(v) - sy(0)),
      class: i === options.highlight ? "bar hi" : "bar",
    }));
  });
}

/** A colour scale: value → [r, g, b]. */
export type Palette = (v: number) => [number, number, number];

function mix(a: [number, number, number], b: [number, number, number], t: number) {
  const u = Math.min(Math.max(t, 0), 1);
  return a.map((x, i) => Math.round(x + (b[i]! - x) * u)) as [number, number, number];
}

/** 0 → white, 1 → dark blue (gates, which live in [0, 1]). */
export const sequential: Palette = (v: number): [number, number, number] =>
  v < 0.5
    ? mix([255, 255, 255], [107, 174, 214], v * 2)
    : mix([107, 174, 214], [8, 48, 107], v * 2 - 1);

/** A diverging scale over [-max, max]: blue, white at 0, red (states). */
export function diverging(max: number): Palette {
  return (v) =>
    v < 0
      ? mix([255, 255, 255], [33, 102, 172], -v / max)
      : mix([255, 255, 255], [178, 24, 43], v / max);
}

/**
 * Draw `values [T, H]` as a heatmap: units down, time across, one canvas pixel per value (the
 * canvas is scaled by CSS with `image-rendering: pixelated`).
 */
export function heatmap(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  T: number,
  H: number,
  palette: Palette,
): void {
  canvas.width = T;
  canvas.height = H;
  const ctx = canvas.getContext("2d")!;
  const image = ctx.createImageData(T, H);
  for (let t = 0; t < T; t++) {
    for (let u = 0; u < H; u++) {
      const [r, g, b] = palette(values[t * H + u]!);
      const at = (u * T + t) * 4;
      image.data[at] = r;
      image.data[at + 1] = g;
      image.data[at + 2] = b;
      image.data[at + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}
