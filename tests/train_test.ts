/**
 * Training end to end: determinism, workers, resume after SIGKILL and Ctrl-C, NaN losses, the
 * eval and predict scripts, and bad input. Runs on the book's length-5 data to stay fast.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BOOK_PRESET,
  evaluate,
  type JobConfig,
  loadCheckpoint,
  majorityRate,
  readJobData,
  runJob,
  runJobs,
} from "../mod.ts";
import { SUMMARY_COLUMNS } from "../lib/run/summary.ts";
import { assertUsageErrors, runScript } from "./helpers.ts";

const TRAIN_PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];
const data5 = await readJobData("datasets", 5);
const small = (over: Partial<JobConfig> = {}): JobConfig => ({
  ...BOOK_PRESET,
  cell: "lstm",
  length: 5,
  seed: 0,
  epochs: 3,
  evalSteps: 20,
  shuffle: true,
  ...over,
});
const read = (path: string) => Deno.readTextFile(path);
const withoutWall = (csv: string) =>
  csv.split("\n").map((l) => l.split(",").slice(0, -1).join(",")).join("\n");

Deno.test("runJob: the same config twice gives byte-identical metrics.csv and best checkpoint", async () => {
  const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const ra = runJob(small(), data5, a);
  const rb = runJob(small(), data5, b);
  assert.deepEqual({ ...ra, wall_s: 0 }, { ...rb, wall_s: 0 });
  assert.equal(await read(join(a, "metrics.csv")), await read(join(b, "metrics.csv")));
  assert.deepEqual(
    await Deno.readFile(join(a, "best.safetensors")),
    await Deno.readFile(join(b, "best.safetensors")),
  );
  const lines = (await read(join(a, "metrics.csv"))).trim().split("\n");
  assert.equal(lines[0], "step,epoch,train_loss,dev_loss,dev_acc");
  assert.equal(lines.length, 1 + 3 * 38);
  // dev columns only at steps 20, 40, … and at the last step (114)
  const evalSteps = lines.slice(1).filter((l) => !l.endsWith(",,")).map((l) =>
    Number(l.split(",")[0])
  );
  assert.deepEqual(evalSteps, [20, 40, 60, 80, 100, 114]);
  assert.equal(lines[39]!.split(",")[1], "2"); // step 39 is in epoch 2
});

Deno.test("runJob: the test accuracy reported is the best checkpoint's, chosen on dev", async () => {
  const dir = await Deno.makeTempDir();
  const result = runJob(small({ epochs: 6, evalSteps: 19 }), data5, dir);
  const { model, metadata } = await loadCheckpoint(join(dir, "best.safetensors"));
  assert.equal(evaluate(model, data5.dev).accuracy, result.best_dev_acc);
  assert.equal(evaluate(model, data5.test).accuracy, result.test_acc);
  assert.equal(Number(metadata.step), result.best_step);
  const rows = (await read(join(dir, "metrics.csv"))).trim().split("\n").slice(1).map((l) =>
    l.split(",")
  );
  const devAccs = rows.filter((r) => r[4] !== "").map((r) => ({
    step: Number(r[0]),
    acc: Number(r[4]),
  }));
  const best = Math.max(...devAccs.map((d) => d.acc));
  assert.equal(result.best_dev_acc, best);
  // the first step reaching the best: later ties do not replace the checkpoint
  assert.equal(result.best_step, devAccs.find((d) => d.acc === best)!.step);
});

Deno.test("runJob: a NaN loss stops the job with a clear message and keeps its best checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  const result = runJob(small({ lr: 1e37, evalSteps: 1 }), data5, dir);
  assert.equal(result.status, "diverged");
  assert.match(
    result.message!,
    /^lstm-L5-s0: training loss is (NaN|Infinity) at step \d+ \(epoch 1\); stopped, keeping the best checkpoint \(step \d+\)$/,
  );
  assert.ok(result.steps < 114);
  await Deno.stat(join(dir, "best.safetensors"));
  const last = (await read(join(dir, "metrics.csv"))).trim().split("\n").at(-1)!;
  assert.equal(Number(last.split(",")[0]), result.steps);
});

Deno.test("runJobs: a diverging job does not stop the others; results equal one at a time", async () => {
  const [dirA, dirB] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const jobs = [
    { config: small({ lr: 1e37 }), data: data5, dir: join(dirA, "bad") },
    { config: small({ seed: 1 }), data: data5, dir: join(dirA, "good") },
  ];
  const results = await runJobs(jobs, {
    workers: 2,
    resume: false,
    stop: new SharedArrayBuffer(4),
  });
  assert.equal(results[0]!.status, "diverged");
  assert.equal(results[1]!.status, "done");
  runJob(small({ seed: 1 }), data5, dirB);
  assert.equal(
    await read(join(dirA, "good", "metrics.csv")),
    await read(join(dirB, "metrics.csv")),
  );
});

Deno.test("runJob: a folder that already holds a job needs resume, and the same settings", async () => {
  const dir = await Deno.makeTempDir();
  runJob(small({ epochs: 1 }), data5, dir);
  assert.throws(() => runJob(small({ epochs: 1 }), data5, dir), {
    message: `${dir} already holds files; pass --resume to continue, or another --out`,
  });
  assert.throws(() => runJob(small({ epochs: 2 }), data5, dir, { resume: true }), {
    message: `${
      join(dir, "config.json")
    } differs from this command's settings; resume with the same flags, or use another --out`,
  });
  // resuming a finished job returns its result without training again
  const again = runJob(small({ epochs: 1 }), data5, dir, { resume: true });
  assert.equal(again.steps, 38);
});

const LONG = [
  "--lengths",
  "5",
  "--epochs",
  "60",
  "--eval-steps",
  "7",
  "--shuffle",
  "--input-dropout",
  "0.1",
  "--workers",
  "1",
];

/** A training child process whose output is read as it runs (a full pipe would stall it). */
interface TrainChild {
  child: Deno.ChildProcess;
  /** Everything the child wrote to stderr, once it exits. */
  stderr: Promise<string>;
}

