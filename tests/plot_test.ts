/**
 * Plots and report: each figure rendered from the fixture run (tests/fixtures/run_small) holds
 * its panels, series and axis titles; the PNGs decode and really show text; the report is one
 * self-contained page; every missing or malformed run file gives its one-line message.
 *
 * Rendering is the slow part (~1 s a figure), so ONE `plotRun` with all three figures feeds most
 * of the checks.
 */
import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { join } from "node:path";
import { UserError } from "../lib/errors.ts";
import {
  bandLineSpec,
  type GatesPanel,
  logTicks,
  minMaxIndices,
  movingAverage,
  plotRun,
  type PlotRunResult,
  renderFigure,
  reportHtml,
  resultRows,
  svgToPng,
} from "../lib/plot/mod.ts";
import { readRun } from "../lib/run/read.ts";
import { concatBytes, runScript } from "./helpers.ts";
import { BOOK_MODEL, type CellKind, initParams, saveCheckpoint, SeqClassifier } from "../mod.ts";

const FIXTURE = "tests/fixtures/run_small";
const SCRIPT_PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env"];
/** The LSTM's and GRU's entries in the gates figure's legend. */
const GATE_LEGEND = [
  "input gate",
  "forget gate",
  "output gate",
  "cell-state norm",
  "update gate",
  "reset gate",
];
/** The script tests start a subprocess: they run under `deno task test` (which allows it). */
const CANNOT_RUN = Deno.permissions.querySync({ name: "run" }).state !== "granted";

// ---------------------------------------------------------------------------------------------
// Helpers: a fresh copy of the fixture for a test, the text of an SVG, and a small PNG decoder.

/** Copy the fixture run (its CSV and JSON files) into a new temporary folder. */
async function copyFixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "run_small_" });
  for await (const entry of Deno.readDir(FIXTURE)) {
    if (entry.isFile) {
      if (/\.(csv|json)$/.test(entry.name)) {
        await Deno.copyFile(join(FIXTURE, entry.name), join(dir, entry.name));
      }
    } else if (entry.isDirectory) {
      await Deno.mkdir(join(dir, entry.name));
      for await (const file of Deno.readDir(join(FIXTURE, entry.name))) {
        await Deno.copyFile(join(FIXTURE, entry.name, file.name), join(dir, entry.name, file.name));
      }
      // a real (seeded, untrained) best checkpoint, so that the gates figure can trace it
      const cell = entry.name.split("-")[0] as CellKind;
      const model = new SeqClassifier({ ...BOOK_MODEL, cell });
      initParams(model, { init: "xavier", seed: 0, forgetBias: cell === "lstm" ? 1 : 0 });
      await saveCheckpoint(join(dir, entry.name, "best.safetensors"), model);
    }
  }
  return dir;
}

