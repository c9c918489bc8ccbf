/**
 * Rendering: a Vega-Lite specification → SVG (headless Vega, no browser) → PNG (resvg compiled to
 * WebAssembly, with the committed DejaVu Sans font so that every label shows).
 * @module
 */

import { writeFileAtomic } from "../io/atomic.ts";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { fontMetrics } from "./font_metrics.ts";

/** What a render produced, and the warnings Vega-Lite and Vega logged on the way. */
export interface RenderedFigure {
  /** The figure as a standalone SVG document. */
  svg: string;
  /** The figure as a PNG file. */
  png: Uint8Array;
  /** Warnings logged by Vega-Lite and Vega (an empty list for a clean spec). */
  warnings: string[];
}

/** Options of {@linkcode svgToPng}. */
export interface PngOptions {
  /** Pixels per SVG unit (2 gives a sharp image on high-density screens). Default 2. */
  scale?: number;
  /**
   * The fonts to draw text with. Default: the committed DejaVu Sans. An empty list draws no text
   * at all (resvg sees no system fonts), which the tests use to prove the font is used.
   */
  fonts?: Uint8Array[];
}

const FONT_FAMILY = "DejaVu Sans";

const fileReads = new Map<string, Promise<Uint8Array>>();
let wasmPromise: Promise<void> | undefined;
let metricsPromise: Promise<void> | undefined;

/**
 * The bytes of the committed DejaVu Sans font (`lib/plot/fonts/DejaVuSans.ttf`), read once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFont } from "./render.ts";
 * const font = await loadFont();
 * assert.ok(font.length > 100_000);
 * ```
 */
export function loadFont(): Promise<Uint8Array> {
  return readOnce(new URL("./fonts/DejaVuSans.ttf", import.meta.url));
}

/** The bytes of a file, read on the first call and shared by the later ones. */
function readOnce(url: URL): Promise<Uint8Array> {
  let bytes = fileReads.get(url.href);
  if (bytes === undefined) {
    bytes = Deno.readFile(url);
    fileReads.set(url.href, bytes);
  }
  return bytes;
}

function initResvg(): Promise<void> {
  wasmPromise ??= (async () => {
    const url = new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm"));
    await initWasm(await Deno.readFile(url));
  })();
  return wasmPromise;
}

/**
 * The bytes of the committed CJK subset (`lib/plot/fonts/NotoSansCJKsc-subset.otf`: Noto Sans
 * CJK SC, the glyphs of the Chinese labels that DejaVu Sans lacks), read once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fontMetrics } from "./font_metrics.ts";
 * import { loadCjkFont } from "./render.ts";
 * assert.ok(fontMetrics(await loadCjkFont()).covers("遗"));
 * ```
 */
export function loadCjkFont(): Promise<Uint8Array> {
  return readOnce(new URL("./fonts/NotoSansCJKsc-subset.otf", import.meta.url));
}

/**
 * Make headless Vega measure text with DejaVu Sans's real advance widths (it otherwise guesses
 * 0.8 em a character), and a character DejaVu lacks with the CJK subset's when that has it. This
 * sets `vega.textMetrics.width`, a process-wide hook meant for this.
 */
function useFontMetrics(): Promise<void> {
  metricsPromise ??= (async () => {
    const dejavu = fontMetrics(await loadFont());
    const cjk = fontMetrics(await loadCjkFont());
    const fromCjk = (ch: string) => !dejavu.covers(ch) && cjk.covers(ch);
    const metrics = {
      width: (s: string, size: number) =>
        [...s].some(fromCjk)
          ? [...s].reduce((w, ch) => w + (fromCjk(ch) ? cjk : dejavu).width(ch, size), 0)
          : dejavu.width(s, size),
    };
    // Not in vega's type declarations, but exported at run time (vega-scenegraph's textMetrics).
    const { textMetrics } = vega as unknown as {
      textMetrics: { width: (item: TextItem, text?: unknown) => number };
    };
    textMetrics.width = (item, text) => {
      const s = text === null || text === undefined ? "" : String(text).trim();
      const size = item.fontSize === undefined || item.fontSize === null ? 11 : +item.fontSize || 0;
      const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
      const width = metrics.width(s, size) * (bold ? 1.1 : 1);
      return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
    };
  })();
  return metricsPromise;
}

/** The fields of a Vega text item that its width depends on. */
interface TextItem {
  fontSize?: number | string | null;
  fontWeight?: string | number | null;
  limit?: number;
}

/** A Vega logger that collects warnings and errors instead of printing them. */
function collectingLogger(sink: string[]): vega.LoggerInterface {
  return vega.logger(vega.Warn, undefined, (_method, level, args) => {
    sink.push(
      `${level} ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ")}`,
    );
  });
}

/**
 * Compile a Vega-Lite specification and render it headless to an SVG document.
 * Warnings are pushed onto `warnings` when given (and otherwise dropped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "./render.ts";
 * const svg = await renderSvg({
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * assert.ok(svg.startsWith("<svg"));
 * ```
 */
export async function renderSvg(spec: TopLevelSpec, warnings: string[] = []): Promise<string> {
  await useFontMetrics();
  const logger = collectingLogger(warnings);
  const vgSpec = compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none", logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterise an SVG document to PNG with resvg, drawing text with DejaVu Sans.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { svgToPng } from "./render.ts";
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">' +
 *   '<text x="2" y="15" font-family="sans-serif">Hi</text></svg>';
 * const png = await svgToPng(svg, { scale: 1 });
 * assert.ok(png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47); // ("PNG")
 * ```
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  await initResvg();
  const fonts = options.fonts ?? [await loadFont()];
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: options.scale ?? 2 },
    background: "white",
    font: {
      fontBuffers: fonts,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
      serifFamily: FONT_FAMILY,
      monospaceFamily: FONT_FAMILY,
    },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/**
 * Render any Vega-Lite specification (a line chart, a facet of them, …) to SVG and PNG.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderFigure } from "./render.ts";
 * const figure = await renderFigure({
 *   data: { values: [{ x: 1, y: 0.5 }, { x: 2, y: 0.8 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * }, { scale: 1 });
 * assert.equal(figure.warnings.length, 0);
 * assert.ok(figure.png.length > 100);
 * ```
 */
export async function renderFigure(
  spec: TopLevelSpec,
  options: PngOptions = {},
): Promise<RenderedFigure> {
  const warnings: string[] = [];
  const svg = await renderSvg(spec, warnings);
  const png = await svgToPng(svg, options);
  return { svg, png, warnings };
}

/**
 * Render `spec` and write it as `<base>.svg` and `<base>.png` (each atomically); returns the
 * files written and the renderer's warnings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFigure } from "./render.ts";
 * const base = `${await Deno.makeTempDir()}/figures/line`;
 * const { files, warnings } = await writeFigure({
 *   data: { values: [{ x: 1, y: 0.5 }, { x: 2, y: 0.8 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * }, base, { scale: 1 });
 * assert.deepEqual([files, warnings], [[`${base}.svg`, `${base}.png`], []]);
 * ```
 */
export async function writeFigure(
  spec: TopLevelSpec,
  base: string,
  options: PngOptions = {},
): Promise<{ files: string[]; warnings: string[] }> {
  const figure = await renderFigure(spec, options);
  await writeFileAtomic(`${base}.svg`, figure.svg);
  await writeFileAtomic(`${base}.png`, figure.png);
  return { files: [`${base}.svg`, `${base}.png`], warnings: figure.warnings };
}