function spawnTrain(args: string[]): TrainChild {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...TRAIN_PERMS, "scripts/train.ts", ...args],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  return { child, stderr: new Response(child.stderr).text() };
}

/** How long a test waits for a child process to reach a point: minutes, so a busy machine only slows it. */
const WAIT_MS = 5 * 60_000;

/**
 * Wait until `path` holds at least `minBytes` bytes, failing early (with the child's stderr) when
 * the child exits first, or with a message saying what was awaited after {@linkcode WAIT_MS}.
 */
async function waitForStep(
  { child, stderr }: TrainChild,
  path: string,
  minBytes: number,
): Promise<void> {
  let exited: Deno.CommandStatus | undefined;
  child.status.then((status) => exited = status);
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    try {
      if ((await Deno.stat(path)).size >= minBytes) return;
    } catch { /* not yet written */ }
    if (exited) {
      throw new Error(
        `the training child exited (code ${exited.code}) before ${path} reached ${minBytes} bytes: ${await stderr}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`waited ${WAIT_MS / 60_000} minutes for ${path} to reach ${minBytes} bytes`);
}

/** Send `signal` to a child that must still be running, and return how it ended. */
async function interrupt(
  { child, stderr }: TrainChild,
  signal: Deno.Signal,
): Promise<{ status: Deno.CommandStatus; stderr: string }> {
  child.kill(signal);
  const status = await child.status;
  assert.ok(
    status.signal === signal || (signal === "SIGINT" && status.code === 130),
    `the training child finished (code ${status.code}) before ${signal} reached it: make its run longer`,
  );
  return { status, stderr: await stderr };
}

async function referenceRun(): Promise<string> {
  const out = join(await Deno.makeTempDir(), "ref");
  const result = await runScript("train.ts", [...LONG, "--out", out], TRAIN_PERMS);
  assert.equal(result.code, 0, result.stderr);
  return out;
}

async function assertSameRun(resumed: string, reference: string): Promise<void> {
  const job = "lstm-L5-s0";
  assert.equal(
    await read(join(resumed, job, "metrics.csv")),
    await read(join(reference, job, "metrics.csv")),
  );
  assert.equal(
    withoutWall(await read(join(resumed, "summary.csv"))),
    withoutWall(await read(join(reference, "summary.csv"))),
  );
  assert.deepEqual(
    await Deno.readFile(join(resumed, job, "best.safetensors")),
    await Deno.readFile(join(reference, job, "best.safetensors")),
  );
}

Deno.test("train: killed with SIGKILL mid-run, --resume ends byte-identical to an uninterrupted run", async () => {
  const reference = await referenceRun();
  const out = join(await Deno.makeTempDir(), "killed");
  const child = spawnTrain([...LONG, "--out", out]);
  // wait until a few hundred metrics rows exist, then kill without warning
  await waitForStep(child, join(out, "lstm-L5-s0", "metrics.csv"), 12_000);
  const { status } = await interrupt(child, "SIGKILL");
  assert.equal(status.signal, "SIGKILL");
  await assert.rejects(Deno.stat(join(out, "lstm-L5-s0", "result.json")));
  const resumed = await runScript("train.ts", [...LONG, "--out", out, "--resume"], TRAIN_PERMS);
  assert.equal(resumed.code, 0, resumed.stderr);
  await assertSameRun(out, reference);
});

Deno.test("train: Ctrl-C saves the running job and exits 130; --resume then finishes identically", async () => {
  const reference = await referenceRun();
  const out = join(await Deno.makeTempDir(), "interrupted");
  const child = spawnTrain([...LONG, "--out", out]);
  await waitForStep(child, join(out, "lstm-L5-s0", "metrics.csv"), 12_000);
  const { status, stderr } = await interrupt(child, "SIGINT");
  assert.equal(status.code, 130);
  assert.match(
    stderr,
    /error: interrupted; 0 of 1 job\(s\) finished and every running job saved its state\. Continue with the same flags and --out .* --resume/,
  );
  await assert.rejects(Deno.stat(join(out, "summary.csv")));
  const resumed = await runScript("train.ts", [...LONG, "--out", out, "--resume"], TRAIN_PERMS);
  assert.equal(resumed.code, 0, resumed.stderr);
  await assertSameRun(out, reference);
});

Deno.test("train: two workers give the same bytes as one, and the book's table", async () => {
  const base = await Deno.makeTempDir();
  const args = [
    "--lengths",
    "5",
    "--seeds",
    "0,1",
    "--cells",
    "lstm,srn",
    "--epochs",
    "2",
    "--eval-steps",
    "25",
  ];
  const one = await runScript(
    "train.ts",
    [...args, "--workers", "1", "--out", join(base, "one")],
    TRAIN_PERMS,
  );
  const two = await runScript(
    "train.ts",
    [...args, "--workers", "2", "--out", join(base, "two")],
    TRAIN_PERMS,
  );
  assert.equal(one.code, 0, one.stderr);
  assert.equal(two.code, 0, two.stderr);
  for (const job of ["lstm-L5-s0", "lstm-L5-s1", "srn-L5-s0", "srn-L5-s1"]) {
    assert.equal(
      await read(join(base, "one", job, "metrics.csv")),
      await read(join(base, "two", job, "metrics.csv")),
      job,
    );
  }
  assert.equal(
    withoutWall(await read(join(base, "one", "summary.csv"))),
    withoutWall(await read(join(base, "two", "summary.csv"))),
  );
  assert.match(
    two.stdout,
    /^\[LSTM\] length:5, seed:0, dev_score: \d\.\d\d, test_score: \d\.\d{5} \(memory \d\.\d{3} of \d+, adjacent \d\.\d{3} of \d+\)$/m,
  );
  assert.match(
    two.stdout,
    /^\[SRN\] length:5, 2 seeds: dev_score: \d\.\d{3} ± \d\.\d{3}, test_score: \d\.\d{3} ± \d\.\d{3}, memory: \d\.\d{3} ± \d\.\d{3}$/m,
  );
  const summary = JSON.parse(await read(join(base, "two", "summary.json")));
  assert.deepEqual(Object.keys(summary[0]), SUMMARY_COLUMNS);
  assert.deepEqual(summary.map((r: { cell: string; seed: number }) => `${r.cell}${r.seed}`), [
    "lstm0",
    "lstm1",
    "srn0",
    "srn1",
  ]);

  // eval recomputes the same accuracies from the best checkpoints
  const evaluated = await runScript("eval.ts", ["--run", join(base, "two")]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const results = (await read(join(base, "two", "results.csv"))).trim().split("\n");
  assert.equal(
    results[0],
    "cell,length,seed,best_step,dev_acc,dev_loss,test_acc,test_loss," +
      "test_acc_memory,test_acc_adjacent,n_memory,n_adjacent," +
      "space_n,space_exhaustive,space_acc,space_low,space_high,space_loss,space_info," +
      "space_n_memory,space_acc_memory,space_memory_low,space_memory_high",
  );
  for (const [i, row] of summary.entries()) {
    const fields = results[i + 1]!.split(",");
    assert.equal(Number(fields[4]), row.best_dev_acc);
    assert.equal(Number(fields[6]), row.test_acc);
    assert.deepEqual(fields.slice(8, 12).map(Number), [
      row.test_acc_memory,
      row.test_acc_adjacent,
      row.n_memory,
      row.n_adjacent,
    ]);
    // length 5: the whole input space, 3,000 sequences, so an exact accuracy and no interval
    assert.deepEqual(fields.slice(12, 14), ["3000", "true"]);
    assert.equal(fields[15], Number(fields[14]).toPrecision(7));
    assert.equal(fields[16], fields[15]);
    assert.equal(row.n_memory + row.n_adjacent, 100, "the split covers the whole test set");
    // the first evaluation with dev accuracy >= 0.3, from the job's metrics.csv
    const job = join(base, "two", `${row.cell}-L5-s${row.seed}`, "metrics.csv");
    const evals = (await read(job)).trim().split("\n").slice(1).map((l) => l.split(","))
      .filter((f) => f[4] !== "");
    const learned = evals.find((f) => Number(f[4]) >= 0.3);
    assert.equal(row.first_learning_step, learned ? Number(learned[0]) : null);
  }
  // the noise breakdown covers each job's whole test set, and its errors are the test accuracy's
  const noise = (await read(join(base, "two", "noise_errors.csv"))).trim().split("\n");
  assert.equal(noise[0], "cell,length,seed,noise_position,n,errors");
  const testSet = await readJobData("datasets", 5).then((d) => d.test);
  for (const row of summary) {
    const lines = noise.slice(1).map((l) => l.split(",")).filter((f) =>
      f[0] === row.cell && f[2] === String(row.seed)
    );
    const n = lines.reduce((s, f) => s + Number(f[4]), 0);
    const errors = lines.reduce((s, f) => s + Number(f[5]), 0);
    assert.equal(n, testSet.n);
    assert.equal(errors, Math.round((1 - row.test_acc) * testSet.n), `${row.cell} s${row.seed}`);
    // memory: noise at position >= 4 or none (-1); the rest is adjacent noise (2 or 3)
    const memory = lines.filter((f) => Number(f[3]) < 0 || Number(f[3]) >= 4);
    const nMemory = memory.reduce((s, f) => s + Number(f[4]), 0);
    const memoryErrors = memory.reduce((s, f) => s + Number(f[5]), 0);
    assert.equal(row.n_memory, nMemory);
    assert.equal(row.test_acc_memory, (nMemory - memoryErrors) / nMemory);
    assert.equal(row.n_adjacent, n - nMemory);
  }
  assert.match(
    evaluated.stdout,
    /^test errors by the noise digit's position \(errors\/examples\)$/m,
  );
  assert.match(evaluated.stdout, /^job {10}2 {6}3 {6}4 {6}5 {5}≥6 {3}none$/m);
  assert.match(evaluated.stdout, /^SRN L5( +(\d+\/\d+|·)){6}$/m);
});

Deno.test("train: bad flags exit 2 with a usage line; bad data and an existing run exit 1", async () => {
  await assertUsageErrors("train", [
    [["--lr", "abc"], 'error: --lr expects a number in [0, 10], got "abc"'],
    [
      ["--cells", "lstm,rnn"],
      'error: --cells expects a list of lstm|gru|srn|irnn, got "lstm,rnn"',
    ],
    [["--preset", "fast"], 'error: --preset expects one of recommended|book|blog, got "fast"'],
    [["--init", "he"], 'error: --init expects one of torch|xavier|zeros, got "he"'],
    [["--workers", "0"], 'error: --workers expects an integer in [1, 256], got "0"'],
    [["--shuffle", "--no-shuffle"], "error: --shuffle and --no-shuffle contradict each other"],
    [
      ["--epochs"],
      "error: --epochs expects a value (write --epochs=VALUE for one that starts with a dash)",
    ],
  ], (args) => runScript("train.ts", args, TRAIN_PERMS));
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(join(dir, "data", "5"), { recursive: true });
  await Deno.writeTextFile(join(dir, "data", "5", "train.txt"), "1 2 0 0 0\t3\n1 2 0 0\t3\n");
  const bad = await runScript("train.ts", [
    "--lengths",
    "5",
    "--data",
    join(dir, "data"),
    "--out",
    join(dir, "r"),
  ], TRAIN_PERMS);
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr.trim(),
    `error: ${join(dir, "data", "5", "train.txt")}:2: expected 5 digits as on line 1, found 4`,
  );
  await assert.rejects(Deno.stat(join(dir, "r")));
  const missing = await runScript(
    "train.ts",
    ["--lengths", "40", "--out", join(dir, "r")],
    TRAIN_PERMS,
  );
  assert.equal(
    missing.stderr.trim(),
    "error: datasets/40/train.txt: file not found; expected a digit-sum data file",
  );
  const out = join(dir, "done");
  const first = await runScript(
    "train.ts",
    ["--lengths", "5", "--epochs", "1", "--out", out],
    TRAIN_PERMS,
  );
  assert.equal(first.code, 0, first.stderr);
  const again = await runScript(
    "train.ts",
    ["--lengths", "5", "--epochs", "1", "--out", out],
    TRAIN_PERMS,
  );
  assert.equal(again.code, 1);
  assert.equal(
    again.stderr.trim(),
    `error: ${out} already holds a run; pass --resume to continue it, or choose another --out`,
  );
});

Deno.test("predict writes index,label,pred,logits; labels may be absent; eval needs a run", async () => {
  const dir = await Deno.makeTempDir();
  runJob(small({ epochs: 1 }), data5, join(dir, "lstm-L5-s0"));
  const checkpoint = join(dir, "lstm-L5-s0", "best.safetensors");
  const out = join(dir, "preds.csv");
  const result = await runScript("predict.ts", [
    "--checkpoint",
    checkpoint,
    "--data",
    "datasets/5/test.txt",
    "--out",
    out,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^wrote 100 predictions to .*preds\.csv, accuracy \d\.\d{4}\n$/);
  const lines = (await read(out)).trim().split("\n");
  assert.equal(lines.length, 101);
  assert.equal(
    lines[0],
    ["index", "label", "pred", ...Array.from({ length: 19 }, (_, c) => `logit_${c}`)].join(","),
  );
  const { model } = await loadCheckpoint(checkpoint);
  const logits = model.forward(data5.test.digits.subarray(0, 5), 1, 5);
  const first = lines[1]!.split(",");
  assert.equal(first[1], String(data5.test.labels[0]));
  // 9 significant digits bring back the exact float32 logits
  assert.deepEqual(first.slice(3).map((s) => Math.fround(Number(s))), Array.from(logits));
  await Deno.writeTextFile(join(dir, "nolabels.txt"), "1 2 0 0 7\n3 3 0 0 0\n");
  const bare = await runScript("predict.ts", [
    "--checkpoint",
    checkpoint,
    "--data",
    join(dir, "nolabels.txt"),
  ]);
  assert.equal(bare.code, 0, bare.stderr);
  assert.match(bare.stdout.split("\n")[1]!, /^0,,\d+,/);
  const wrong = await runScript("predict.ts", [
    "--checkpoint",
    "datasets/5/test.txt",
    "--data",
    "datasets/5/test.txt",
  ]);
  assert.equal(wrong.code, 1);
  assert.match(
    wrong.stderr,
    /^error: datasets\/5\/test\.txt: not a safetensors file \(it looks like a text file\)/,
  );
  const noRun = await runScript("eval.ts", ["--run", join(dir, "nope")]);
  assert.equal(
    noRun.stderr.trim(),
    `error: ${join(dir, "nope")}: no such run folder; run deno task train first`,
  );
});

Deno.test("runJob: stopped and resumed under early stopping, it stops where an uninterrupted job does", async () => {
  const config = small({ epochs: 40, evalSteps: 10, patience: 3, inputDropout: 0.1 });
  const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const whole = runJob(config, data5, a);
  assert.equal(whole.status, "early-stop");
  let polls = 0;
  // stop between the last evaluations of the uninterrupted job, then resume
  const cut = whole.steps - 15; // after an evaluation that did not improve on the best
  const first = runJob(config, data5, b, { hooks: { shouldStop: () => ++polls > cut } });
  assert.equal(first.status, "interrupted");
  const resumed = runJob(config, data5, b, { resume: true });
  assert.deepEqual({ ...resumed, wall_s: 0 }, { ...whole, wall_s: 0 });
  assert.equal(await read(join(b, "metrics.csv")), await read(join(a, "metrics.csv")));
});

Deno.test("runJob: patience waits for minEpochs; dev accuracy 1.0 would stop at once", async () => {
  const eager = runJob(
    small({ epochs: 10, evalSteps: 10, patience: 1, lr: 0.01 }),
    data5,
    await Deno.makeTempDir(),
  );
  const patient = runJob(
    small({ epochs: 10, evalSteps: 10, patience: 1, lr: 0.01, minEpochs: 4 }),
    data5,
    await Deno.makeTempDir(),
  );
  assert.equal(eager.status, "early-stop");
  assert.ok(eager.steps < 3 * 38, `stopped at step ${eager.steps}`);
  assert.ok(patient.steps > 3 * 38, `stopped at step ${patient.steps}, before epoch 4`);
});

Deno.test("runJob: patience waits while dev accuracy is no better than answering the most common label", async () => {
  assert.equal(majorityRate(data5.train.labels), 0.1); // the sum 9: 10 of the 100 digit pairs
  // lr 0: the model never learns, so every evaluation is one without gain
  const stuck = runJob(
    small({ epochs: 4, evalSteps: 10, patience: 1, lr: 0 }),
    data5,
    await Deno.makeTempDir(),
  );
  assert.ok(stuck.best_dev_acc <= 0.1, `dev accuracy ${stuck.best_dev_acc}`);
  assert.equal(stuck.status, "done");
  assert.equal(stuck.steps, 4 * 38);
});
