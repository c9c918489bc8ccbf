/**
 * The export and verify scripts end to end: a tiny trained model of each cell is exported, its
 * metadata checked, and verified in onnxruntime-node on its training length and another; so is a
 * tiny trained model of each generated task (the adding problem, the copy task), on its task's
 * generated test set; a mismatching checkpoint, a file that is not ONNX, a bad data file, a task
 * model given --data and bad flags each end with one clear line and the right exit code.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import p from "onnx-proto";
import {
  argmaxRows,
  BOOK_MODEL,
  BOOK_PRESET,
  CELL_KINDS,
  type CellKind,
  evaluate,
  initParams,
  type JobResult,
  loadCheckpoint,
  predict,
  readDigitSum,
  readJobData,
  RECOMMENDED_PRESET,
  runJob,
  saveCheckpoint,
  SeqClassifier,
} from "../mod.ts";
import { jobConfigs } from "../lib/train/config.ts";
import { taskOf } from "../lib/tasks/task.ts";
import { VERSION } from "../lib/version.ts";
import { type RunResult, runScript } from "./helpers.ts";

const { onnx } = p;

/** What `deno task verify` needs: onnxruntime-node is a native addon under node_modules. */
const VERIFY_PERMS = ["--allow-read", "--allow-ffi=node_modules"];
const EXPORT_PERMS = ["--allow-read", "--allow-write"];
const TEST5 = "datasets/5/test.txt";
const VERIFY_USAGE = "usage: deno task verify --onnx FILE --checkpoint FILE " +
  "[--data FILE | --length T] [--batch-size 100] [--tolerance 1e-4]\n";
const TEST35 = "datasets/35/test.txt";

const dir = await Deno.makeTempDir({ prefix: "onnx_cli_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const data5 = await readJobData("datasets", 5);

/** One trained job of each cell (length 5, one epoch: 38 steps), trained on first use. */
const jobs = new Map<CellKind, { checkpoint: string; result: JobResult }>();
function trainedJob(cell: CellKind): { checkpoint: string; result: JobResult } {
  let job = jobs.get(cell);
  if (job === undefined) {
    const jobDir = join(dir, `${cell}-L5-s0`);
    const config = { ...BOOK_PRESET, cell, length: 5, seed: 0, epochs: 1, evalSteps: 19 };
    const result = runJob(config, data5, jobDir);
    job = { checkpoint: join(jobDir, "best.safetensors"), result };
    jobs.set(cell, job);
  }
  return job;
}

/** A checkpoint of a seeded, untrained model, without training metadata. */
async function seededCheckpoint(cell: CellKind, seed: number, classes = 19): Promise<string> {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell, classes });
  initParams(model, { init: "torch", seed });
  const path = join(dir, `seeded-${cell}-${seed}-c${classes}.safetensors`);
  await saveCheckpoint(path, model, { metadata: { note: "seeded, untrained" } });
  return path;
}

