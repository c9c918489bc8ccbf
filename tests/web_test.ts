/// <reference lib="dom" />
/**
 * The web lab in real headless Chromium (Debian's, driven by puppeteer-core): the page trains
 * with the command line's bytes (through a pause and a resume), probes a command-line checkpoint
 * with predict's logits and traceForward's gates, refuses a bad file with the command line's line,
 * restores its state from the URL, passes axe-core, fits 360 px, asks nothing of another origin
 * (the server's own defences: tests/serve_test.ts).
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { Page } from "puppeteer-core";
import { inputSaliency } from "../lib/analysis/saliency.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { traceForward } from "../lib/model/forward_trace.ts";
import { jobConfigs, RECOMMENDED_PRESET } from "../lib/train/config.ts";
import { cellOptionsOf, TRAIN } from "../lib/flags/train.ts";
import { runScript } from "./helpers.ts";
import { browserTest, DEADLINE_MS, launchBrowser, startServer } from "./web_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "web_test_" });
const run = join(tmp, "run");
const job = join(run, "lstm-L7-s3");
const checkpoint = join(job, "best.safetensors");
/** A length that is not a book length: the page must generate what `gen-data --lengths 7` writes. */
const TRAIN_ARGS = [
  "--preset",
  "recommended",
  "--cells",
  "lstm",
  "--lengths",
  "7",
  "--seeds",
  "3",
  "--epochs",
  "100",
  "--hidden",
  "16",
  "--eval-steps",
  "50",
];
const HASH = "view=train&preset=recommended&cell=lstm&length=7&seed=3&epochs=100&hidden=16" +
  "&eval-steps=50";
const SEQUENCE = [3, 4, 0, 0, 7, 0, 0];
const TRAIN_PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];

/** The page's test window, `globalThis.lab` (see web/src/main.ts). */
// deno-lint-ignore no-explicit-any
type Lab = any;

async function text(page: Page, selector: string): Promise<string> {
  return await page.$eval(selector, (el) => el.textContent ?? "");
}

async function ready(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "load", timeout: DEADLINE_MS });
  await page.waitForSelector("html[data-ready='1']", { timeout: DEADLINE_MS });
}

