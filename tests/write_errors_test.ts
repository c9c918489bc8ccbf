/**
 * Failed writes are one line: every task that writes, given a disk that fills, a read-only or
 * forbidden folder, or a path that is a file, prints `error: FILE: CAUSE`, exits 1 with no stack
 * trace (also when the write happens in a training worker), and leaves every file it wrote before
 * whole. The failures come from `LSTM_LAB_WRITE_FAULT` (lib/io/atomic.ts), so no root is needed;
 * as root, a real tiny tmpfs fills up and a resume after freeing space ends byte-identical.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { decodeSafetensors, encodeSafetensors } from "../lib/io/safetensors.ts";
import { dataWithLength5, runScript } from "./helpers.ts";

const TRAIN_PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];
/** The tasks without --allow-env read the fault variable alone. */
const PERMS = ["--allow-read", "--allow-write", "--allow-env=LSTM_LAB_WRITE_FAULT"];
const SMALL = ["--lengths", "5", "--epochs", "3", "--eval-steps", "50"];
const CHECKPOINT = "tests/fixtures/run_analysis/default/lstm-L10-s0/best.safetensors";

/** Every file below `dir` (relative path → bytes), the temporary ones included. */
async function tree(dir: string, base = dir, files = new Map<string, Uint8Array>()) {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) await tree(path, base, files);
    else files.set(relative(base, path), await Deno.readFile(path));
  }
  return files;
}

/** A file's bytes, with the training state's wall time set to 0 in a last.safetensors. */
function masked(name: string, bytes: Uint8Array): string {
  if (!name.endsWith("last.safetensors")) return Array.from(bytes).join();
  const file = decodeSafetensors(bytes, name);
  const state = JSON.parse(file.metadata.lstm_lab_state!);
  file.metadata.lstm_lab_state = JSON.stringify({ ...state, wallS: 0 });
  return Array.from(encodeSafetensors(file.tensors, file.metadata)).join();
}

/**
 * `script` failing with `fault` prints exactly `error: <out>/<failed>: <cause>` and exits 1, and
 * every file it left in `out` is whole: byte for byte the file a run without the fault wrote
 * (`clean`), and no temporary file.
 */
async function assertOneLine(
  run: { code: number; stderr: string },
  line: string,
  out: string,
  clean: Map<string, Uint8Array>,
  same: (name: string) => boolean = () => true,
): Promise<Map<string, Uint8Array>> {
  assert.equal(run.stderr.trim().split("\n").at(-1), line, run.stderr);
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
  assert.equal(run.code, 1);
  const left = await tree(out);
  for (const [name, bytes] of left) {
    assert.doesNotMatch(name, /\.tmp$/, "no temporary file left");
    assert.ok(clean.has(name), `${name} is not a file of the clean run`);
    if (same(name)) assert.equal(masked(name, bytes), masked(name, clean.get(name)!), name);
  }
  return left;
}

let base = "";
let data = "";
let cleanTrain = new Map<string, Uint8Array>();

Deno.test({
  name: "write errors: set-up — a clean small training run to compare with",
  fn: async () => {
    base = await Deno.makeTempDir();
    data = await dataWithLength5(base);
    const run = await runScript("train.ts", [
      ...SMALL,
      "--data",
      data,
      "--out",
      join(base, "clean"),
    ], TRAIN_PERMS);
    assert.equal(run.code, 0, run.stderr);
    cleanTrain = await tree(join(base, "clean"));
  },
});