async function sha256Hex(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function onnxMetadata(path: string): Promise<Record<string, string>> {
  const model = onnx.ModelProto.decode(await Deno.readFile(path));
  return Object.fromEntries(model.metadataProps.map((e) => [e.key ?? "", e.value ?? ""]));
}

/** The lines verify printed to stdout but the logit difference's, and that difference. */
function parseVerify(stdout: string): { lines: string[]; maxDiff: number } {
  const lines = stdout.trimEnd().split("\n");
  const match = /^max \|logit difference\|: (\S+) \(limit 1e-4\)$/.exec(lines[2] ?? "");
  assert.ok(match, `no logit difference line in:\n${stdout}`);
  return { lines: lines.toSpliced(2, 1), maxDiff: Number(match[1]) };
}

async function exportModel(checkpoint: string, out: string, extra: string[] = []) {
  const run = await runScript(
    "export.ts",
    ["--checkpoint", checkpoint, "--out", out, ...extra],
    EXPORT_PERMS,
  );
  assert.equal(run.code, 0, run.stderr);
  return run;
}

for (const cell of CELL_KINDS) {
  Deno.test(`export + verify ${cell}: metadata, and onnxruntime agrees at length 5 and 35`, async () => {
    const { checkpoint, result } = trainedJob(cell);
    const out = join(dir, `${cell}.onnx`);
    const opset = cell === "gru" ? 14 : 17; // the lowest supported opset runs too
    const exported = await exportModel(
      checkpoint,
      out,
      opset === 17 ? [] : ["--opset", String(opset)],
    );
    const size = (await Deno.stat(out)).size;
    assert.equal(
      exported.stdout,
      `wrote ${out} (${cell}, opset ${opset}, ${size} bytes, trained at length 5, ` +
        `dev_acc ${result.best_dev_acc}, test_acc ${result.test_acc})\n`,
    );
    assert.equal(exported.stderr, "");
    assert.deepEqual(await onnxMetadata(out), {
      cell,
      vocab: "10",
      embed: "32",
      hidden: "32",
      classes: "19",
      train_length: "5",
      dev_acc: String(result.best_dev_acc),
      test_acc: String(result.test_acc),
      lstm_lab_version: VERSION,
      checkpoint_sha256: await sha256Hex(checkpoint),
    });

    const { model } = await loadCheckpoint(checkpoint);
    const test35 = await readDigitSum(TEST35);
    const [at5, at35] = await Promise.all([
      runScript(
        "verify.ts",
        ["--onnx", out, "--checkpoint", checkpoint, "--data", TEST5],
        VERIFY_PERMS,
      ),
      runScript(
        "verify.ts",
        ["--onnx", out, "--checkpoint", checkpoint, "--data", TEST35, "--batch-size", "7"],
        VERIFY_PERMS,
      ),
    ]);
    for (
      const [run, data, batch, accuracy] of [
        [at5, TEST5, 100, result.test_acc],
        [at35, TEST35, 7, evaluate(model, test35).accuracy],
      ] as const
    ) {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(run.stderr, "");
      const { lines, maxDiff } = parseVerify(run.stdout);
      assert.ok(maxDiff >= 0 && maxDiff <= 1e-4, `max diff ${maxDiff}`);
      const acc = accuracy.toFixed(4);
      assert.deepEqual(lines, [
        "checkpoint sha256: as recorded in the model",
        `${data}: 100 sequences of length ${data === TEST5 ? 5 : 35}, batch size ${batch}`,
        "equal predictions: 100/100 (100.00%)",
        `accuracy: onnxruntime ${acc}, lstm-lab ${acc}`,
        `ok: ${out} matches ${checkpoint}`,
      ]);
    }
  });
}

Deno.test("export: default --out, a checkpoint without training metadata, and its errors", async () => {
  const checkpoint = await seededCheckpoint("srn", 3);
  const run = await runScript("export.ts", ["--checkpoint", checkpoint], EXPORT_PERMS);
  const out = checkpoint.replace(/\.safetensors$/, ".onnx");
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `wrote ${out} (srn, opset 17, ${(await Deno.stat(out)).size} bytes)\n`);
  const metadata = await onnxMetadata(out);
  assert.deepEqual(
    [metadata.train_length, metadata.dev_acc, metadata.test_acc, metadata.cell],
    ["", "", "", "srn"],
  );

  const missing = join(dir, "nope.safetensors");
  const runs = await Promise.all([
    runScript("export.ts", ["--checkpoint", missing], EXPORT_PERMS),
    runScript("export.ts", ["--checkpoint", TEST5, "--out", join(dir, "x.onnx")], EXPORT_PERMS),
  ]);
  assert.deepEqual(runs.map((r) => [r.code, r.stdout]), [[1, ""], [1, ""]]);
  assert.equal(
    runs[0]!.stderr,
    `error: ${missing}: no such file; expected a safetensors checkpoint\n`,
  );
  assert.match(runs[1]!.stderr, /^error: datasets\/5\/test\.txt: not a safetensors file [^\n]+\n$/);
});

