/**
 * The memory-capacity study: the capacity definition on hand-made rows (ties at 0.9, dips and
 * recoveries), capacity.csv and capacity.md, data generation for missing lengths, the figure, and
 * a tiny `deno task capacity` end to end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { dataWithLength5, runScript } from "./helpers.ts";
import { bookFilesFor } from "../lib/data/book_files.ts";
import { ensureBookData } from "../lib/io/book_data.ts";
import { generateBookDatasets } from "../lib/data/digit_sum.ts";
import { capacitySpec } from "../lib/plot/capacity_spec.ts";
import { renderFigure } from "../lib/plot/render.ts";
import {
  capacities,
  capacityMarkdown,
  capacityText,
  cellCapacity,
  lengthStats,
} from "../lib/train/capacity.ts";
import { type CapacityRow, formatCapacityCsv, parseCapacityCsv } from "../lib/run/summary.ts";
import type { CellKind } from "../lib/model/config.ts";
import { TASK_COLUMNS } from "../lib/train/task_summary.ts";

const CAPACITY_PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];

/** The memory split of a row from a job trained before training split the test accuracy. */
const NO_SPLIT = {
  test_acc_memory: NaN,
  test_acc_adjacent: NaN,
  n_memory: NaN,
  n_adjacent: NaN,
  first_learning_step: NaN,
};

/**
 * Rows of one cell: for each length, one row per seed with these test accuracies (and no memory
 * split, as a job trained before it reads).
 */
function rowsOf(cell: CellKind, accs: Record<number, number[]>): CapacityRow[] {
  return Object.entries(accs).flatMap(([length, values]) =>
    values.map((test_acc, seed) => ({
      cell,
      length: Number(length),
      seed,
      best_dev_acc: test_acc,
      test_acc,
      ...NO_SPLIT,
      steps: 1000,
      wall_s: 1.5,
    }))
  );
}

Deno.test("capacity: the longest length whose mean, and every shorter one's, is >= 0.9", () => {
  const rows = rowsOf("lstm", { 10: [1, 1, 1], 20: [0.95, 0.9, 0.92], 50: [0.7, 0.8, 0.9] });
  const [c] = capacities(rows);
  assert.deepEqual(c, { cell: "lstm", capacity: 20, shortest: 10, allPass: false, recovered: [] });
  assert.equal(capacityText(c!), "20");
});

Deno.test("capacity: a mean of exactly 0.9 counts, despite float rounding", () => {
  // 90 of 100 on average, but the float means of (0.85, 0.95) and (0.82, 0.94, 0.94) are
  // 0.8999999999999999; 0.8999 (below by more than rounding) fails.
  const rows = [
    ...rowsOf("lstm", { 10: [0.85, 0.95], 20: [0.82, 0.94, 0.94], 35: [0.8999] }),
    ...rowsOf("gru", { 10: [0.9, 0.9, 0.9], 20: [0.7, 0.8] }),
  ];
  const stats = lengthStats(rows);
  assert.ok(stats[0]!.mean < 0.9 && stats[1]!.mean < 0.9, "the float means fall short of 0.9");
  assert.equal(cellCapacity("lstm", stats).capacity, 20);
  assert.equal(cellCapacity("gru", stats).capacity, 10);
});

Deno.test("capacity: a dip ends the memory; a later recovery is reported, not counted", () => {
  const rows = rowsOf("gru", { 10: [1], 20: [0.85], 35: [0.95], 50: [0.5], 75: [0.91] });
  const c = cellCapacity("gru", lengthStats(rows));
  assert.equal(c.capacity, 10);
  assert.deepEqual(c.recovered, [35, 75]);
  assert.equal(capacityText(c), "10 (≥ 0.9 again at 35, 75)");
});

Deno.test("capacity: none reaches 0.9, or every length does", () => {
  const rows = [
    ...rowsOf("srn", { 20: [0.5, 0.6], 10: [0.85, 0.9] }),
    ...rowsOf("lstm", { 10: [1], 200: [0.97] }),
  ];
  const [lstm, srn] = capacities(rows);
  assert.deepEqual(srn, {
    cell: "srn",
    capacity: null,
    shortest: 10,
    allPass: false,
    recovered: [],
  });
  assert.equal(capacityText(srn!), "< 10");
  assert.equal(lstm!.allPass, true);
  assert.equal(capacityText(lstm!), "≥ 200 (every length passed)");
});

