/// <reference lib="dom" />
/**
 * The web lab in Chinese, in headless Chromium: a reader whose browser asks for zh-CN gets the
 * page in Chinese (`<html lang="zh-CN">`), trains a model and probes it without meeting an English
 * sentence; every character shown (text, accessible names, chart labels) has a glyph in the fonts
 * the page ships and Chromium draws every one of them with those fonts, not a system font; axe-core
 * finds no violation and nothing scrolls sideways at 1200 × 900 and 360 × 640; the switch changes
 * the language without losing the form's values or the trained model, and the URL hash keeps the
 * choice.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import type { Page } from "puppeteer-core";
import { fontMetrics } from "../lib/plot/font_metrics.ts";
import { browserTest, DEADLINE_MS, launchBrowser, startServer } from "./web_helpers.ts";

/** A small job: a model in seconds. */
const HASH = "preset=recommended&cell=lstm&length=5&seed=1&epochs=2&hidden=8&eval-steps=20";
const VIEWS = ["train", "probe", "load"] as const;

/**
 * Words that stay as they are in the Chinese page: names of files, commands, cells, formats and
 * symbols (the command line shown for a job is checked apart).
 */
const KEPT = new Set([
  "lstm-lab",
  "deno",
  "task",
  "train",
  "LSTM",
  "GRU",
  "SRN",
  "IRNN",
  "ONNX",
  "TypeScript",
  "metrics.csv",
  "best.safetensors",
  "safetensors",
  "logit",
  "L2",
  "English",
  "k",
  "i",
  "f",
  "o",
  "c",
  "h",
]);

// deno-lint-ignore no-explicit-any
type Lab = any;

async function ready(page: Page, url: string): Promise<void> {
  await page.goto("about:blank");
  await page.goto(url, { waitUntil: "load", timeout: DEADLINE_MS });
  await page.waitForSelector("html[data-ready='1']", { timeout: DEADLINE_MS });
}

/** Every string the reader may meet: visible text, SVG text, accessible names, the title. */
function shownText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out = [document.title, (document.body as HTMLElement).innerText];
    for (const el of document.querySelectorAll("svg text")) out.push(el.textContent ?? "");
    for (const el of document.querySelectorAll("[aria-label]")) {
      out.push(el.getAttribute("aria-label")!);
    }
    for (const el of document.querySelectorAll("option")) out.push(el.textContent ?? "");
    return out;
  });
}

/** The font families Chromium drew each element's text with, and whether each is the page's. */
async function fontsUsed(page: Page): Promise<Map<string, boolean>> {
  const cdp = await page.createCDPSession();
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
  const { nodeIds } = await cdp.send("DOM.querySelectorAll", {
    nodeId: root.nodeId,
    selector: "body *",
  });
  const fonts = new Map<string, boolean>();
  for (const nodeId of nodeIds) {
    const { fonts: used } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    for (const f of used) fonts.set(f.familyName, f.isCustomFont);
  }
  await cdp.detach();
  return fonts;
}