Deno.test("verify: a checkpoint other than the exported one fails with the numbers (exit 1)", async () => {
  const [a, b] = await Promise.all([seededCheckpoint("lstm", 1), seededCheckpoint("lstm", 2)]);
  const out = join(dir, "seed1.onnx");
  await exportModel(a, out);
  const run = await runScript(
    "verify.ts",
    ["--onnx", out, "--checkpoint", b, "--data", TEST5],
    VERIFY_PERMS,
  );
  assert.equal(run.code, 1, run.stdout + run.stderr);
  // onnxruntime reproduces model a; its predictions differ from model b's on these rows
  const data = await readDigitSum(TEST5);
  const [modelA, modelB] = [(await loadCheckpoint(a)).model, (await loadCheckpoint(b)).model];
  const [logitsA, logitsB] = [predict(modelA, data), predict(modelB, data)];
  const predA = argmaxRows(logitsA, 19);
  const predB = argmaxRows(logitsB, 19);
  const expectedDiff = Math.max(...logitsA.map((v, k) => Math.abs(v - logitsB[k]!)));
  const differ = predA.filter((p, i) => p !== predB[i]).length;
  assert.ok(differ > 0);
  const correct = (pred: Int32Array) => pred.filter((p, i) => p === data.labels[i]).length;
  const { lines, maxDiff } = parseVerify(run.stdout);
  assert.ok(maxDiff > 1e-4 && Math.abs(maxDiff - expectedDiff) <= 0.01 * expectedDiff);
  assert.deepEqual(lines, [
    "checkpoint sha256: differs from the one recorded in the model",
    `${TEST5}: 100 sequences of length 5, batch size 100`,
    `equal predictions: ${100 - differ}/100 (${(100 - differ).toFixed(2)}%)`,
    `accuracy: onnxruntime ${(correct(predA) / 100).toFixed(4)}, lstm-lab ${
      (correct(predB) / 100).toFixed(4)
    }`,
  ]);
  const diffText = maxDiff.toExponential(2);
  assert.equal(
    run.stderr,
    `error: ${out} does not match ${b}: max |logit difference| ${diffText} > 1e-4, ` +
      `${differ} of 100 predictions differ\n`,
  );
});

Deno.test("verify: a file without labels gives n/a accuracies and still passes", async () => {
  const { checkpoint } = trainedJob("lstm");
  const out = join(dir, "lstm-nolabels.onnx");
  await exportModel(checkpoint, out);
  const text = (await Deno.readTextFile(TEST35)).replace(/\t\d+\n/g, "\n");
  const unlabelled = join(dir, "unlabelled.txt");
  await Deno.writeTextFile(unlabelled, text);
  const run = await runScript("verify.ts", [
    "--onnx",
    out,
    "--checkpoint",
    checkpoint,
    "--data",
    unlabelled,
    "--batch-size",
    "33",
  ], VERIFY_PERMS);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(parseVerify(run.stdout).lines, [
    "checkpoint sha256: as recorded in the model",
    `${unlabelled}: 100 sequences of length 35, batch size 33`,
    "equal predictions: 100/100 (100.00%)",
    "accuracy: onnxruntime n/a, lstm-lab n/a",
    `ok: ${out} matches ${checkpoint}`,
  ]);
});

Deno.test("verify: not ONNX, another interface, a bad data file, bad flags: one line each", async () => {
  const checkpoint = await seededCheckpoint("gru", 4);
  const good = join(dir, "gru4.onnx");
  await exportModel(checkpoint, good);
  // the same model with its input renamed
  const model = onnx.ModelProto.decode(await Deno.readFile(good));
  model.graph!.input![0]!.name = "tokens";
  const renamed = join(dir, "renamed.onnx");
  await Deno.writeFile(renamed, onnx.ModelProto.encode(model).finish());
  const badData = join(dir, "bad.txt");
  await Deno.writeTextFile(badData, "1 2 0 0 0\t3\n4 5 0 0 0 0\t9\n");
  const wide = await seededCheckpoint("gru", 4, 25);

  const verify = (onnxPath: string, ckpt = checkpoint, data = TEST5, extra: string[] = []) =>
    runScript(
      "verify.ts",
      ["--onnx", onnxPath, "--checkpoint", ckpt, "--data", data, ...extra],
      VERIFY_PERMS,
    );
  const usage = VERIFY_USAGE;
  const cases: [Promise<RunResult>, number, string | RegExp][] = [
    [
      verify(checkpoint),
      1,
      `error: ${checkpoint}: not an ONNX model (it looks like a safetensors checkpoint)\n`,
    ],
    [verify(TEST5), 1, `error: ${TEST5}: not an ONNX model (it is a text file)\n`],
    [
      verify(renamed),
      1,
      `error: ${renamed}: the model's input is tokens int64 [batch, seq], ` +
      "expected one input digits int64 [batch, seq]\n",
    ],
    [verify(good, wide), 1, `error: ${good}: the model has 19 classes, the checkpoint 25\n`],
    [
      verify(good, checkpoint, badData),
      1,
      `error: ${badData}:2: expected 5 digits as on line 1, found 6\n`,
    ],
    [verify(good, good), 1, new RegExp(`^error: ${good}: not a safetensors file \\([^\n]+\n$`)],
    [
      verify(good, checkpoint, TEST5, ["--batch-size", "0"]),
      2,
      `error: --batch-size expects an integer in [1, 100000], got "0"\n${usage}`,
    ],
    [
      runScript("verify.ts", ["--onnx", good, "--data", TEST5], VERIFY_PERMS),
      2,
      `error: --checkpoint is required\n${usage}`,
    ],
    [
      verify(good, checkpoint, TEST5, ["--tolerance", "abc"]),
      2,
      `error: --tolerance expects a number >= 0, got "abc"\n${usage}`,
    ],
  ];
  const runs = await Promise.all(cases.map(([run]) => run));
  runs.forEach((run, i) => {
    const [, code, stderr] = cases[i]!;
    assert.equal(run.code, code, `case ${i}: ${run.stderr}`);
    assert.equal(run.stdout, "", `case ${i}`);
    if (typeof stderr === "string") assert.equal(run.stderr, stderr, `case ${i}`);
    else assert.match(run.stderr, stderr, `case ${i}`);
  });
});