Deno.test("lengthStats: mean, sample std, min, max; NaN test accuracies left out", () => {
  const rows = rowsOf("lstm", { 10: [0.8, 1.0, NaN] });
  const [s] = lengthStats(rows);
  assert.equal(s!.n, 2);
  assert.ok(Math.abs(s!.mean - 0.9) < 1e-12);
  assert.ok(Math.abs(s!.std - Math.sqrt(0.02)) < 1e-12, `std ${s!.std}`);
  assert.deepEqual([s!.min, s!.max], [0.8, 1.0]);
  const [none] = lengthStats(rowsOf("srn", { 10: [NaN] }));
  assert.ok(Number.isNaN(none!.mean));
  assert.equal(cellCapacity("srn", [none!]).capacity, null);
});

Deno.test("formatCapacityCsv: the columns in order, rows sorted by cell, length, seed; NaN empty", () => {
  const rows = [
    ...rowsOf("srn", { 10: [0.5] }),
    { ...rowsOf("lstm", { 20: [0.93] })[0]!, wall_s: 61.2, steps: 2300, best_dev_acc: 0.97 },
    ...rowsOf("lstm", { 10: [NaN] }),
  ];
  assert.equal(
    formatCapacityCsv(rows),
    "cell,length,seed,best_dev_acc,test_acc,test_acc_memory,test_acc_adjacent,n_memory," +
      "n_adjacent,first_learning_step,steps,wall_s\n" +
      "lstm,10,0,,,,,,,,1000,1.5\n" +
      "lstm,20,0,0.97,0.93,,,,,,2300,61.2\n" +
      "srn,10,0,0.5,0.5,,,,,,1000,1.5\n",
  );
  const split = { test_acc_memory: 0.975, test_acc_adjacent: 0.8, n_memory: 80, n_adjacent: 20 };
  assert.equal(
    formatCapacityCsv([{
      ...rowsOf("gru", { 35: [0.94] })[0]!,
      ...split,
      first_learning_step: 600,
    }])
      .split("\n")[1],
    "gru,35,0,0.94,0.94,0.975,0.8,80,20,600,1000,1.5",
  );
  // parseCapacityCsv reads back what formatCapacityCsv wrote
  assert.deepEqual(parseCapacityCsv(formatCapacityCsv(rows), "capacity.csv"), [
    rows[2],
    rows[1],
    rows[0],
  ]);
});

/** Rows with a memory split: per length, [overall, memory] accuracies of each seed. */
function splitRowsOf(cell: CellKind, accs: Record<number, [number, number][]>): CapacityRow[] {
  return Object.entries(accs).flatMap(([length, values]) =>
    values.map(([test_acc, test_acc_memory], seed) => ({
      ...rowsOf(cell, { [length]: [test_acc] })[0]!,
      seed,
      test_acc_memory,
      test_acc_adjacent: 0.5,
      n_memory: 80,
      n_adjacent: 20,
    }))
  );
}