/** Run `test` on a fresh copy of the fixture, removed afterwards. */
async function withFixture(test: (dir: string) => Promise<void>): Promise<void> {
  const dir = await copyFixture();
  try {
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every piece of text an SVG shows (the content of its `<text>` elements), entities decoded. */
function svgTexts(svg: string): string[] {
  const decode = (s: string) =>
    s.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(
      /&quot;/g,
      '"',
    ).replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => decode(m[1]!));
}

function countOf(texts: string[], text: string): number {
  return texts.filter((t) => t === text).length;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  rgba: Uint8Array;
}

/**
 * Decode an 8-bit RGB or RGBA, non-interlaced PNG (what resvg writes): the signature, every
 * chunk's CRC, IHDR, the inflated IDAT size, and the five row filters. Throws on anything else.
 */
function decodePng(png: Uint8Array): DecodedPng {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.deepEqual([...png.subarray(0, 8)], signature, "PNG signature");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    const body = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    assert.equal(crc32(png.subarray(offset + 4, offset + 8 + length)), crc, `CRC of ${type}`);
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      const [bitDepth, colorType, , , interlace] = body.subarray(8, 13);
      assert.equal(bitDepth, 8, "bit depth");
      assert.equal(interlace, 0, "interlace");
      channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
      assert.ok(channels > 0, `colour type ${colorType}`);
    } else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") ended = true;
    offset += 12 + length;
  }
  assert.ok(ended && width > 0 && height > 0, "IHDR and IEND present");
  const raw = new Uint8Array(inflateSync(concatBytes(...idat)));
  const stride = width * channels;
  assert.equal(raw.length, height * (1 + stride), "inflated image data size");
  const rgba = new Uint8Array(width * height * 4);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (1 + stride)]!;
    const line = raw.slice(y * (1 + stride) + 1, (y + 1) * (1 + stride));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels]! : 0;
      const b = previous[i]!;
      const c = i >= channels ? previous[i - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [
        0,
        a,
        b,
        (a + b) >> 1,
        pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
      ][filter];
      assert.ok(predictor !== undefined, `row ${y}: filter type ${filter}`);
      line[i] = (line[i]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 4; k++) {
        rgba[4 * (y * width + x) + k] = k < channels ? line[x * channels + k]! : 255;
      }
    }
    previous = line;
  }
  return { width, height, rgba };
}

function darkPixels(image: DecodedPng): number {
  let n = 0;
  for (let i = 0; i < image.rgba.length; i += 4) {
    const luma = 0.299 * image.rgba[i]! + 0.587 * image.rgba[i + 1]! + 0.114 * image.rgba[i + 2]!;
    if (luma < 100) n++;
  }
  return n;
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  assert.ok(m, "the SVG has a width and height");
  return { width: Number(m[1]), height: Number(m[2]) };
}

// ---------------------------------------------------------------------------------------------
// One plot of the fixture with all three figures, shared by the figure tests.

const TRACES = JSON.parse(await Deno.readTextFile(join(FIXTURE, "traces.json"))) as GatesPanel[];

interface Plotted {
  out: string;
  result: PlotRunResult;
  svg: Record<string, string>;
  png: Record<string, Uint8Array>;
  report: string;
}

let plotted: Promise<Plotted> | undefined;
function plotFixture(): Promise<Plotted> {
  plotted ??= (async () => {
    const out = await Deno.makeTempDir({ prefix: "plot_out_" });
    addEventListener("unload", () => Deno.removeSync(out, { recursive: true }));
    const result = await plotRun(FIXTURE, {
      outDir: out,
      gatesPanels: () => Promise.resolve(TRACES),
    });
    const svg: Record<string, string> = {};
    const png: Record<string, Uint8Array> = {};
    for (const name of ["loss", "accuracy", "gates"]) {
      svg[name] = await Deno.readTextFile(join(out, "figures", `${name}.svg`));
      png[name] = await Deno.readFile(join(out, "figures", `${name}.png`));
    }
    return { out, result, svg, png, report: await Deno.readTextFile(join(out, "report.html")) };
  })();
  return plotted;
}

Deno.test("plotRun writes three figures as SVG and PNG and the report, with no warnings", async () => {
  const { out, result } = await plotFixture();
  assert.deepEqual(result.figures, ["loss", "accuracy", "gates"]);
  assert.deepEqual(result.notes, [], "no notes: no figure skipped, no renderer warnings");
  assert.deepEqual(result.files, [
    ...["loss", "accuracy", "gates"].flatMap((n) => [
      join(out, "figures", `${n}.svg`),
      join(out, "figures", `${n}.png`),
    ]),
    join(out, "report.html"),
  ]);
});

