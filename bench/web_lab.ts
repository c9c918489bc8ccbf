/// <reference lib="dom" />
/**
 * `deno run -A bench/web_lab.ts [--length 35] [--epochs 20] [--rounds 3] [--screens docs/figures]`:
 * the web lab measured in headless Chromium against Deno on the same job.
 *
 * - ms a training step: one job (recommended preset, seed 0) run by lib/train's `runJob` in the
 *   page's worker and, in this process, the same function on the same data in a folder in memory
 *   (no disk on either side); evaluations and checkpoints included; the lowest of `rounds`
 *   alternating runs each.
 * - the page's longest main-thread task while training (PerformanceObserver "longtask": only
 *   tasks over 50 ms are reported, so "none" means every task was 50 ms or less).
 * - bare training steps (bench/web_steps.ts: forward, BPTT, Adam) in Deno, on a page's main thread
 *   and in a page's worker, `rounds` times alternating: the kernels' speed apart from the job's.
 * - the size of each file in web/dist.
 * - with --screens DIR: screenshots of the three views at 1200 × 900 and 360 × 640
 *   (`web-{train,probe,load}[-narrow].png`), the Probe view showing a model trained in the page;
 *   then the same in Chinese (`web-{train,probe,load}-zh[-narrow].png`).
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { jobConfigs, RECOMMENDED_PRESET } from "../lib/train/config.ts";
import type { JobProgress } from "../lib/train/job.ts";
import { runJob } from "../lib/train/job.ts";
import { memoryFolder } from "../lib/train/job_folder.ts";
import { bookData } from "../web/src/data.ts";
import { bareStepMs } from "./web_steps.ts";
import { buildSite, DEADLINE_MS, launchBrowser, startServer } from "../tests/web_helpers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    length: { type: "string", default: "35" },
    epochs: { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
    screens: { type: "string" },
  },
});
const length = Number(values.length);
const epochs = Number(values.epochs);
const rounds = Number(values.rounds);
const config = jobConfigs(["lstm"], [length], [0], { ...RECOMMENDED_PRESET, epochs })[0]!;
const hash = `preset=recommended&cell=lstm&length=${length}&seed=0&epochs=${epochs}`;

/** ms a step of one run of the job in Deno, from the loop's own clock. */
function denoRun(): number {
  let last: JobProgress | null = null;
  runJob(config, bookData(length), memoryFolder("bench"), {
    hooks: { onProgress: (p) => last = p },
  });
  return (last!.elapsedS * 1000) / last!.step;
}

/** ms a step of one run of the job in the page, and the long tasks seen meanwhile. */
async function pageRun(
  page: Page,
  url: string,
): Promise<{ ms: number; longTasks: string[]; longestCode: number }> {
  await page.goto("about:blank"); // a fresh page each round, not a change of hash
  await page.goto(`${url}#${hash}`, { waitUntil: "load", timeout: DEADLINE_MS });
  await page.waitForSelector("html[data-ready='1']", { timeout: DEADLINE_MS });
  await page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const w = globalThis as any;
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // when: ms after the click on Train; the job's end is at w.doneAt
        w.longTasks.push([entry.startTime - w.clickAt, entry.duration]);
      }
    }).observe({ type: "longtask" });
    // the longest run of the page's own code (a message handled, the progress or the curves
    // drawn), to tell it from time the main thread was not given (the machine is shared)
    w.longestCode = 0;
    const train = w.lab.train;
    for (const name of ["onMessage", "renderProgress", "renderCharts"]) {
      const method = train[name].bind(train);
      train[name] = (...args: unknown[]) => {
        const started = performance.now();
        method(...args);
        w.longestCode = Math.max(w.longestCode, performance.now() - started);
      };
    }
    // the worker's last progress report: its own clock, like denoRun's
    const original = w.lab.train.onMessage.bind(w.lab.train);
    w.lab.train.onMessage = (m: { type: string; progress?: unknown }) => {
      if (m.type === "progress") w.lastProgress = m.progress;
      if (m.type === "done") w.doneAt = performance.now() - w.clickAt;
      original(m);
    };
  });
  // deno-lint-ignore no-explicit-any
  await page.evaluate(() => (globalThis as any).clickAt = performance.now());
  await page.click("#train-start");
  // deno-lint-ignore no-explicit-any
  await page.waitForFunction(() => (globalThis as any).lab.train.state === "done", {
    timeout: DEADLINE_MS,
  });
  // the tasks right after the end (the best model loaded into the Probe view) count too
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1000)));
  return await page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const w = globalThis as any;
    return {
      ms: (w.lastProgress.elapsedS * 1000) / w.lastProgress.step,
      longestCode: w.longestCode,
      longTasks: w.longTasks.map(([at, ms]: [number, number]) =>
        `${ms.toFixed(0)} ms at ${(at / 1000).toFixed(2)} s (job ended at ${
          (w.doneAt / 1000).toFixed(2)
        } s)`
      ),
    };
  });
}