Deno.test("export: bad flags exit 2 with a usage line", async () => {
  const { checkpoint } = trainedJob("srn");
  const usage = "usage: deno task export --checkpoint FILE [--out model.onnx] [--opset 17]\n";
  const runs = await Promise.all([
    runScript("export.ts", ["--checkpoint", checkpoint, "--opset", "13"], EXPORT_PERMS),
    runScript("export.ts", ["--checkpoint", checkpoint, "--opset", "17.5"], EXPORT_PERMS),
    runScript("export.ts", ["--out", join(dir, "m.onnx")], EXPORT_PERMS),
    runScript("export.ts", ["--checkpoint", checkpoint, "--out", checkpoint], EXPORT_PERMS),
    runScript("export.ts", ["--checkpoint", checkpoint, "model.onnx"], EXPORT_PERMS),
  ]);
  assert.deepEqual(runs.map((r) => [r.code, r.stdout, r.stderr]), [
    [2, "", `error: --opset expects an integer in [14, 21], got "13"\n${usage}`],
    [2, "", `error: --opset expects an integer in [14, 21], got "17.5"\n${usage}`],
    [2, "", `error: --checkpoint is required\n${usage}`],
    [2, "", `error: --out names the checkpoint itself; choose another file\n${usage}`],
    [
      2,
      "",
      `error: unexpected argument "model.onnx"; every value follows its --flag\n${usage}`,
    ],
  ]);
});

/** One trained job of a generated task (10 steps at hidden 8), trained on first use. */
const taskJobs = new Map<string, { checkpoint: string; result: JobResult }>();
function trainedTaskJob(
  task: "adding" | "copy",
  cell: CellKind,
): { checkpoint: string; result: JobResult } {
  const key = `${task}-${cell}`;
  let job = taskJobs.get(key);
  if (job === undefined) {
    const length = task === "adding" ? 6 : 3;
    const options = {
      ...RECOMMENDED_PRESET,
      task,
      steps: 10,
      batchSize: 8,
      hidden: 8,
      embed: 4,
      lr: 0.01,
      clip: 1,
      evalSteps: 5,
    };
    const config = jobConfigs([cell], [length], [0], options)[0]!;
    const jobDir = join(dir, `${key}-L${length}-s0`);
    job = { checkpoint: join(jobDir, "best.safetensors"), result: runJob(config, null, jobDir) };
    taskJobs.set(key, job);
  }
  return job;
}

/** verify's stdout lines but the difference line, and the difference (of logits or outputs). */
function parseTaskVerify(stdout: string, unit: "logit" | "output"): {
  lines: string[];
  maxDiff: number;
} {
  const lines = stdout.trimEnd().split("\n");
  const match = new RegExp(`^max \\|${unit} difference\\|: (\\S+) \\(limit 1e-4\\)$`)
    .exec(lines[2] ?? "");
  assert.ok(match, `no ${unit} difference line in:\n${stdout}`);
  return { lines: lines.toSpliced(2, 1), maxDiff: Number(match[1]) };
}