Deno.test("loss figure: a panel per (cell, length), three series, log-scale axis titles", async () => {
  const { svg } = await plotFixture();
  const texts = svgTexts(svg.loss!);
  for (const panel of ["LSTM · L=5", "LSTM · L=10", "GRU · L=5", "GRU · L=10"]) {
    assert.equal(countOf(texts, panel), 1, `panel header ${panel}`);
  }
  for (
    const series of [
      "train loss (per step)",
      "train loss (moving average)",
      "dev loss (at evaluations)",
    ]
  ) {
    assert.equal(countOf(texts, series), 1, `legend entry ${series}`);
  }
  assert.ok(countOf(texts, "training step") >= 2, "x axis title under each column");
  assert.ok(countOf(texts, "loss (log scale)") >= 2, "y axis title beside each row");
  assert.ok(texts.includes("Training and dev loss"));
  assert.ok(texts.some((t) => t.includes("seed 0 of 2 seeds")), "says which seed is drawn");
  assert.ok(texts.includes("0.1") && texts.includes("1"), "log-axis tick labels");
  // Four panels, each with its three curves (one path per series and panel).
  assert.equal(
    (svg.loss!.match(/role-mark child_layer_\d_marks"|role-mark child_layer_\d_layer_0_marks"/g) ??
      []).length,
    12,
  );
});

Deno.test("accuracy figure: a line per cell, dev and test styles, axis titles and the lengths", async () => {
  const { svg } = await plotFixture();
  const texts = svgTexts(svg.accuracy!);
  for (const entry of ["LSTM", "GRU", "dev (best checkpoint)", "test", "cell"]) {
    assert.equal(countOf(texts, entry), 1, `legend entry ${entry}`);
  }
  for (const title of ["sequence length", "accuracy", "Accuracy against sequence length"]) {
    assert.ok(texts.includes(title), title);
  }
  assert.ok(texts.includes("5") && texts.includes("10"), "the lengths label the x axis");
  assert.ok(texts.some((t) => t.startsWith("Mean over 2 seeds")), "says it is a mean over seeds");
  assert.ok(svg.accuracy!.includes('role-mark layer_0_marks"'), "the min–max band is drawn");
});

Deno.test("gates figure: a panel per trace, every gate series, digits and noise marked", async () => {
  const { svg } = await plotFixture();
  const texts = svgTexts(svg.gates!);
  for (const trace of TRACES) {
    const [a, b] = trace.digits;
    const header =
      `${trace.cell.toUpperCase()} · L=${trace.length} · ${a} + ${b} = ${trace.label}, predicted ${trace.pred}`;
    assert.equal(countOf(texts, header), 1, `panel header ${header}`);
    assert.ok(texts.includes(`noise ${trace.digits[trace.noisePosition]}`), "noise label");
  }
  for (const series of [...GATE_LEGEND, "hidden-state norm"]) {
    assert.equal(countOf(texts, series), 1, `legend entry ${series}`);
  }
  assert.equal(countOf(texts, "digits"), TRACES.length);
  assert.equal(countOf(texts, "time step t"), TRACES.length);
  assert.equal(countOf(texts, "gate activation (mean over units)"), TRACES.length);
  assert.equal(countOf(texts, "state norm (dashed)"), TRACES.length);
});

Deno.test("each PNG decodes, is twice the SVG's size and is no blank page", async () => {
  const { svg, png } = await plotFixture();
  for (const name of ["loss", "accuracy", "gates"]) {
    const bytes = png[name]!;
    assert.ok(bytes.length > 20_000, `${name}.png has ${bytes.length} bytes`);
    const image = decodePng(bytes);
    const size = svgSize(svg[name]!);
    assert.equal(image.width, Math.ceil(size.width * 2), `${name}.png width`);
    assert.equal(image.height, Math.ceil(size.height * 2), `${name}.png height`);
    assert.ok(darkPixels(image) > 10_000, `${name}.png has ink`);
  }
});

Deno.test("the decoder rejects a damaged PNG", async () => {
  const { png } = await plotFixture();
  const damaged = png.accuracy!.slice();
  const middle = damaged.length >> 1;
  damaged[middle] = damaged[middle]! ^ 0xff;
  assert.throws(() => decodePng(damaged));
  assert.throws(() => decodePng(png.accuracy!.subarray(0, 1000)));
});