Deno.test("write errors: train's worker fills the disk at the second last.safetensors; --resume ends byte-identical", async () => {
  const out = join(base, "enospc");
  const args = [...SMALL, "--data", data, "--out", out];
  const fault = { LSTM_LAB_WRITE_FAULT: "ENOSPC:last.safetensors:2" };
  const run = await runScript("train.ts", args, TRAIN_PERMS, fault);
  const left = await assertOneLine(
    run,
    `error: ${out}/lstm-L5-s0/last.safetensors: no space left on device`,
    out,
    cleanTrain,
    // the first last.safetensors and metrics.csv so far are whole, but not yet the final ones
    (name) => name.endsWith("config.json"),
  );
  const last = left.get("lstm-L5-s0/last.safetensors")!;
  const state = JSON.parse(decodeSafetensors(last, "last").metadata.lstm_lab_state!);
  assert.equal(state.step, 50, "the first checkpoint is intact");
  const resumed = await runScript("train.ts", [...args, "--resume"], TRAIN_PERMS);
  assert.equal(resumed.code, 0, resumed.stderr);
  const after = await tree(out);
  for (const name of ["metrics.csv", "best.safetensors", "last.safetensors", "config.json"]) {
    const path = `lstm-L5-s0/${name}`;
    assert.equal(masked(path, after.get(path)!), masked(path, cleanTrain.get(path)!), path);
  }
});

for (
  const [cause, file, nth, message] of [
    ["EROFS", "lstm-L5-s0/best.safetensors", 2, "read-only file system"],
    ["EACCES", "lstm-L5-s0/metrics.csv", 2, "permission denied"],
    ["ENOTDIR", "config.json", 1, "not a directory"],
  ] as const
) {
  Deno.test(`write errors: train, ${message} at ${file}`, async () => {
    const out = join(base, cause);
    const name = file.split("/").at(-1);
    const fault = { LSTM_LAB_WRITE_FAULT: `${cause}:${name}:${nth}` };
    const run = await runScript(
      "train.ts",
      [...SMALL, "--data", data, "--out", out],
      TRAIN_PERMS,
      fault,
    );
    // the checkpoints and metrics.csv (appended to; resume drops a line cut short) are those of
    // an earlier step than the clean run's last
    await assertOneLine(
      run,
      `error: ${out}/${file}: ${message}`,
      out,
      cleanTrain,
      (name) => name.endsWith("config.json"),
    );
  });
}

Deno.test("write errors: train into a path that is a file", async () => {
  const file = join(base, "a-file");
  await Deno.writeTextFile(file, "not a folder\n");
  const run = await runScript(
    "train.ts",
    [...SMALL, "--data", data, "--out", join(file, "run")],
    TRAIN_PERMS,
  );
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    `error: ${file}/run/config.json: ${file} is a file, expected a folder\n`,
  );
  assert.equal(await Deno.readTextFile(file), "not a folder\n");
});

/** A task, a clean run and the same run with a fault: one line, and the files before it whole. */
const TASKS: {
  task: string;
  script: string;
  args: (out: string) => string[];
  fault: string;
  failed: string;
  perms?: string[];
  /** Which files must equal the clean run's (default all: wall-clock times differ). */
  same?: (name: string) => boolean;
}[] = [
  {
    task: "gen-data",
    script: "gen_data.ts",
    args: (out) => ["--lengths", "5,7", "--out", out],
    fault: "EACCES:dev.txt:2",
    failed: "7/dev.txt",
  },
  {
    task: "capacity",
    script: "capacity.ts",
    args: (out) => [
      ...["--cells", "lstm", "--lengths", "5", "--seeds", "0", "--epochs", "1"],
      ...["--data", data, "--out", out, "--workers", "1"],
    ],
    fault: "ENOSPC:capacity.md",
    failed: "capacity.md",
    perms: TRAIN_PERMS,
    same: (name) => !/result\.json|summary|capacity\.csv/.test(name),
  },
  {
    task: "export",
    script: "export.ts",
    args: (out) => ["--checkpoint", CHECKPOINT, "--out", join(out, "model.onnx")],
    fault: "EROFS:model.onnx",
    failed: "model.onnx",
  },
  {
    task: "import",
    script: "import.ts",
    args: (out) => [
      ...["--from", "tests/fixtures/import/blog_lstm.safetensors"],
      ...["--embedding", "tests/fixtures/import/blog_embedding.safetensors"],
      ...["--out", join(out, "blog.safetensors")],
    ],
    fault: "ENOSPC:blog.safetensors",
    failed: "blog.safetensors",
  },
  {
    task: "plot",
    script: "plot.ts",
    args: (out) => ["--run", join(base, "clean"), "--out", out, "--scale", "1"],
    fault: "EACCES:accuracy.png",
    failed: "figures/accuracy.png",
  },
  {
    task: "merge",
    script: "merge.ts",
    args: (out) => ["--out", out, join(base, "clean")],
    fault: "ENOSPC:summary.json",
    failed: "summary.json",
  },
  {
    task: "predict",
    script: "predict.ts",
    args: (out) => [
      ...["--checkpoint", CHECKPOINT, "--data", "datasets/10/test.txt"],
      ...["--out", join(out, "preds.csv")],
    ],
    fault: "EROFS:preds.csv",
    failed: "preds.csv",
  },
];

