/**
 * HTML helpers for the report: escaping, tables, and SVG documents made safe to inline side by
 * side.
 * @module
 */

/**
 * Escape text for HTML content and attribute values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./html.ts";
 * assert.equal(escapeHtml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/**
 * Prepare an SVG document for inlining in an HTML page that holds other SVGs: drop any XML
 * prolog and the `xmlns` declarations (HTML does not need them, and the page then holds no URL
 * at all), and prefix every `id` (and the `url(#…)` and `href="#…"` references to it) with
 * `prefix`, so that the figures' clip paths do not collide (Vega numbers them `clip1`, `clip2`, …
 * in every figure).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inlineSvg } from "./html.ts";
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg"><clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>';
 * assert.equal(inlineSvg(svg, "loss"), `<svg><clipPath id="loss-clip1"/><g clip-path="url(#loss-clip1)"/></svg>`);
 * ```
 */
export function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/^<\?xml[^>]*\?>\s*/, "")
    .replace(/\s+xmlns(?::\w+)?="[^"]*"/g, "")
    .replace(/\bid="([^"]+)"/g, (_, id) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${prefix}-${id})`)
    .replace(/(\b(?:xlink:)?href)="#([^"]+)"/g, (_, attr, id) => `${attr}="#${prefix}-${id}"`);
}

/** A table cell: text (escaped) or `{ html }` (inserted as is), optionally right-aligned. */
export type Cell = string | number | { html: string };

/**
 * An HTML table; numeric cells are right-aligned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlTable } from "./html.ts";
 * assert.ok(htmlTable(["L", "acc"], [[10, "0.93"]]).includes("<td class=\"num\">10</td>"));
 * ```
 */
export function htmlTable(head: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const cell = (c: Cell) => {
    if (typeof c === "object") return `<td>${c.html}</td>`;
    const numeric = typeof c === "number" || /^[-+]?[\d.]+( ± [\d.]+)?$/.test(c);
    return `<td${numeric ? ' class="num"' : ""}>${escapeHtml(String(c))}</td>`;
  };
  return [
    "<table>",
    `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...rows.map((row) => `<tr>${row.map(cell).join("")}</tr>`),
    "</tbody>",
    "</table>",
  ].join("\n");
}