Deno.test("text really renders in the PNG: without the font there is far less ink", async () => {
  const { svg, png } = await plotFixture();
  const withFont = decodePng(png.loss!);
  const noFont = decodePng(await svgToPng(svg.loss!, { fonts: [] }));
  assert.equal(withFont.width, noFont.width);
  const [inked, bare] = [darkPixels(withFont), darkPixels(noFont)];
  assert.ok(inked > 1.3 * bare && inked - bare > 10_000, `ink with font ${inked}, without ${bare}`);
});

Deno.test("report.html: one self-contained page with every figure inline and the results", async () => {
  const { report, svg } = await plotFixture();
  assert.ok(report.startsWith("<!DOCTYPE html>"));
  assert.equal((report.match(/<svg\b/g) ?? []).length, 3, "three inline SVGs");
  for (const name of ["loss", "accuracy", "gates"]) {
    assert.ok(report.includes(`id="fig-${name}"`), `section ${name}`);
    // The figure's own text is in the page (its first legend or header label, say).
    for (const text of svgTexts(svg[name]!).slice(0, 5)) {
      assert.ok(report.includes(text.replace(/&/g, "&amp;")), `${name}: "${text}" inline`);
    }
  }
  assert.doesNotMatch(report, /https?:/, "no URL at all, so nothing to fetch");
  assert.doesNotMatch(report, /<script|<link|<img|<iframe|@import|src=/i);
  const ids = [...report.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(new Set(ids).size, ids.length, "every id is unique across the inlined figures");
  for (const ref of report.matchAll(/url\(#([^)]+)\)/g)) {
    assert.ok(ids.includes(ref[1]!), `reference #${ref[1]} resolves`);
  }
  // Results: mean ± std per cell and length (two seeds), and the run's configuration.
  assert.match(report, /<td class="num">0\.875 ± 0\.021<\/td>/);
  // the fixture's config.json spells it forget_bias, as the earliest runs did: read migrated
  assert.ok(report.includes("<td>forgetBias</td>"));
  assert.ok(report.includes("<h4>lstm-L5-s0/config.json</h4>"));
});

Deno.test("report: memory and adjacent accuracy per job; a run trained before the split shows —", async () => {
  const legacy = await readRun(FIXTURE); // its summary.csv has no split columns
  assert.ok(
    legacy.summary.every((r) => Number.isNaN(r.test_acc_memory) && Number.isNaN(r.n_memory)),
  );
  const old = reportHtml({ run: legacy, figures: [] });
  assert.match(old, /<th>memory acc<\/th><th>adjacent acc<\/th>/);
  assert.match(old, /deno task eval --run recomputes the split/);
  assert.equal(resultRows(legacy.summary)[0]!.test_acc_memory, null);

  await withFixture(async (dir) => {
    // the same run, as training writes summary.csv now
    const lines = (await Deno.readTextFile(join(dir, "summary.csv"))).trim().split("\n");
    const split = (i: number) => [0.9 + i / 100, 0.75, 80, 20, 100 * (i + 1)].join(",");
    const rewritten = [
      "cell,length,seed,best_dev_acc,best_step,test_acc,test_acc_memory,test_acc_adjacent," +
      "n_memory,n_adjacent,first_learning_step,steps,wall_s",
      ...lines.slice(1).map((line, i) => {
        const f = line.split(",");
        return [...f.slice(0, 6), split(i), ...f.slice(6)].join(",");
      }),
    ];
    await Deno.writeTextFile(join(dir, "summary.csv"), rewritten.join("\n") + "\n");
    const run = await readRun(dir);
    assert.deepEqual(
      run.summary.slice(0, 2).map((r) => [
        r.test_acc_memory,
        r.n_memory,
        r.n_adjacent,
        r.first_learning_step,
      ]),
      [[0.9, 80, 20, 100], [0.91, 80, 20, 200]],
    );
    const html = reportHtml({ run, figures: [] });
    assert.match(html, /<td class="num">0\.905 ± 0\.007<\/td>/, "memory mean ± std of seeds 0, 1");
    assert.ok(html.includes("0.900 (80)") && html.includes("0.750 (20)"), "per job: acc (n)");
    assert.doesNotMatch(html, /recomputes the split/);
  });
});

// ---------------------------------------------------------------------------------------------
// Reading the run folder.

Deno.test("readRun reads the fixture: sorted jobs, per-step metrics, evaluations", async () => {
  const run = await readRun(`${FIXTURE}/`);
  assert.equal(run.dir, FIXTURE);
  assert.equal(run.name, "run_small");
  assert.deepEqual(run.jobs.map((j) => j.name), [
    "lstm-L5-s0",
    "lstm-L5-s1",
    "lstm-L10-s0",
    "lstm-L10-s1",
    "gru-L5-s0",
    "gru-L5-s1",
    "gru-L10-s0",
    "gru-L10-s1",
  ]);
  const job = run.jobs[0]!;
  assert.equal(job.metrics.length, 190);
  assert.deepEqual(job.metrics.filter((m) => !Number.isNaN(m.devAcc)).map((m) => m.step), [
    50,
    100,
    150,
    190,
  ]);
  assert.equal(job.config.cell, "lstm");
  const rows = resultRows(run.summary);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0]!.seeds, [0, 1]);
});

/** Each case edits a fresh copy of the fixture and expects exactly this one-line message. */
const BAD_RUNS: { name: string; edit: (dir: string) => Promise<void>; message: string }[] = [
  {
    name: "no summary.csv",
    edit: (dir) => Deno.remove(join(dir, "summary.csv")),
    message: "summary.csv is missing; run deno task train first",
  },
  {
    name: "a job folder without metrics.csv",
    edit: (dir) => Deno.remove(join(dir, "lstm-L5-s0", "metrics.csv")),
    message: "lstm-L5-s0/metrics.csv is missing (summary.csv lists job lstm-L5-s0)",
  },
  {
    name: "a job folder missing altogether",
    edit: (dir) => Deno.remove(join(dir, "gru-L10-s1"), { recursive: true }),
    message: "gru-L10-s1/metrics.csv is missing (summary.csv lists job gru-L10-s1)",
  },
  {
    name: "a job without config.json",
    edit: (dir) => Deno.remove(join(dir, "gru-L5-s0", "config.json")),
    message: "gru-L5-s0/config.json is missing (summary.csv lists job gru-L5-s0)",
  },
  {
    name: "no run config.json",
    edit: (dir) => Deno.remove(join(dir, "config.json")),
    message: "config.json is missing",
  },
  {
    name: "a summary value that is not a number",
    edit: (dir) => replaceLine(join(dir, "summary.csv"), 2, "lstm,5,0,abc,150,0.87,190,1.073"),
    message: 'summary.csv line 2: best_dev_acc "abc" is not a number',
  },
  {
    name: "an unknown cell",
    edit: (dir) => replaceLine(join(dir, "summary.csv"), 3, "lsmt,5,1,0.89,190,0.88,190,1.133"),
    message: 'summary.csv line 3: cell "lsmt" is not one of lstm|gru|srn|irnn',
  },
  {
    name: "an accuracy above 1",
    edit: (dir) => replaceLine(join(dir, "summary.csv"), 2, "lstm,5,0,0.86,150,87,190,1.073"),
    message: 'summary.csv line 2: test_acc "87" is not <= 1',
  },
  {
    name: "a summary header with a column missing",
    edit: (dir) =>
      replaceLine(
        join(dir, "summary.csv"),
        1,
        "cell,length,seed,best_dev_acc,best_step,test_acc,steps",
      ),
    message:
      'summary.csv: the header must be "cell,length,seed,best_dev_acc,best_step,test_acc,test_acc_memory,test_acc_adjacent,n_memory,n_adjacent,first_learning_step,steps,wall_s", got "cell,length,seed,best_dev_acc,best_step,test_acc,steps"',
  },
  {
    name: "a metrics row with a field missing",
    edit: (dir) => replaceLine(join(dir, "lstm-L10-s1", "metrics.csv"), 4, "3,1,2.5,"),
    message: "lstm-L10-s1/metrics.csv line 4: expected 5 fields, got 4",
  },
  {
    name: "a metrics row with a bad step",
    edit: (dir) => replaceLine(join(dir, "gru-L5-s1", "metrics.csv"), 6, "4.5,1,2.5,,"),
    message: 'gru-L5-s1/metrics.csv line 6: step "4.5" is not an integer',
  },
  {
    name: "steps out of order",
    edit: (dir) => replaceLine(join(dir, "gru-L5-s1", "metrics.csv"), 6, "3,1,2.5,,"),
    message: "gru-L5-s1/metrics.csv line 6: step 3 follows step 4",
  },
  {
    name: "a dev loss without a dev accuracy",
    edit: (dir) => replaceLine(join(dir, "lstm-L5-s0", "metrics.csv"), 51, "50,2,1.23073,1.41687,"),
    message:
      "lstm-L5-s0/metrics.csv line 51: dev_loss without dev_acc; a dev loss comes with an evaluation",
  },
  {
    name: "a quoted metrics field (metrics.csv has none)",
    edit: (dir) => replaceLine(join(dir, "lstm-L5-s0", "metrics.csv"), 3, '2,1,"2.2,,'),
    message: 'lstm-L5-s0/metrics.csv line 3: train_loss "\\"2.2" is not a number',
  },
  {
    name: "a config.json that is not an object",
    edit: (dir) => Deno.writeTextFile(join(dir, "config.json"), "[1, 2]\n"),
    message: "config.json must hold a JSON object",
  },
  {
    name: "an empty summary",
    edit: (dir) =>
      Deno.writeTextFile(
        join(dir, "summary.csv"),
        "cell,length,seed,best_dev_acc,best_step,test_acc,steps,wall_s\n",
      ),
    message: "summary.csv: has no rows",
  },
];

async function replaceLine(path: string, line: number, text: string): Promise<void> {
  const lines = (await Deno.readTextFile(path)).split("\n");
  lines[line - 1] = text;
  await Deno.writeTextFile(path, lines.join("\n"));
}

for (const bad of BAD_RUNS) {
  Deno.test(`bad run: ${bad.name}`, async () => {
    await withFixture(async (dir) => {
      await bad.edit(dir);
      await assert.rejects(readRun(dir), (err: unknown) => {
        assert.ok(err instanceof UserError, `a UserError, got ${err}`);
        assert.equal(err.message, `${dir}: ${bad.message}`);
        return true;
      });
    });
  });
}

Deno.test("bad run: a folder that does not exist", async () => {
  await assert.rejects(readRun("runs/no-such-run"), {
    message: "runs/no-such-run: no such run folder; run deno task train first",
  });
});

Deno.test("bad run: a job config.json that is not JSON names the file", async () => {
  await withFixture(async (dir) => {
    await Deno.writeTextFile(join(dir, "gru-L5-s0", "config.json"), "{ nope");
    await assert.rejects(readRun(dir), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(
        err.message,
        new RegExp(`^${dir}: gru-L5-s0/config\\.json is not valid JSON \\(`),
      );
      return true;
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The script.

Deno.test({
  name: "deno task plot: writes the three figures and the report",
  ignore: CANNOT_RUN,
}, async () => {
  await withFixture(async (dir) => {
    const result = await runScript("plot.ts", ["--run", dir, "--scale", "1"], SCRIPT_PERMISSIONS);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.deepEqual(result.stdout.trim().split("\n"), [
      `wrote ${dir}/figures/loss.svg`,
      `wrote ${dir}/figures/loss.png`,
      `wrote ${dir}/figures/accuracy.svg`,
      `wrote ${dir}/figures/accuracy.png`,
      `wrote ${dir}/figures/gates.svg`,
      `wrote ${dir}/figures/gates.png`,
      `wrote ${dir}/report.html`,
    ]);
    const report = await Deno.readTextFile(join(dir, "report.html"));
    assert.equal((report.match(/<svg\b/g) ?? []).length, 3);
    const gates = svgTexts(await Deno.readTextFile(join(dir, "figures", "gates.svg")));
    for (const title of GATE_LEGEND) {
      assert.ok(gates.includes(title), `gates legend lacks ${title}`);
    }
    assert.ok(
      gates.some((t) => /^LSTM · L=10 · \d \+ \d = \d+, predicted \d+$/.test(t)),
      "an LSTM L=10 panel",
    );
  });
});

Deno.test({
  name: "deno task plot: a missing run is one line and exit 1; bad flags exit 2",
  ignore: CANNOT_RUN,
}, async () => {
  const missing = await runScript("plot.ts", ["--run", "runs/nope"], SCRIPT_PERMISSIONS);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "error: runs/nope: no such run folder; run deno task train first\n");
  const noRun = await runScript("plot.ts", [], SCRIPT_PERMISSIONS);
  assert.equal(noRun.code, 2);
  assert.match(noRun.stderr, /^error: --run is required\nusage: deno task plot/);
  const badFlag = await runScript(
    "plot.ts",
    ["--run", FIXTURE, "--colour", "red"],
    SCRIPT_PERMISSIONS,
  );
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /^error: unknown flag --colour\n/);
});

// ---------------------------------------------------------------------------------------------
// The pieces.

Deno.test("bandLineSpec is reusable: test accuracy per cell with a band over seeds", async () => {
  const rows = [10, 20, 30].flatMap((length) =>
    ["lstm", "srn"].flatMap((cell) =>
      [0, 1, 2].map((seed) => ({
        L: length,
        cell,
        acc: (cell === "lstm" ? 0.95 : 0.6) - length / 100 + seed / 50,
      }))
    )
  );
  const figure = await renderFigure(
    bandLineSpec({
      rows,
      x: { field: "L", title: "sequence length" },
      measures: [{ field: "acc", label: "test accuracy" }],
      group: { field: "cell", title: "cell", labels: { lstm: "LSTM", srn: "SRN" } },
      yTitle: "test accuracy",
      title: "Capacity",
    }),
    { scale: 1 },
  );
  assert.deepEqual(figure.warnings, []);
  const texts = svgTexts(figure.svg);
  for (
    const t of ["LSTM", "SRN", "sequence length", "test accuracy", "Capacity", "10", "20", "30"]
  ) {
    assert.ok(texts.includes(t), t);
  }
  assert.equal(
    countOf(texts, "test accuracy"),
    1,
    "the y title only: one measure has no dash legend",
  );
  decodePng(figure.png);
});

Deno.test("movingAverage, minMaxIndices and logTicks", () => {
  assert.deepEqual(movingAverage([2, 4, 6, 8, 10], 3), [2, 3, 4, 6, 8]);
  assert.deepEqual(movingAverage([1, NaN, 3], 2), [1, 1, 3]);
  const long = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 7) + (i === 5000 ? 100 : 0));
  const kept = minMaxIndices(long, 600);
  assert.ok(kept.length <= 602, `${kept.length} points kept`);
  assert.ok(kept.includes(5000), "the spike survives decimation");
  assert.equal(kept[0], 0);
  assert.equal(kept[kept.length - 1], 9999);
  assert.deepEqual(logTicks(1e-4, 3), [0.0001, 0.001, 0.01, 0.1, 1, 10]);
  assert.deepEqual(logTicks(0.3, 2.9), [0.1, 0.2, 0.5, 1, 2, 5, 10]);
});
