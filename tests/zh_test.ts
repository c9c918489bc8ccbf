/**
 * The page and the front page in Chinese, without a browser: the strings table has every key in
 * both languages with the same placeholders, the page uses only keys that exist and every key is
 * used, the shipped fonts have a glyph for every character of the Chinese strings, and
 * README.zh-CN.md has the README's results figures. (tests/web_zh_test.ts checks the page in
 * Chromium.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fontMetrics } from "../lib/plot/font_metrics.ts";
import type { GatesPanel } from "../lib/plot/gates_panel.ts";
import { PLOT_LABELS } from "../lib/plot/labels.ts";
import { plotRun } from "../lib/plot/plot_run.ts";
import { loadFont, svgToPng } from "../lib/plot/render.ts";
import { type Key, langFor, LANGS, STRINGS } from "../web/src/strings.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

Deno.test("strings: every key in both languages, non-empty, with the same placeholders", () => {
  const en = Object.keys(STRINGS.en).sort();
  for (const lang of LANGS) {
    assert.deepEqual(Object.keys(STRINGS[lang]).sort(), en, `${lang}: the keys differ from en`);
    for (const [key, text] of Object.entries(STRINGS[lang])) {
      assert.ok(text.trim() !== "", `${lang} ${key} is empty`);
      const english = STRINGS.en[key as Key];
      assert.deepEqual(placeholders(text), placeholders(english), `${lang} ${key}: placeholders`);
      assert.equal(text.split("`").length, english.split("`").length, `${lang} ${key}: code spans`);
    }
  }
  for (const [key, text] of Object.entries(STRINGS.zh)) {
    if (key === "col.logit") continue; // the same word in Chinese texts
    assert.notEqual(text, STRINGS.en[key as Key], `zh ${key} is still English`);
  }
});

Deno.test("strings: the page uses only keys of the table, and every key somewhere", async () => {
  const html = await Deno.readTextFile("web/index.html");
  const sources: string[] = [];
  for await (const entry of Deno.readDir("web/src")) {
    if (entry.name.endsWith(".ts") && entry.name !== "strings.ts") {
      sources.push(await Deno.readTextFile(`web/src/${entry.name}`));
    }
  }
  const code = sources.join("\n");
  const used = new Set([
    ...[...html.matchAll(/data-i18n(?:-aria-label)?="([^"]+)"/g)].map((m) => m[1]!),
    ...[...code.matchAll(/\bt\(\s*"([^"]+)"/g)].map((m) => m[1]!),
    ...[...code.matchAll(/"([a-z]+\.[A-Za-z-]+)"/g)].map((m) => m[1]!)
      .filter((k) => k in STRINGS.en),
  ]);
  for (const key of used) assert.ok(key in STRINGS.en, `${key} is used but not in the table`);
  // keys built at run time: `status.${r.status}`, `gate.${key}`, `preset.${name}` (the Train
  // form's presets come from deno task train's declaration)
  const built = /^(status|gate|preset)\./;
  const unused = Object.keys(STRINGS.en).filter((k) => !used.has(k) && !built.test(k));
  assert.deepEqual(unused, [], "keys in the table that nothing uses");
  // the page's HTML holds no words of its own: every text is a key's
  const text = html.replace(/<(script|style|title)[^>]*>.*?<\/\1>/gs, "").replace(/<[^>]+>/g, " ");
  const words = text.split(/\s+/).filter((w) => /[A-Za-z]/.test(w));
  // (the cells' options, LSTM … IRNN, come from deno task train's declaration)
  assert.deepEqual(words, ["lstm-lab"]);
});

Deno.test("langFor: the first Chinese or English entry of navigator.languages decides", () => {
  assert.equal(langFor(["zh-CN"]), "zh");
  assert.equal(langFor(["zh-Hans-CN", "en"]), "zh");
  assert.equal(langFor(["zh-TW"]), "zh");
  assert.equal(langFor(["en-US", "zh-CN"]), "en");
  assert.equal(langFor(["ja", "zh"]), "zh");
  assert.equal(langFor([]), "en");
});

Deno.test("fonts: DejaVu Sans or the CJK subset has a glyph for every character shown", async () => {
  const dejavu = fontMetrics(await Deno.readFile("lib/plot/fonts/DejaVuSans.ttf"));
  const cjk = fontMetrics(await Deno.readFile("lib/plot/fonts/NotoSansCJKsc-subset.otf"));
  const texts = [
    ...Object.values(STRINGS.zh),
    ...Object.values(STRINGS.en),
    ...Object.values(PLOT_LABELS.zh).flatMap((v) => typeof v === "string" ? [v] : Object.values(v)),
  ];
  const missing = new Set<string>();
  for (const ch of texts.join("")) {
    if (!dejavu.covers(ch) && !cjk.covers(ch)) missing.add(ch);
  }
  assert.deepEqual(
    [...missing],
    [],
    "no glyph: run /usr/bin/python3 scripts/make_cjk_font.py and commit the font",
  );
  // the subset holds what DejaVu lacks, not a glyph more than the script chose
  assert.ok(!cjk.covers("A") && !cjk.covers("é"));
  assert.ok(cjk.covers("遗") && cjk.covers("，"));
});

Deno.test("plot --lang zh: Chinese titles, axes and legends, drawn with the CJK subset", async () => {
  const fixture = "tests/fixtures/run_small";
  const traces = JSON.parse(await Deno.readTextFile(join(fixture, "traces.json"))) as GatesPanel[];
  const out = await Deno.makeTempDir({ prefix: "plot_zh_" });
  try {
    const result = await plotRun(fixture, {
      outDir: out,
      scale: 1,
      lang: "zh",
      gatesPanels: () => Promise.resolve(traces),
    });
    assert.deepEqual(result.figures, ["loss", "accuracy", "gates"]);
    assert.deepEqual(result.notes, []); // no renderer warning
    const svg = async (name: string) =>
      await Deno.readTextFile(join(out, "figures", `${name}.svg`));
    const text = (s: string) => [...s.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    const accuracy = text(await svg("accuracy"));
    for (const label of ["准确率与序列长度", "序列长度", "准确率", "循环单元", "测试集"]) {
      assert.ok(accuracy.includes(label), `accuracy: ${label} in ${accuracy}`);
    }
    const loss = text(await svg("loss"));
    for (
      const label of [
        "训练损失与验证集损失",
        "训练步数",
        "损失（对数坐标）",
        "验证集损失（每次评估）",
      ]
    ) {
      assert.ok(loss.includes(label), `loss: ${label} in ${loss}`);
    }
    const gatesSvg = await svg("gates");
    const gates = text(gatesSvg);
    for (const label of ["输入门", "遗忘门", "输出门", "内部状态范数", "隐状态范数", "时刻 t"]) {
      assert.ok(gates.includes(label), `gates: ${label} in ${gates}`);
    }
    // no English word left in any figure's text (numbers, cells, L=, t stay)
    for (const words of [accuracy, loss, gates]) {
      const english = words.join(" ").split(/[^A-Za-z]+/).filter((w) =>
        w !== "" && !["LSTM", "GRU", "L", "t", "k"].includes(w)
      );
      assert.deepEqual(english, []);
    }
    // the Chinese glyphs come from the subset: without it the PNG differs
    const withCjk = await Deno.readFile(join(out, "figures", "gates.png"));
    const dejavuOnly = await svgToPng(gatesSvg, { scale: 1, fonts: [await loadFont()] });
    assert.notDeepEqual(withCjk, dejavuOnly);
    const report = await Deno.readTextFile(join(out, "report.html"));
    assert.match(report, /<h2>门控的动态<\/h2>/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

/** The numbers of the first Markdown table whose header is the lengths 10 … 35, row by row. */
function resultsFigures(markdown: string, file: string): number[][] {
  const tables = markdown.split(/\n(?!\|)/).map((block) =>
    block.split("\n").filter((line) => line.startsWith("|"))
  ).filter((rows) => rows.length > 2);
  const cells = (line: string) =>
    line.split("|").slice(1, -1).map((c) => c.trim()).filter((c) => /^-?\d+(\.\d+)?$/.test(c))
      .map(Number);
  const table = tables.find((rows) => cells(rows[0]!).join(" ") === "10 15 20 25 30 35");
  assert.ok(table, `${file}: no table with the lengths 10–35 as its header`);
  return table.slice(2).map(cells);
}

Deno.test("README.zh-CN.md has the README's results table, figure for figure", async () => {
  const en = resultsFigures(await Deno.readTextFile("README.md"), "README.md");
  const zh = resultsFigures(await Deno.readTextFile("README.zh-CN.md"), "README.zh-CN.md");
  assert.ok(en.length >= 3 && en.every((row) => row.length === 6), JSON.stringify(en));
  assert.deepEqual(zh, en);
});

Deno.test("README.md and README.zh-CN.md link to each other in their first lines", async () => {
  const head = (text: string) => text.split("\n").slice(0, 5).join("\n");
  assert.match(head(await Deno.readTextFile("README.md")), /\(README\.zh-CN\.md\)/);
  assert.match(head(await Deno.readTextFile("README.zh-CN.md")), /\(README\.md\)/);
  // every relative link of the Chinese README points at a file of the repository
  const zh = await Deno.readTextFile("README.zh-CN.md");
  for (const [, target] of zh.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
    assert.ok(!/^[a-z]+:/.test(target!), `README.zh-CN.md links outside the repository: ${target}`);
    await Deno.stat(target!); // throws when missing
  }
});
