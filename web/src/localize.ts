/// <reference lib="dom" />
/**
 * The page's words in the chosen language: the fixed ones marked in index.html with
 * `data-i18n="key"` (text) and `data-i18n-aria-label="key"` (accessible name), and the ones the
 * views write as they go, through {@linkcode say}, which are written again when the language
 * changes.
 * @module
 */

import { HTML_LANG, type Key, type Lang, setLang, t } from "./strings.ts";

/** Elements whose text the views set, with how to write it. */
const live = new Map<HTMLElement, () => string>();

/**
 * Set `el`'s text to `text()` now and again at every change of language (`text` calls `t`).
 * The element's `data-i18n` mark, if any, gives way to it.
 */
export function say(el: HTMLElement, text: () => string): void {
  delete el.dataset.i18n;
  live.set(el, text);
  el.textContent = text();
}

/** Set `el`'s content to `text`, its `` `code` `` spans in `<code>` elements. */
function setRich(el: HTMLElement, text: string): void {
  if (!text.includes("`")) {
    el.textContent = text;
    return;
  }
  el.replaceChildren(
    ...text.split("`").map((part, i) => {
      if (i % 2 === 0) return document.createTextNode(part);
      const code = document.createElement("code");
      code.textContent = part;
      return code;
    }),
  );
}

/** Show the page in `lang`: `<html lang>`, every marked element, every text set by `say`. */
export function localize(lang: Lang): void {
  setLang(lang);
  document.documentElement.lang = HTML_LANG[lang];
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    setRich(el, t(el.dataset.i18n as Key));
  }
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel as Key));
  }
  for (const [el, text] of live) el.textContent = text();
}