for (
  const [task, cell] of [
    ["adding", "lstm"],
    ["copy", "gru"],
    ["adding", "srn"],
    ["copy", "irnn"],
  ] as const
) {
  Deno.test(`export + verify ${task} ${cell}: task metadata, and onnxruntime agrees on the generated test set`, async () => {
    const { checkpoint, result } = trainedTaskJob(task, cell);
    const length = task === "adding" ? 6 : 3;
    const out = join(dir, `${task}-${cell}.onnx`);
    const exported = await exportModel(checkpoint, out);
    const size = (await Deno.stat(out)).size;
    const stored = (await loadCheckpoint(checkpoint)).metadata;
    assert.equal(
      exported.stdout,
      `wrote ${out} (${cell}, ${task} task, opset 17, ${size} bytes, trained at length ${length}, ` +
        `dev_loss ${stored.dev_loss}, test_loss ${stored.test_loss})\n`,
    );
    const model = taskOf(task).model(cell, 4, 8);
    assert.deepEqual(await onnxMetadata(out), {
      cell,
      task,
      vocab: String(model.vocab),
      embed: String(model.embed),
      hidden: "8",
      classes: String(model.classes),
      train_length: String(length),
      dev_loss: stored.dev_loss,
      test_loss: stored.test_loss,
      lstm_lab_version: VERSION,
      checkpoint_sha256: await sha256Hex(checkpoint),
    });
    assert.equal(Number(stored.test_loss), result.test_loss);

    // at the training length (the job's own test set: its score is the job's), and at another
    // length in batches that do not divide the 1000 sequences
    const other = task === "adding" ? 40 : 12;
    const [atTrain, atOther] = await Promise.all([
      runScript("verify.ts", ["--onnx", out, "--checkpoint", checkpoint], VERIFY_PERMS),
      runScript(
        "verify.ts",
        [
          "--onnx",
          out,
          "--checkpoint",
          checkpoint,
          "--length",
          String(other),
          "--batch-size",
          "64",
        ],
        VERIFY_PERMS,
      ),
    ]);
    const unit = task === "copy" ? "logit" : "output";
    for (const [run, T, batch] of [[atTrain, length, 100], [atOther, other, 64]] as const) {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(run.stderr, "");
      const { lines, maxDiff } = parseTaskVerify(run.stdout, unit);
      assert.ok(maxDiff >= 0 && maxDiff <= 1e-4, `max diff ${maxDiff}`);
      console.log(`${task} ${cell} T=${T}: max |${unit} diff| ${maxDiff.toExponential(2)}`);
      const steps = task === "copy" ? T + 20 : T;
      const score = /^score: onnxruntime (\S+), lstm-lab (\S+)$/.exec(lines.at(-2)!);
      assert.ok(score, lines.join("\n"));
      assert.equal(score[1], score[2]);
      if (T === length) assert.equal(score[2], result.test_acc.toFixed(4));
      assert.deepEqual(lines, [
        "checkpoint sha256: as recorded in the model",
        `${task} test set at T = ${T}: 1000 sequences of ${steps} steps, batch size ${batch}`,
        ...(task === "copy"
          ? [`equal predictions: ${1000 * steps}/${1000 * steps} steps (100.00%)`]
          : []),
        `score: onnxruntime ${score[1]}, lstm-lab ${score[2]}`,
        `ok: ${out} matches ${checkpoint}`,
      ]);
    }
  });
}

Deno.test("verify: a task model's ONNX against another checkpoint of its task fails with the numbers (exit 1)", async () => {
  const { checkpoint } = trainedTaskJob("copy", "gru");
  const out = join(dir, "copy-gru-other.onnx");
  await exportModel(checkpoint, out);
  const { model } = await loadCheckpoint(checkpoint);
  const other = new SeqClassifier(model.config);
  initParams(other, { init: "torch", seed: 9 });
  const otherPath = join(dir, "copy-gru-seed9.safetensors");
  await saveCheckpoint(otherPath, other, {
    metadata: { lstm_lab_train: { cell: "gru", length: 3, task: "copy" } },
  });
  const run = await runScript(
    "verify.ts",
    ["--onnx", out, "--checkpoint", otherPath],
    VERIFY_PERMS,
  );
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const { lines, maxDiff } = parseTaskVerify(run.stdout, "logit");
  assert.ok(maxDiff > 1e-4, `max diff ${maxDiff}`);
  assert.equal(lines[0], "checkpoint sha256: differs from the one recorded in the model");
  assert.equal(lines[1], "copy test set at T = 3: 1000 sequences of 23 steps, batch size 100");
  const equal = /^equal predictions: (\d+)\/23000 steps \(\S+%\)$/.exec(lines[2]!);
  assert.ok(equal, lines[2]!);
  const differ = 23000 - Number(equal[1]);
  assert.equal(
    run.stderr,
    `error: ${out} does not match ${otherPath}: max |logit difference| ` +
      `${maxDiff.toExponential(2)} > 1e-4${
        differ > 0 ? `, ${differ} of 23000 predictions differ` : ""
      }\n`,
  );
});