/** Wait (deadline of minutes) for a downloaded file to be complete in `dir`. */
async function downloaded(dir: string, name: string): Promise<Uint8Array> {
  const until = Date.now() + DEADLINE_MS;
  while (Date.now() < until) {
    try {
      return await Deno.readFile(join(dir, name));
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${name} was not downloaded`);
}

browserTest("web lab in headless Chromium", async (t) => {
  const data = join(tmp, "data");
  let r = await runScript("gen_data.ts", ["--lengths", "7", "--out", data]);
  assert.equal(r.code, 0, r.stderr);
  r = await runScript("train.ts", [...TRAIN_ARGS, "--data", data, "--out", run, "--workers", "1"], [
    ...TRAIN_PERMS,
  ]);
  assert.equal(r.code, 0, r.stderr);

  const server = await startServer(run);
  const origin = new URL(server.url).origin;
  const browser = await launchBrowser();
  const requests: string[] = [];
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("request", (req) => requests.push(req.url()));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${(e as Error).message}`));
  };
  try {
    const page = await browser.newPage();
    watch(page);
    await page.setViewport({ width: 1200, height: 900 });
    const downloads = join(tmp, "downloads");
    await Deno.mkdir(downloads);
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });

    await t.step(
      "train: the command line's metrics.csv and best checkpoint, through a pause and a resume",
      async () => {
        await ready(page, `${server.url}#${HASH}`);
        assert.equal(await text(page, "#cli-command"), `deno task train ${TRAIN_ARGS.join(" ")}`);
        await page.click("#train-start");
        // pause as soon as the first evaluation saved the job's state, from inside the page
        const paused = await page.evaluate(() =>
          new Promise<{ state: string; status: string; rows: number }>((resolve) => {
            const lab = (globalThis as Lab).lab;
            const check = () => {
              if (!lab.train.files.has("last.safetensors")) return void setTimeout(check, 0);
              document.getElementById("train-pause")!.click();
              resolve({
                state: lab.train.state,
                status: document.getElementById("train-status")!.textContent!,
                rows: lab.metricsText().split("\n").length - 2,
              });
            };
            check();
          })
        );
        assert.equal(paused.state, "paused");
        assert.match(paused.status, /^Paused; resuming continues from step \d+/);
        assert.ok(paused.rows < 3800, `paused after ${paused.rows} of 3800 steps`);
        assert.equal(await text(page, "#train-pause"), "Resume");
        await page.click("#train-pause");
        await page.waitForFunction(() => (globalThis as Lab).lab.train.state === "done", {
          timeout: DEADLINE_MS,
        });
        const metrics = await page.evaluate(() => (globalThis as Lab).lab.metricsText());
        assert.equal(metrics, await Deno.readTextFile(join(job, "metrics.csv")));
        const best = await page.evaluate(() =>
          (globalThis as Lab).lab.fileBytes("best.safetensors")
        );
        assert.deepEqual(new Uint8Array(best), await Deno.readFile(checkpoint));
        assert.match(await text(page, "#train-status"), /^lstm-L7-s3: done at step 3800/);

        // the downloads: metrics.csv and best.safetensors as written, ONNX as `deno task export`'s
        await page.click("#dl-metrics");
        await page.click("#dl-best");
        await page.click("#dl-onnx");
        assert.deepEqual(
          await downloaded(downloads, "metrics.csv"),
          await Deno.readFile(join(job, "metrics.csv")),
        );
        assert.deepEqual(
          await downloaded(downloads, "best.safetensors"),
          await Deno.readFile(checkpoint),
        );
        const onnx = join(tmp, "cli.onnx");
        const e = await runScript("export.ts", ["--checkpoint", checkpoint, "--out", onnx]);
        assert.equal(e.code, 0, e.stderr);
        assert.deepEqual(await downloaded(downloads, "lstm-L7-s3.onnx"), await Deno.readFile(onnx));
      },
    );

    await t.step(
      "probe: a command-line checkpoint gives predict's logits and traceForward's gates",
      async () => {
        await page.click("#tab-load");
        await page.waitForSelector("#run-job-list button", { timeout: DEADLINE_MS });
        assert.equal(await text(page, "#run-job-list button"), "lstm-L7-s3/best.safetensors");
        await page.click("#run-job-list button");
        await page.waitForFunction(() => (globalThis as Lab).lab.view === "probe", {
          timeout: DEADLINE_MS,
        });
        await page.click("#probe-seq", { count: 3 });
        await page.keyboard.press("Backspace");
        await page.type("#probe-seq", SEQUENCE.join(" "));
        await page.waitForFunction(
          (seq: string) => (globalThis as Lab).lab.probe.result?.digits.join(" ") === seq,
          { timeout: DEADLINE_MS },
          SEQUENCE.join(" "),
        );
        const shown = await page.evaluate(() => {
          const r = (globalThis as Lab).lab.probe.result;
          const gates: Record<string, number[]> = {};
          for (const [k, v] of Object.entries(r.trace.gates)) {
            gates[k] = Array.from(v as Float32Array);
          }
          return {
            logits: Array.from(r.trace.logits as Float32Array),
            gates,
            c: Array.from(r.trace.c as Float32Array),
            h: Array.from(r.trace.h as Float32Array),
            saliency: Array.from(r.saliency as Float32Array),
            pred: r.pred as number,
          };
        });
        const { model } = await loadCheckpoint(checkpoint);
        const digits = Int32Array.from(SEQUENCE);
        const trace = traceForward(model, digits);
        for (const [name, values] of Object.entries(trace.gates)) {
          assert.deepEqual(shown.gates[name], Array.from(values), `gate ${name}`);
        }
        assert.deepEqual(shown.c, Array.from(trace.c));
        assert.deepEqual(shown.h, Array.from(trace.h));
        assert.deepEqual(
          shown.saliency,
          Array.from(inputSaliency(model, digits, shown.pred).saliency),
        );

        const one = join(tmp, "one.txt");
        await Deno.writeTextFile(one, `${SEQUENCE.join(" ")}\t7\n`);
        const p = await runScript("predict.ts", ["--checkpoint", checkpoint, "--data", one]);
        assert.equal(p.code, 0, p.stderr);
        const row = p.stdout.trim().split("\n")[1]!.split(",");
        assert.equal(Number(row[2]), shown.pred);
        assert.deepEqual(shown.logits, row.slice(3).map((v) => Math.fround(Number(v))));
        assert.match(await text(page, "#probe-pred"), new RegExp(`^Predicted sum ${shown.pred} `));
        assert.equal(await page.$$eval("#probs-table tbody tr", (rows) => rows.length), 19);
        assert.equal(await page.$$eval("#units-table tbody tr", (rows) => rows.length), 16);
        assert.equal(await page.$$eval("#heatmaps canvas", (c) => c.length), 5); // i, f, o, c, h
      },
    );

    await t.step("a bad file is refused with the command line's one line", async () => {
      const bad = join(tmp, "bad");
      await Deno.mkdir(bad);
      const good = await Deno.readFile(checkpoint);
      await Deno.writeTextFile(join(bad, "notes.safetensors"), "these are notes, not tensors\n");
      await Deno.writeFile(join(bad, "cut.safetensors"), good.slice(0, good.length - 100));
      await page.click("#tab-load");
      for (const name of ["notes.safetensors", "cut.safetensors"]) {
        const cli = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--quiet",
            `--config=${resolve("deno.json")}`,
            "--allow-read",
            resolve("scripts/predict.ts"),
            "--checkpoint",
            name,
            "--data",
            join(tmp, "one.txt"),
          ],
          cwd: bad,
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(cli.code, 1);
        const line = new TextDecoder().decode(cli.stderr).trim();
        assert.equal(line.split("\n").length, 1, line);
        assert.match(line, new RegExp(`^error: ${name}: `));
        const input = await page.$("input#load-file");
        await input!.uploadFile(join(bad, name));
        await page.waitForFunction(
          (expected: string) => document.getElementById("load-message")!.textContent === expected,
          { timeout: DEADLINE_MS },
          line,
        );
      }
      assert.equal(await page.evaluate(() => (globalThis as Lab).lab.view), "load");
    });

    await t.step("drag and drop: a GRU checkpoint shows its reset and update gates", async () => {
      const gruRun = join(tmp, "gru");
      const g = await runScript("train.ts", [
        ...["--cells", "gru", "--lengths", "5", "--seeds", "0", "--epochs", "1", "--hidden", "8"],
        ...["--out", gruRun, "--workers", "1"],
      ], TRAIN_PERMS);
      assert.equal(g.code, 0, g.stderr);
      const path = join(gruRun, "gru-L5-s0", "best.safetensors");
      await page.click("#tab-load");
      await page.evaluate((bytes: number[]) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "gru.safetensors"));
        const drop = new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
        document.getElementById("drop-zone")!.dispatchEvent(drop);
      }, Array.from(await Deno.readFile(path)));
      await page.waitForFunction(
        () => (globalThis as Lab).lab.probe.result?.trace.cell === "gru",
        { timeout: DEADLINE_MS },
      );
      assert.match(await text(page, "#load-message"), /^Loaded gru\.safetensors: GRU, /);
      const shown = await page.evaluate(() => {
        const { trace, digits } = (globalThis as Lab).lab.probe.result;
        return {
          digits: Array.from(digits as Int32Array),
          reset: Array.from(trace.gates.reset as Float32Array),
          update: Array.from(trace.gates.update as Float32Array),
          h: Array.from(trace.h as Float32Array),
        };
      });
      assert.deepEqual(shown.digits, SEQUENCE); // the typed sequence stays
      const trace = traceForward((await loadCheckpoint(path)).model, Int32Array.from(SEQUENCE));
      assert.deepEqual(shown.reset, Array.from(trace.gates.reset!));
      assert.deepEqual(shown.update, Array.from(trace.gates.update!));
      assert.deepEqual(shown.h, Array.from(trace.h));
      const panels = await page.$$eval("#heatmaps figure", (f) => f.map((x) => x.id));
      assert.deepEqual(panels, ["panel-reset", "panel-update", "panel-h", "panel-saliency"]);
    });

    await t.step("the URL hash holds the options, the sequence and the step", async () => {
      await page.click("#tab-probe");
      await page.focus("#probe-step");
      for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
      assert.equal(await page.evaluate(() => (globalThis as Lab).lab.probe.step), 5);
      const hash = await page.evaluate(() => location.hash);
      const params = new URLSearchParams(hash.slice(1));
      assert.equal(params.get("view"), "probe");
      assert.equal(params.get("seq"), SEQUENCE.join(""));
      assert.equal(params.get("step"), "5");
      assert.equal(params.get("epochs"), "100");

      const again = await browser.newPage();
      watch(again);
      await ready(again, `${server.url}${hash}`);
      assert.equal(await again.evaluate(() => location.hash), hash);
      assert.equal(await again.$eval("#probe", (el) => (el as HTMLElement).hidden), false);
      assert.equal(await again.$eval("#opt-hidden", (el) => (el as HTMLInputElement).value), "16");
      assert.equal(await again.$eval("#opt-length", (el) => (el as HTMLInputElement).value), "7");
      assert.equal(await again.$eval("#opt-seed", (el) => (el as HTMLInputElement).value), "3");
      assert.equal(
        await again.$eval("#probe-seq", (el) => (el as HTMLInputElement).value),
        "3400700",
      );
      await again.click("#tab-load");
      await again.waitForSelector("#run-job-list button", { timeout: DEADLINE_MS });
      await again.click("#run-job-list button");
      await again.waitForFunction(() => (globalThis as Lab).lab.probe.result !== null, {
        timeout: DEADLINE_MS,
      });
      assert.equal(await text(again, "#probe-step-out"), "5 of 7 (digit 7, noise)");
      await again.close();
    });

    await t.step(
      "the IRNN: the page's job is the command line's, with the IRNN's own settings",
      async () => {
        const irnn = await browser.newPage();
        watch(irnn);
        await ready(irnn, `${server.url}#cell=irnn&length=7&seed=3`);
        assert.equal(
          await text(irnn, "#cli-command"),
          "deno task train --preset recommended --cells irnn --lengths 7 --seeds 3",
        );
        const [cli] = jobConfigs(["irnn"], [7], [3], RECOMMENDED_PRESET, cellOptionsOf({}));
        assert.deepEqual(
          await irnn.evaluate(() => (globalThis as Lab).lab.train.formConfig()),
          cli,
        );
        await irnn.select("#opt-cell", "lstm");
        assert.equal(
          await irnn.$eval("#opt-lr", (el) => (el as HTMLInputElement).value),
          String(RECOMMENDED_PRESET.lr),
        );
        assert.equal(
          await text(irnn, "#cli-command"),
          "deno task train --preset recommended --cells lstm --lengths 7 --seeds 3",
        );
        await irnn.close();
      },
    );

    await t.step("the form's choices and bounds are deno task train's declared ones", async () => {
      const form = await page.evaluate(() => {
        const words = (id: string) =>
          [...(document.getElementById(id) as HTMLSelectElement).options].map((o) => o.value);
        const inputs = [...document.querySelectorAll<HTMLInputElement>("#train-form input")]
          .filter((el) => el.type === "number")
          .map((el) => [el.name, el.min, el.max, el.step] as [string, string, string, string]);
        return { presets: words("opt-preset"), cells: words("opt-cell"), inputs };
      });
      assert.deepEqual(form.presets, TRAIN.flags.preset.choices);
      assert.deepEqual(form.cells, TRAIN.flags.cells.choices);
      // the page's input names are its URL-hash keys; length and seed are one job's
      const flagOf: Record<string, keyof typeof TRAIN.flags> = {
        length: "lengths",
        seed: "seeds",
        batch: "batch-size",
      };
      for (const [name, min, max, step] of form.inputs) {
        const flag = TRAIN.flags[flagOf[name] ?? name as keyof typeof TRAIN.flags] as {
          type: string;
          min?: number;
          max?: number;
        };
        const declaredMax = name === "length" ? "200" : String(flag.max ?? "");
        assert.deepEqual(
          [min, max, step],
          [String(flag.min), declaredMax, flag.type === "float" ? "any" : "1"],
          name,
        );
      }
      assert.equal(form.inputs.length, 10);
    });

    await t.step(
      "axe-core finds no violation in any view; at 360 × 640 nothing scrolls sideways",
      async () => {
        const axe = await Deno.readTextFile(
          createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
        );
        await page.evaluate(axe);
        await page.evaluate(() =>
          document.querySelectorAll("details").forEach((d) => d.open = true)
        );
        for (const width of [1200, 360]) {
          await page.setViewport({ width, height: width === 360 ? 640 : 900 });
          for (const view of ["train", "probe", "load"]) {
            await page.click(`#tab-${view}`);
            const violations = await page.evaluate(async () => {
              // deno-lint-ignore no-explicit-any
              const result = await (globalThis as any).axe.run(document);
              // deno-lint-ignore no-explicit-any
              return result.violations.map((v: any) =>
                // deno-lint-ignore no-explicit-any
                `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`
              );
            });
            assert.deepEqual(violations, [], `${view} at ${width} px`);
            const { scroll, client } = await page.evaluate(() => ({
              scroll: document.documentElement.scrollWidth,
              client: document.documentElement.clientWidth,
            }));
            assert.ok(
              scroll <= client,
              `${view} at ${width} px scrolls sideways: ${scroll} > ${client}`,
            );
          }
        }
      },
    );

    await t.step("no request left the origin; no console error", () => {
      assert.ok(requests.length > 5);
      const foreign = requests.filter((u) =>
        !u.startsWith("data:") && !u.startsWith("blob:") && new URL(u).origin !== origin
      );
      assert.deepEqual(foreign, []);
      assert.deepEqual(problems, []);
    });
  } finally {
    await browser.close();
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