Deno.test("capacity: memory capacity from test_acc_memory, overall from test_acc", () => {
  // the GRU of the first edition: overall below 0.9 from 20 on, memory fine up to 50
  const rows = splitRowsOf("gru", {
    10: [[0.95, 1], [0.93, 0.99]],
    20: [[0.85, 0.96], [0.88, 0.94]],
    50: [[0.86, 0.92], [0.8, 0.9]],
    75: [[0.7, 0.8], [0.6, 0.85]],
  });
  assert.equal(capacities(rows)[0]!.capacity, 10);
  assert.equal(capacities(rows, 0.9, "test_acc_memory")[0]!.capacity, 50);
  const [memory] = lengthStats(rows, "test_acc_memory");
  assert.ok(Math.abs(memory!.mean - 0.995) < 1e-12 && memory!.n === 2);
  const md = capacityMarkdown(rows);
  assert.match(md, /^\| GRU \| 50 \| 10 \|$/m);
  assert.match(
    md,
    /^## Memory accuracy \(noise digit at position ≥ 4, or none\), mean ± std over 2 seeds$/m,
  );
  assert.match(md, /^## Adjacent-noise accuracy \(noise digit at position 2 or 3\), mean ± std/m);
  assert.match(md, /^\| 20 \| 0\.950 ± 0\.014 \|$/m);
  assert.ok(!md.includes("recomputes the split"), "no note when every job has the split");
});

Deno.test("capacityMarkdown: each seed's steps to first learning; never, and — for an older job", () => {
  const rows = [
    ...splitRowsOf("lstm", { 10: [[1, 1], [0.98, 1]] }).map((r, i) => ({
      ...r,
      first_learning_step: [400, 600][i]!,
    })),
    ...splitRowsOf("srn", { 10: [[0.1, 0.1], [0.1, 0.1]] }).map((r) => ({
      ...r,
      first_learning_step: NaN,
    })),
    ...rowsOf("gru", { 10: [0.9] }),
  ];
  const md = capacityMarkdown(rows);
  assert.match(md, /^## Steps to first learning \(dev accuracy ≥ 0\.3\), per seed$/m);
  assert.match(md, /^\| 10 \| 400, 600 \| — \| never, never \|$/m);
  assert.ok(!capacityMarkdown(rowsOf("lstm", { 10: [1] })).includes("first learning"));
});

Deno.test("capacityMarkdown: a run trained before the memory split shows — and says why", () => {
  const md = capacityMarkdown([
    ...rowsOf("lstm", { 10: [1] }),
    ...splitRowsOf("srn", { 10: [[0.5, 0.4]] }),
  ]);
  assert.match(md, /^\| LSTM \| — \| ≥ 10 \(every length passed\) \|$/m);
  assert.match(md, /^\| SRN \| < 10 \| < 10 \|$/m);
  assert.match(md, /`deno task eval --run <run>` recomputes the split from their checkpoints/);
  assert.match(md, /^\| 10 \| — \| 0\.400 ✗ \|$/m, "the memory table: — for the LSTM");
  // with no split at all, the memory and adjacent tables are left out
  const old = capacityMarkdown(rowsOf("lstm", { 10: [1] }));
  assert.ok(!old.includes("## Memory accuracy") && !old.includes("## Adjacent"), old);
});

Deno.test("capacityMarkdown: the capacity table, then mean ± std per length and cell", () => {
  const rows = [
    ...rowsOf("srn", { 10: [0.8, 0.9, 1.0], 20: [0.2, 0.3, 0.4] }),
    ...rowsOf("lstm", { 10: [1, 1, 1], 20: [0.9, 0.95, 1.0] }),
  ];
  const md = capacityMarkdown(rows, { settings: "Preset `recommended`." });
  assert.equal(
    md,
    [
      "# Memory capacity",
      "",
      "Preset `recommended`.",
      "",
      "Memory capacity: the longest length at which the cell's mean accuracy on the memory " +
      "examples (test examples whose noise digit is at position ≥ 4, or absent) is still ≥ 0.9 " +
      "— at that length and at every shorter one studied. Overall capacity: the same with the " +
      "accuracy on the whole test set, which also counts telling the second digit from a noise " +
      "digit right after it (position 2 or 3).",
      "",
      "| cell | memory capacity | overall capacity |",
      "|---|---|---|",
      "| LSTM | — | ≥ 20 (every length passed) |",
      "| SRN | — | 10 |",
      "",
      "—: jobs trained before training split the test accuracy into memory and adjacent noise; " +
      "`deno task eval --run <run>` recomputes the split from their checkpoints.",
      "",
      "## Test accuracy, mean ± std over 3 seeds",
      "",
      "| length | LSTM | SRN |",
      "|---:|---:|---:|",
      "| 10 | 1.000 ± 0.000 | 0.900 ± 0.100 |",
      "| 20 | 0.950 ± 0.050 | 0.300 ± 0.100 ✗ |",
      "",
      "✗: mean below 0.9. Std: the sample standard deviation (n − 1) over seeds.",
      "",
    ].join("\n"),
  );
  // A (cell, length) that was not run shows a dash.
  const partial = capacityMarkdown([...rowsOf("lstm", { 10: [1] }), ...rowsOf("gru", { 20: [1] })]);
  assert.match(partial, /\| 10 \| 1\.000 \| — \|/);
  assert.match(partial, /## Test accuracy \(one seed\)/);
});

Deno.test("ensureBookData: book lengths get the book's files, others the single-length run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const done = await ensureBookData(dir, [5, 7]);
    assert.deepEqual(done.map((d) => d.written.length), [3, 3]);
    for (const split of ["train", "dev", "test"]) {
      assert.equal(
        await Deno.readTextFile(join(dir, "5", `${split}.txt`)),
        await Deno.readTextFile(join("datasets", "5", `${split}.txt`)),
        `5/${split}.txt is the committed book file`,
      );
    }
    const seven = generateBookDatasets({ lengths: [7] });
    for (const file of seven) {
      assert.equal(await Deno.readTextFile(join(dir, file.path)), file.text);
    }
    // Present files stay as they are; a lone missing file is restored if the rest agree.
    await Deno.remove(join(dir, "7", "dev.txt"));
    assert.deepEqual((await ensureBookData(dir, [7]))[0]!.written, ["7/dev.txt"]);
    assert.deepEqual((await ensureBookData(dir, [5, 7])).map((d) => d.written), [[], []]);
    // ...but not when the rest comes from another generator.
    await Deno.writeTextFile(join(dir, "7", "train.txt"), "0 0 0 0 0 0 0\t0\n");
    await Deno.remove(join(dir, "7", "test.txt"));
    await assert.rejects(() => ensureBookData(dir, [7]), /7\/train\.txt differs from the book/);
    assert.equal(bookFilesFor(10)[2]!.path, "10/test.txt");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("capacitySpec renders without warnings, with the 0.9 rule and a log length axis", async () => {
  const rows = [
    ...splitRowsOf("lstm", { 10: [[1, 1], [0.98, 1]], 50: [[0.95, 1], [0.9, 0.95]] }),
    ...rowsOf("lstm", { 200: [0.9, 0.85] }), // trained before the split: the dashed line only
    ...rowsOf("srn", { 10: [0.7, 0.6], 50: [0.1, 0.2], 200: [0.05, 0.1] }),
  ];
  const spec = capacitySpec(rows);
  const json = JSON.stringify(spec);
  assert.match(json, /"type":"log"/);
  assert.match(json, /"datum":0\.9/);
  // memory solid, overall dashed
  assert.match(json, /"domain":\["overall","memory"\],"range":\[\[6,3\],\[1,0\]\]/);
  const points =
    (spec as unknown as { data: { values: { measure: string; group: string; x: number }[] } })
      .data.values;
  const memory = points.filter((p) => p.measure === "memory").map((p) => `${p.group}${p.x}`);
  assert.deepEqual(memory.sort(), ["LSTM10", "LSTM50"]);
  const figure = await renderFigure(spec, { scale: 1 });
  assert.deepEqual(figure.warnings, []);
  assert.match(figure.svg, /Memory capacity/);
  assert.match(figure.svg, /LSTM/);
  assert.match(figure.svg, />memory</);
  assert.match(figure.svg, />overall</);
  const title = (s: unknown) => (s as { title: { text: string } }).title.text;
  assert.equal(title(spec), "Memory capacity: test accuracy against sequence length");
  assert.equal(
    title(capacitySpec(rows, { gateInit: "chrono" })),
    "Memory capacity with chrono gate biases: test accuracy against sequence length",
  );
});

Deno.test("deno task capacity: generates missing data, trains, writes csv, md and figure; resumes", async () => {
  const base = await Deno.makeTempDir();
  try {
    const data = await dataWithLength5(base);
    const out = join(base, "out");
    const args = [
      ...["--cells", "lstm,srn", "--lengths", "5,7", "--seeds", "0", "--epochs", "2"],
      ...["--out", out, "--data", data, "--workers", "2"],
    ];
    const first = await runScript("capacity.ts", args, CAPACITY_PERMS);
    assert.equal(first.code, 0, first.stderr);
    const generated = first.stdout.split("\n").filter((l) => l.startsWith("generated "));
    assert.deepEqual(generated, [
      `generated ${join(data, "7")}/ (3 files) with the book's generator`,
    ]);
    for (const file of generateBookDatasets({ lengths: [7] })) {
      assert.equal(await Deno.readTextFile(join(data, file.path)), file.text, file.path);
    }

    const csv = (await Deno.readTextFile(join(out, "capacity.csv"))).trim().split("\n");
    assert.equal(
      csv[0],
      "cell,length,seed,best_dev_acc,test_acc,test_acc_memory,test_acc_adjacent,n_memory," +
        "n_adjacent,first_learning_step,steps,wall_s",
    );
    for (const line of csv.slice(1)) {
      const [memory, adjacent, nMemory, nAdjacent] = line.split(",").slice(5, 9).map(Number);
      assert.equal(nMemory! + nAdjacent!, 100, line);
      assert.ok(memory! >= 0 && memory! <= 1 && adjacent! >= 0 && adjacent! <= 1, line);
    }
    assert.deepEqual(csv.slice(1).map((l) => l.split(",").slice(0, 3).join(",")), [
      "lstm,5,0",
      "lstm,7,0",
      "srn,5,0",
      "srn,7,0",
    ]);
    assert.ok(csv.slice(1).every((l) => l.split(",")[10] === "76"), "2 epochs of 38 steps");
    const md = await Deno.readTextFile(join(out, "capacity.md"));
    assert.ok(first.stdout.includes(md), "the printed table is capacity.md");
    const capacity = /< 5|5|≥ 7 \(every length passed\)/.source;
    assert.match(md, new RegExp(`^\\| LSTM( \\| (${capacity})){4} \\|$`, "m"));
    assert.match(md, /\| length \| LSTM \| SRN \|/);
    assert.match(md, /^## Memory accuracy over the input space \(one seed\)$/m);
    assert.match(
      md,
      /^Sampling: the 95 % interval of each mean over the input space is at most ± 0\.0000 \(0 where/m,
    );
    assert.match(
      md,
      /Preset `capacity`, at most 2 epochs, early stopping after 20 evaluations \(2000 steps\) without a better dev accuracy once 150 epochs are done/,
    );
    for (const ext of ["svg", "png"]) {
      const info = await Deno.stat(join(out, "figures", `capacity.${ext}`));
      assert.ok(info.size > 1000, `capacity.${ext}`);
    }
    for (const job of ["lstm-L5-s0", "lstm-L7-s0", "srn-L5-s0", "srn-L7-s0"]) {
      await Deno.stat(join(out, job, "result.json"));
    }

    // The same command again without --resume refuses; with it, the same results come back.
    const again = await runScript("capacity.ts", args, CAPACITY_PERMS);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a run; pass --resume/);
    // a job finished before the memory split and the input-space measure: --resume recomputes
    // both from the best checkpoint
    const csvText = await Deno.readTextFile(join(out, "capacity.csv"));
    const resultPath = join(out, "lstm-L7-s0", "result.json");
    const result = JSON.parse(await Deno.readTextFile(resultPath));
    const added = ["test_acc_memory", "test_acc_adjacent", "n_memory", "n_adjacent"];
    const space = ["space_n", "space_acc", "space_n_memory", "space_acc_memory", "space_loss"];
    assert.deepEqual([result.space_n, result.space_n_memory], [5000, 3200], "the whole space");
    for (const key of [...added, "first_learning_step", ...space]) {
      assert.ok(key in result, key);
      delete result[key];
    }
    await Deno.writeTextFile(resultPath, JSON.stringify(result, null, 2) + "\n");
    const resumed = await runScript("capacity.ts", [...args, "--resume"], CAPACITY_PERMS);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(!resumed.stdout.includes("generated "), "nothing left to generate");
    assert.equal(await Deno.readTextFile(join(out, "capacity.md")), md);
    assert.equal(await Deno.readTextFile(join(out, "capacity.csv")), csvText);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("deno task capacity --study chrono: the study's cells and chrono biases; flags override", async () => {
  const base = await Deno.makeTempDir();
  try {
    const args = ["--study", "chrono", "--lengths", "5", "--seeds", "0", "--epochs", "1"];
    const out = join(base, "chrono");
    const run = await runScript("capacity.ts", [...args, "--out", out], CAPACITY_PERMS);
    assert.equal(run.code, 0, run.stderr);
    for (const cell of ["lstm", "gru"]) {
      const config = JSON.parse(await Deno.readTextFile(join(out, `${cell}-L5-s0`, "config.json")));
      assert.deepEqual([config.gateInit, config.chronoTmax, config.forgetBias], ["chrono", 5, 0]);
    }
    const csv = (await Deno.readTextFile(join(out, "capacity.csv"))).trim().split("\n");
    assert.deepEqual(csv.slice(1).map((l) => l.split(",")[0]), ["lstm", "gru"]);
    assert.match(
      await Deno.readTextFile(join(out, "capacity.md")),
      /Preset `capacity`, chrono gate biases for the LSTM and GRU \(T_max = the length\)/,
    );
    const constant = join(base, "constant");
    const flags = [...args, "--cells", "gru", "--gate-init", "constant", "--out", constant];
    const again = await runScript("capacity.ts", flags, CAPACITY_PERMS);
    assert.equal(again.code, 0, again.stderr);
    const config = JSON.parse(await Deno.readTextFile(join(constant, "gru-L5-s0", "config.json")));
    assert.deepEqual([config.gateInit, config.forgetBias], [undefined, 3]);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("deno task capacity --study adding: no data, the task options, tasks.csv, md and figure; resumes", async () => {
  const base = await Deno.makeTempDir();
  try {
    const data = join(base, "datasets");
    const out = join(base, "adding");
    const args = ["--study", "adding", "--cells", "lstm,irnn", "--lengths", "6", "--seeds", "0"];
    const flags = [...args, "--steps", "25", "--data", data, "--out", out, "--workers", "1"];
    const run = await runScript("capacity.ts", flags, CAPACITY_PERMS);
    assert.equal(run.code, 0, run.stderr);
    await assert.rejects(Deno.stat(data), "a task study writes no data files");
    const config = (cell: string) =>
      JSON.parse(Deno.readTextFileSync(join(out, `${cell}-L6-s0`, "config.json")));
    const pick = (
      c: Record<string, unknown>,
    ) => [c.task, c.steps, c.hidden, c.batchSize, c.lr, c.clip, c.forgetBias, c.epochs, c.patience];
    assert.deepEqual(pick(config("lstm")), ["adding", 25, 40, 20, 0.01, 1, 1, 1, 0]);
    assert.deepEqual(pick(config("irnn")), ["adding", 25, 40, 20, 0.001, 10, 0, 1, 0]);
    const csv = (await Deno.readTextFile(join(out, "tasks.csv"))).trim().split("\n");
    assert.equal(csv[0], TASK_COLUMNS.join(","));
    assert.deepEqual(csv.slice(1).map((l) => l.split(",").slice(0, 4).join(",")), [
      "adding,lstm,6,0",
      "adding,irnn,6,0",
    ]);
    const md = await Deno.readTextFile(join(out, "capacity.md"));
    assert.match(md, /^# Memory on the adding problem$/m);
    assert.match(
      md,
      /^Task `adding`: 25 steps of 20 fresh sequences, hidden 40, Adam lr 0\.01, gradient clipping 1 \(the IRNN: its own lr and clipping\), forget \(update\) gate bias 1;/m,
    );
    assert.ok(run.stdout.includes(md), "capacity.md is printed");
    const png = await Deno.readFile(join(out, "figures", "capacity.png"));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    // resumed, the finished jobs are kept and the same files written again — also for a job
    // whose result.json stored the expected baseline 1/6 (before 2026-12-08), not its test set's
    const tasks = await Deno.readTextFile(join(out, "tasks.csv"));
    const resultPath = join(out, "lstm-L6-s0", "result.json");
    const result = JSON.parse(await Deno.readTextFile(resultPath));
    assert.notEqual(result.baseline, 1 / 6);
    await Deno.writeTextFile(resultPath, JSON.stringify({ ...result, baseline: 1 / 6 }));
    const again = await runScript("capacity.ts", [...flags, "--resume"], CAPACITY_PERMS);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await Deno.readTextFile(join(out, "capacity.md")), md);
    assert.equal(await Deno.readTextFile(join(out, "tasks.csv")), tasks);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