Deno.test("verify: --data for a task model, --length for a digit-sum model and crossed models: one line each", async () => {
  const adding = trainedTaskJob("adding", "lstm").checkpoint;
  const copy = trainedTaskJob("copy", "gru").checkpoint;
  const addingOnnx = join(dir, "adding-usage.onnx");
  const copyOnnx = join(dir, "copy-usage.onnx");
  const digitSum = await seededCheckpoint("lstm", 5);
  const digitSumOnnx = join(dir, "seed5.onnx");
  // a task model saved without its training config: verify needs --length
  const { model } = await loadCheckpoint(adding);
  const bare = join(dir, "adding-bare.safetensors");
  await saveCheckpoint(bare, model);
  const bareOnnx = join(dir, "adding-bare.onnx");
  await Promise.all([
    exportModel(adding, addingOnnx),
    exportModel(copy, copyOnnx),
    exportModel(digitSum, digitSumOnnx),
    exportModel(bare, bareOnnx),
  ]);
  const verify = (args: string[]) => runScript("verify.ts", args, VERIFY_PERMS);
  const cases: [Promise<RunResult>, number, string][] = [
    [
      verify(["--onnx", addingOnnx, "--checkpoint", adding, "--data", TEST5]),
      2,
      `error: --data is for a digit-sum model; ${adding} is a model of the adding task, ` +
      `whose test set verify generates (--length T picks its T)\n${VERIFY_USAGE}`,
    ],
    [
      verify(["--onnx", copyOnnx, "--checkpoint", copy, "--data", TEST5, "--length", "4"]),
      2,
      `error: --data is for a digit-sum model; ${copy} is a model of the copy task, ` +
      `whose test set verify generates (--length T picks its T)\n${VERIFY_USAGE}`,
    ],
    [
      verify(["--onnx", digitSumOnnx, "--checkpoint", digitSum]),
      2,
      `error: --data is required\n${VERIFY_USAGE}`,
    ],
    [
      verify(["--onnx", digitSumOnnx, "--checkpoint", digitSum, "--data", TEST5, "--length", "5"]),
      2,
      `error: --length is for a model of the adding or copy task; ${digitSum} is a digit-sum ` +
      `model, which reads --data FILE\n${VERIFY_USAGE}`,
    ],
    [
      verify(["--onnx", addingOnnx, "--checkpoint", adding, "--length", "1"]),
      2,
      `error: --length must be at least 2 for the adding task, got 1\n${VERIFY_USAGE}`,
    ],
    [
      verify(["--onnx", bareOnnx, "--checkpoint", bare]),
      2,
      `error: ${bare} does not record the length it was trained at; give --length T\n${VERIFY_USAGE}`,
    ],
    [
      verify(["--onnx", copyOnnx, "--checkpoint", digitSum, "--data", TEST5]),
      1,
      `error: ${copyOnnx}: the model's input is inputs int64 [batch, seq], ` +
      "expected one input digits int64 [batch, seq]\n",
    ],
    [
      verify(["--onnx", digitSumOnnx, "--checkpoint", copy]),
      1,
      `error: ${digitSumOnnx}: the model's input is digits int64 [batch, seq], ` +
      "expected one input inputs int64 [batch, seq]\n",
    ],
    [
      verify(["--onnx", copyOnnx, "--checkpoint", adding]),
      1,
      `error: ${copyOnnx}: the model's input is inputs int64 [batch, seq], ` +
      "expected one input inputs float32 [batch, seq, 2]\n",
    ],
  ];
  const runs = await Promise.all(cases.map(([run]) => run));
  runs.forEach((run, i) => {
    const [, code, stderr] = cases[i]!;
    assert.equal(run.code, code, `case ${i}: ${run.stderr}`);
    assert.equal(run.stdout, "", `case ${i}`);
    assert.equal(run.stderr, stderr, `case ${i}`);
  });
  // the bare checkpoint verifies once told its length
  const run = await verify(["--onnx", bareOnnx, "--checkpoint", bare, "--length", "6"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(
    run.stdout,
    /^checkpoint sha256: as recorded in the model\nadding test set at T = 6: /,
  );
});