await buildSite();
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const deno: number[] = [];
  const web: number[] = [];
  const longTasks: string[] = [];
  let longestCode = 0;
  for (let round = 0; round < rounds; round++) {
    deno.push(denoRun());
    const r = await pageRun(page, server.url);
    web.push(r.ms);
    longTasks.push(...r.longTasks);
    longestCode = Math.max(longestCode, r.longestCode);
  }
  const steps = epochs * Math.ceil(300 / config.batchSize);
  const best = (xs: number[]) => Math.min(...xs);
  console.log(`job lstm-L${length}-s0, recommended preset, ${epochs} epochs (${steps} steps):`);
  console.log(`  Deno ${deno.map((x) => x.toFixed(3)).join(" / ")} ms a step`);
  console.log(`  page ${web.map((x) => x.toFixed(3)).join(" / ")} ms a step`);
  console.log(
    `  lowest: Deno ${best(deno).toFixed(3)}, page ${best(web).toFixed(3)} ms a step: page/Deno ${
      (best(web) / best(deno)).toFixed(2)
    }×`,
  );
  console.log(
    longTasks.length === 0
      ? "  main thread while training: no task over 50 ms"
      : `  main thread while training: ${longTasks.length} tasks over 50 ms: ${
        longTasks.join("; ")
      }`,
  );
  console.log(`  the page's own code: longest ${longestCode.toFixed(1)} ms at a time`);
  console.log(`  load average: ${Deno.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  await bareSteps(await browser.newPage());
  const sizes = [];
  for (const entry of Deno.readDirSync("web/dist")) {
    const bytes = Deno.readFileSync(join("web/dist", entry.name));
    const gz = await new Response(
      new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer();
    sizes.push(
      `${entry.name} ${(bytes.length / 1024).toFixed(1)} KB (gzip ${
        (gz.byteLength / 1024).toFixed(1)
      } KB)`,
    );
  }
  console.log(`web/dist: ${sizes.sort().join(", ")}`);
} finally {
  await browser.close();
  await server.close();
}
if (values.screens) await screens(values.screens);

/**
 * The bare steps of bench/web_steps.ts, `rounds` times alternating: in Deno, on a page's main
 * thread and in a page's worker (a blank page, the module bundled as the site's are).
 */
async function bareSteps(page: Page): Promise<void> {
  const bundle = await Deno.makeTempFile({ suffix: ".js" });
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--import-map", "web/import_map.json"]
      .concat(["-o", bundle, "bench/web_steps.ts"]),
  }).output();
  if (!built.success) throw new Error(new TextDecoder().decode(built.stderr));
  const source = (await Deno.readTextFile(bundle)).replace(/export \{[^}]*\};/, "");
  await Deno.remove(bundle);
  await page.goto("about:blank");
  await page.addScriptTag({ content: source });
  const steps = 400;
  const times: Record<string, number[]> = { Deno: [], "page main thread": [], "page worker": [] };
  for (let round = 0; round < rounds; round++) {
    times.Deno!.push(bareStepMs(length, steps));
    times["page main thread"]!.push(
      // deno-lint-ignore no-explicit-any
      await page.evaluate((l, n) => (globalThis as any).bareStepMs(l, n), length, steps),
    );
    times["page worker"]!.push(
      await page.evaluate(
        (src, l, n) =>
          new Promise<number>((resolve) => {
            const code =
              `${src}\nonmessage = (e) => postMessage(bareStepMs(e.data[0], e.data[1]));`;
            const worker = new Worker(URL.createObjectURL(new Blob([code])));
            worker.onmessage = (e) => {
              worker.terminate();
              resolve(e.data);
            };
            worker.postMessage([l, n]);
          }),
        source,
        length,
        steps,
      ),
    );
  }
  console.log(`bare steps (forward, BPTT, Adam), lstm-L${length}, ${steps} steps a round:`);
  for (const [where, ms] of Object.entries(times)) {
    console.log(
      `  ${where} ${ms.map((x) => x.toFixed(3)).join(" / ")}, lowest ${
        Math.min(...ms).toFixed(3)
      } ms a step`,
    );
  }
}

/**
 * Screenshots of the three views, wide and narrow, after training a model in the page; the site
 * served with a small command-line run (`--run`), whose jobs the Load view lists.
 */
async function screens(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const run = await Deno.makeTempDir({ prefix: "web_lab_run_" });
  const train = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", "scripts/train.ts", "--lengths", "10", "--seeds", "0,1"]
      .concat(["--epochs", "3", "--out", run, "--workers", "1"]),
    stdout: "null",
  }).output();
  if (!train.success) throw new Error("deno task train failed");
  const server = await startServer(run);
  const browser = await launchBrowser();
  try {
    await shoot(await browser.newPage(), server.url, dir);
  } finally {
    await browser.close();
    await server.close();
    await Deno.remove(run, { recursive: true });
  }
}

async function shoot(page: Page, url: string, dir: string): Promise<void> {
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`${url}#preset=recommended&cell=lstm&length=10&seed=0&epochs=150`, {
    waitUntil: "load",
  });
  await page.waitForSelector("html[data-ready='1']", { timeout: DEADLINE_MS });
  await page.click("#train-start");
  // deno-lint-ignore no-explicit-any
  await page.waitForFunction(() => (globalThis as any).lab.train.state === "done", {
    timeout: DEADLINE_MS,
  });
  await page.click("#train-probe");
  await page.click("#tab-probe");
  await page.click("#probe-seq", { count: 3 });
  await page.keyboard.press("Backspace");
  await page.type("#probe-seq", "3 4 0 0 0 0 7 0 0 0");
  await page.focus("#probe-step");
  for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowRight");
  // in English, then (the language switched, the model and the form kept) in Chinese
  for (const lang of ["", "-zh"]) {
    if (lang) await page.click("#lang-switch");
    for (const [width, height, suffix] of [[1200, 900, ""], [360, 640, "-narrow"]] as const) {
      await page.setViewport({ width, height });
      for (const view of ["train", "probe", "load"]) {
        await page.click(`#tab-${view}`);
        await page.evaluate(() => globalThis.scrollTo(0, 0));
        const path = join(dir, `web-${view}${lang}${suffix}.png`);
        await page.screenshot({ path, fullPage: true });
        console.log(`wrote ${path}`);
      }
    }
  }
}