browserTest("web lab in Chinese in headless Chromium", async (t) => {
  const dejavu = fontMetrics(await Deno.readFile("lib/plot/fonts/DejaVuSans.ttf"));
  const cjk = fontMetrics(await Deno.readFile("lib/plot/fonts/NotoSansCJKsc-subset.otf"));
  const axe = await Deno.readTextFile(
    createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  );
  const server = await startServer();
  const browser = await launchBrowser();
  const problems: string[] = [];
  try {
    const page = await browser.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${(e as Error).message}`));
    // a reader whose browser prefers Chinese
    await page.evaluateOnNewDocument(() => {
      Object.defineProperty(navigator, "languages", { get: () => ["zh-CN", "zh", "en"] });
    });
    await page.setViewport({ width: 1200, height: 900 });

    await t.step("navigator.languages zh-CN: the page comes in Chinese", async () => {
      await ready(page, `${server.url}#${HASH}`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
      assert.equal(await page.evaluate(() => (globalThis as Lab).lab.lang), "zh");
      assert.equal(await page.$eval("#tab-train", (el) => el.textContent), "训练");
      assert.equal(await page.$eval("#lang-switch", (el) => el.textContent), "English");
      assert.equal(await page.$eval("#lang-switch", (el) => el.getAttribute("lang")), "en");
      // not chosen by the reader: the hash does not pin it
      assert.equal(
        new URLSearchParams((await page.evaluate(() => location.hash)).slice(1))
          .get("lang"),
        null,
      );
      // the command line stays as it is
      assert.equal(
        await page.$eval("#cli-command", (el) => el.textContent),
        "deno task train --preset recommended --cells lstm --lengths 5 --seeds 1 --epochs 2 " +
          "--hidden 8 --eval-steps 20",
      );
    });

    await t.step("a model trained and probed in Chinese", async () => {
      await page.click("#train-start");
      await page.waitForFunction(() => (globalThis as Lab).lab.train.state === "done", {
        timeout: DEADLINE_MS,
      });
      assert.match(
        await page.$eval("#train-status", (el) => el.textContent!),
        /^lstm-L5-s1：(训练完成|提前停止)，共 \d+ 步；验证集最高准确率 [\d.]+（第 \d+ 步），测试集准确率 [\d.]+。$/,
      );
      await page.click("#train-probe");
      await page.waitForFunction(() => (globalThis as Lab).lab.probe.result !== null, {
        timeout: DEADLINE_MS,
      });
      assert.match(
        await page.$eval("#probe-model", (el) => el.textContent!),
        /^模型：上面训练得到的最佳检查点——best\.safetensors（LSTM，隐状态维度 8，训练序列长度 5）$/,
      );
      const titles = await page.$$eval("#heatmaps h3", (hs) => hs.map((h) => h.textContent));
      assert.deepEqual(titles.slice(0, 5), [
        "输入门 i",
        "遗忘门 f",
        "输出门 o",
        "内部状态 c",
        "隐状态 h",
      ]);
      await page.click("#tab-load");
      assert.match(
        await page.$eval("#load-current", (el) => el.textContent!),
        /^best\.safetensors：LSTM，嵌入维度 \d+，隐状态维度 8，训练序列长度 5，最佳步 \d+/,
      );
    });

    await t.step(
      "every view at 1200 and 360 px: no English sentence, every glyph in the shipped fonts " +
        "and drawn with them, axe-core clean, nothing scrolls sideways",
      async () => {
        await page.evaluate(axe);
        await page.evaluate(() =>
          document.querySelectorAll("details").forEach((d) => d.open = true)
        );
        for (const width of [1200, 360]) {
          await page.setViewport({ width, height: width === 360 ? 640 : 900 });
          for (const view of VIEWS) {
            await page.click(`#tab-${view}`);
            const where = `${view} at ${width} px`;
            const texts = await shownText(page);
            const command = await page.$eval("#cli-command", (el) => el.textContent!);
            const all = texts.join("\n").replace(command, "");
            const missing = [...new Set(all)].filter((ch) =>
              !/\s/.test(ch) && !dejavu.covers(ch) && !cjk.covers(ch)
            );
            assert.deepEqual(missing, [], `${where}: characters without a glyph`);
            const english = all.split(/[^A-Za-z0-9.\-]+/).filter((w) =>
              /[A-Za-z]{1,}/.test(w) && !KEPT.has(w) && !/^lstm-L\d+-s\d+$/.test(w)
            );
            assert.deepEqual([...new Set(english)], [], `${where}: English words`);
            const fonts = await fontsUsed(page);
            const system = [...fonts].filter(([, custom]) => !custom).map(([name]) => name);
            assert.deepEqual(system, [], `${where}: text drawn with a system font`);
            assert.ok(fonts.has("Noto Sans CJK SC"), `${where}: ${[...fonts.keys()]}`);
            const violations = await page.evaluate(async () => {
              // deno-lint-ignore no-explicit-any
              const result = await (globalThis as any).axe.run(document);
              // deno-lint-ignore no-explicit-any
              return result.violations.map((v: any) =>
                // deno-lint-ignore no-explicit-any
                `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`
              );
            });
            assert.deepEqual(violations, [], where);
            const { scroll, client } = await page.evaluate(() => ({
              scroll: document.documentElement.scrollWidth,
              client: document.documentElement.clientWidth,
            }));
            assert.ok(scroll <= client, `${where} scrolls sideways: ${scroll} > ${client}`);
          }
        }
        await page.setViewport({ width: 1200, height: 900 });
      },
    );

    await t.step("the switch: English and back, the form and the model kept", async () => {
      await page.click("#tab-train");
      await page.$eval("#opt-hidden", (el) => (el as HTMLInputElement).value = "12");
      await page.$eval(
        "#opt-hidden",
        (el) => el.dispatchEvent(new Event("input", { bubbles: true })),
      );
      const form = () =>
        page.$$eval(
          "#train-form input, #train-form select",
          (els) =>
            els.map((el) => [
              el.id,
              (el as HTMLInputElement).type === "checkbox"
                ? String((el as HTMLInputElement).checked)
                : (el as HTMLInputElement).value,
            ]),
        );
      const before = await form();
      const model = () =>
        page.evaluate(() => {
          const lab = (globalThis as Lab).lab;
          return {
            name: lab.probe.current?.name,
            bytes: lab.fileBytes("best.safetensors").length,
            state: lab.train.state,
            logits: Array.from(lab.probe.result.trace.logits as Float32Array),
          };
        });
      const trained = await model();
      assert.equal(trained.state, "done");

      await page.click("#lang-switch");
      assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
      assert.equal(await page.$eval("#tab-train", (el) => el.textContent), "Train");
      assert.equal(await page.$eval("#lang-switch", (el) => el.textContent), "中文");
      assert.match(
        await page.$eval("#train-status", (el) => el.textContent!),
        /^lstm-L5-s1: (done|stopped early) at step \d+, best dev accuracy/,
      );
      assert.deepEqual(await form(), before);
      assert.deepEqual(await model(), trained);
      const hash = await page.evaluate(() => location.hash);
      assert.equal(new URLSearchParams(hash.slice(1)).get("lang"), "en");
      assert.equal(new URLSearchParams(hash.slice(1)).get("hidden"), "12");

      // the hash keeps the choice over the browser's preference
      const again = await browser.newPage();
      await again.evaluateOnNewDocument(() => {
        Object.defineProperty(navigator, "languages", { get: () => ["zh-CN"] });
      });
      await ready(again, `${server.url}${hash}`);
      assert.equal(await again.evaluate(() => document.documentElement.lang), "en");
      assert.equal(await again.$eval("#opt-hidden", (el) => (el as HTMLInputElement).value), "12");
      await again.close();

      await page.click("#lang-switch");
      assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
      assert.equal(await page.$eval("#tab-train", (el) => el.textContent), "训练");
      assert.deepEqual(await form(), before);
      assert.deepEqual(await model(), trained);
      assert.equal(
        new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get("lang"),
        "zh",
      );
    });

    await t.step("a bad file: a Chinese sentence, then the command line's own line", async () => {
      const dir = await Deno.makeTempDir({ prefix: "web_zh_" });
      try {
        await Deno.writeTextFile(`${dir}/notes.safetensors`, "these are notes, not tensors\n");
        await page.click("#tab-load");
        await (await page.$("input#load-file"))!.uploadFile(`${dir}/notes.safetensors`);
        await page.waitForFunction(
          () => document.getElementById("load-message")!.textContent !== "",
          { timeout: DEADLINE_MS },
        );
        assert.match(
          await page.$eval("#load-message", (el) => el.textContent!),
          /^无法载入（以下是命令行的报错原文）：error: notes\.safetensors: /,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });

    await t.step("no console error", () => assert.deepEqual(problems, []));
  } finally {
    await browser.close();
    await server.close();
  }
});