const CAUSES: Record<string, string> = {
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
  EACCES: "permission denied",
};

for (const { task, script, args, fault, failed, perms = PERMS, same } of TASKS) {
  Deno.test(`write errors: ${task}, ${CAUSES[fault.split(":")[0]!]} at ${failed}`, async () => {
    const cleanOut = join(base, `${task}-clean`);
    const clean = await runScript(script, args(cleanOut), perms);
    assert.equal(clean.code, 0, clean.stderr);
    const out = join(base, `${task}-fault`);
    const run = await runScript(script, args(out), perms, { LSTM_LAB_WRITE_FAULT: fault });
    const cause = CAUSES[fault.split(":")[0]!];
    const left = await assertOneLine(
      run,
      `error: ${join(out, failed)}: ${cause}`,
      out,
      await tree(cleanOut),
      same,
    );
    assert.ok(!left.has(failed), `${failed} was not written`);
  });
}

/**
 * Run `test` on a tmpfs of `size` mounted at a new folder (root only), unmounted and removed
 * afterwards.
 */
async function withTmpfs(size: string, test: (disk: string) => Promise<void>): Promise<void> {
  const disk = await Deno.makeTempDir();
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", disk],
    stderr: "piped",
  }).output();
  assert.equal(mount.code, 0, `mount: ${new TextDecoder().decode(mount.stderr)}`);
  try {
    await test(disk);
  } finally {
    await new Deno.Command("umount", { args: [disk] }).output();
    await Deno.remove(disk, { recursive: true });
  }
}

/** Remount the file system at `disk` with mount's `options` (`remount,ro`, `remount,size=4m`). */
async function remount(disk: string, options: string): Promise<void> {
  const { code } = await new Deno.Command("mount", { args: ["-o", options, disk] }).output();
  assert.equal(code, 0);
}

Deno.test({
  name: "write errors (root): a real 48 KiB tmpfs fills up; freed, --resume ends byte-identical",
  ignore: Deno.uid() !== 0,
  fn: () =>
    withTmpfs("48k", async (disk) => {
      const out = join(disk, "run");
      const args = [...SMALL, "--data", data, "--out", out];
      const run = await runScript("train.ts", args, TRAIN_PERMS);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^error: \S+: no space left on device\n$/);
      await remount(disk, "remount,size=4m");
      const resumed = await runScript("train.ts", [...args, "--resume"], TRAIN_PERMS);
      assert.equal(resumed.code, 0, resumed.stderr);
      const after = await tree(out);
      for (const name of ["metrics.csv", "best.safetensors", "last.safetensors"]) {
        const path = `lstm-L5-s0/${name}`;
        assert.equal(masked(path, after.get(path)!), masked(path, cleanTrain.get(path)!), path);
      }
    }),
});

Deno.test({
  name: "write errors (root): a real read-only file system",
  ignore: Deno.uid() !== 0,
  fn: () =>
    withTmpfs("1m", async (disk) => {
      await remount(disk, "remount,ro");
      const run = await runScript("gen_data.ts", ["--lengths", "5", "--out", disk], PERMS);
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `error: ${disk}/5/train.txt: read-only file system\n`);
    }),
});

Deno.test("write errors: clean up", async () => {
  await Deno.remove(base, { recursive: true });
});
