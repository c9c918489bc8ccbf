/**
 * Shards and merge: `--shard K/N` slices are a deterministic, balanced partition of the job list;
 * three capacity shards merged, two shards of a task study, and two train shards sharing one
 * folder, equal the unsharded run byte for byte but for wall-clock times; merge refuses missing
 * jobs and foreign shards.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { BOOK_PRESET, jobConfigs, jobName } from "../mod.ts";
import { jobCost, parseShard, shardJobs } from "../lib/train/mod.ts";
import { decodeSafetensors, encodeSafetensors } from "../lib/io/safetensors.ts";
import { dataWithLength5, runScript } from "./helpers.ts";

const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"];
const base = await Deno.makeTempDir({ prefix: "shard_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(base, { recursive: true }));
const data = await dataWithLength5(base);

Deno.test("shardJobs: every job in exactly one shard, longest first onto the least loaded", () => {
  const jobs = jobConfigs(["lstm", "gru", "srn"], [5, 10, 20, 35], [0, 1, 2], BOOK_PRESET);
  for (let count = 1; count <= 7; count++) {
    const shards = Array.from(
      { length: count },
      (_, k) => shardJobs(jobs, { index: k + 1, count }),
    );
    const names = shards.flat().map(jobName);
    assert.equal(names.length, jobs.length);
    assert.equal(new Set(names).size, jobs.length);
    // each slice keeps the run's order
    for (const slice of shards) {
      const at = slice.map((j) => jobs.indexOf(j));
      assert.deepEqual(at, [...at].sort((a, b) => a - b));
    }
    // greedy LPT: no shard exceeds another by more than the largest job
    const loads = shards.map((s) => s.reduce((sum, j) => sum + jobCost(j), 0));
    const largest = Math.max(...jobs.map(jobCost));
    assert.ok(Math.max(...loads) - Math.min(...loads) <= largest, `loads ${loads}`);
    // the same answer every time, whatever the order of the calls
    assert.deepEqual(shardJobs(jobs, { index: count, count }), shards[count - 1]);
  }
  assert.deepEqual(parseShard("3/3"), { index: 3, count: 3 });
  for (const bad of ["0/3", "4/3", "3", "1/0", "a/b", "1/3/4", " 1/3"]) {
    assert.throws(() => parseShard(bad), {
      name: "UsageError",
      message: `--shard expects K/N with 1 <= K <= N <= 10000, got "${bad}"`,
    });
  }
});

/** Every file under `dir`, by relative path, with wall-clock times masked. */
async function tree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (at: string) => {
    for await (const entry of Deno.readDir(at)) {
      const path = join(at, entry.name);
      if (entry.isDirectory) await walk(path);
      else files.set(relative(dir, path), await masked(path));
    }
  };
  await walk(dir);
  return files;
}

async function masked(path: string): Promise<string> {
  const bytes = await Deno.readFile(path);
  if (path.endsWith("last.safetensors")) {
    // the training state stores the job's wall time: compare everything else
    const file = decodeSafetensors(bytes, path);
    const state = JSON.parse(file.metadata.lstm_lab_state!);
    file.metadata.lstm_lab_state = JSON.stringify({ ...state, wallS: 0 });
    return Array.from(encodeSafetensors(file.tensors, file.metadata)).join();
  }
  if (path.endsWith(".png")) return Array.from(bytes).join();
  const text = new TextDecoder().decode(bytes);
  if (path.endsWith("result.json")) return JSON.stringify({ ...JSON.parse(text), wall_s: 0 });
  if (path.endsWith("summary.json")) {
    return JSON.stringify(JSON.parse(text).map((r: object) => ({ ...r, wall_s: 0 })));
  }
  if (path.endsWith(".csv") && text.startsWith("cell,")) {
    return text.split("\n").map((line) => line.split(",").slice(0, -1).join(",")).join("\n");
  }
  if (path.endsWith("tasks.csv")) { // wall_s is the last column but status
    return text.split("\n").map((line) => line.split(",").toSpliced(-2, 1).join(",")).join("\n");
  }
  return text.replace(/[\d.]+ min of training/, "_ min of training");
}

async function assertSameRun(actual: string, expected: string): Promise<void> {
  const [a, e] = [await tree(actual), await tree(expected)];
  assert.deepEqual([...a.keys()].sort(), [...e.keys()].sort());
  for (const [path, text] of e) assert.equal(a.get(path), text, `${path} differs`);
}

async function ok(script: string, args: string[]): Promise<string> {
  const run = await runScript(script, args, PERMS);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

Deno.test("capacity: three shards merged equal the unsharded study but for wall_s", async () => {
  const args = ["--cells", "lstm,srn", "--lengths", "5", "--seeds", "0,1,2", "--epochs", "2"];
  const common = [...args, "--patience", "0", "--data", data, "--workers", "1"];
  const full = join(base, "cap-full");
  await ok("capacity.ts", [...common, "--out", full]);
  const parts = [1, 2, 3].map((k) => join(base, `cap-part-${k}`));
  for (const [k, part] of parts.entries()) {
    const stdout = await ok("capacity.ts", [...common, "--out", part, "--shard", `${k + 1}/3`]);
    assert.match(stdout, new RegExp(`^shard ${k + 1}/3: 2 job\\(s\\) finished in `, "m"));
  }
  // a shard writes its jobs and the run's config, no summary
  assert.deepEqual(
    [...Deno.readDirSync(parts[0]!)].map((e) => e.name).sort(),
    ["config.json", "lstm-L5-s0", "srn-L5-s0"],
  );
  const merged = join(base, "cap-all");
  const stdout = await ok("merge.ts", ["--out", merged, ...parts]);
  assert.match(stdout, /^merged 6 job\(s\) from /);
  await assertSameRun(merged, full);

  // fewer shards than the run needs, or another run's folder, are refused
  const missing = await runScript("merge.ts", ["--out", join(base, "cap-x"), parts[0]!, parts[1]!]);
  assert.deepEqual([missing.code, missing.stdout], [1, ""]);
  assert.equal(
    missing.stderr,
    `error: 2 of 6 jobs have no result.json in ${parts[0]}, ${
      parts[1]
    } (lstm-L5-s2, srn-L5-s2); run or --resume their shards first\n`,
  );
  const other = join(base, "cap-other");
  await ok("capacity.ts", [...common, "--epochs", "1", "--out", other, "--shard", "1/3"]);
  const foreign = await runScript("merge.ts", ["--out", join(base, "cap-y"), parts[0]!, other]);
  assert.deepEqual([foreign.code, foreign.stderr], [
    1,
    `error: ${join(other, "config.json")} differs from ${
      join(parts[0]!, "config.json")
    }; only shards of one run merge\n`,
  ]);
  const result = join(parts[2]!, "lstm-L5-s2", "result.json");
  await Deno.writeTextFile(result, "{");
  const broken = await runScript("merge.ts", ["--out", join(base, "cap-z"), ...parts]);
  assert.deepEqual([broken.code, broken.stderr], [
    1,
    `error: ${result}: not a job result (invalid JSON)\n`,
  ]);
  await assert.rejects(Deno.stat(join(base, "cap-z")), "nothing was written");
  const usage = await runScript("merge.ts", [parts[0]!, parts[1]!]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^error: --out is required to merge several folders\nusage: /);
});

Deno.test("capacity --study copy-chrono: two shards merged equal the unsharded task study", async () => {
  const common = ["--study", "copy-chrono", "--lengths", "5,8", "--seeds", "0,1", "--steps", "12"];
  const full = join(base, "task-full");
  await ok("capacity.ts", [...common, "--out", full, "--workers", "1"]);
  const parts = [1, 2].map((k) => join(base, `task-part-${k}`));
  for (const [k, part] of parts.entries()) {
    await ok("capacity.ts", [...common, "--out", part, "--shard", `${k + 1}/2`, "--workers", "1"]);
  }
  const merged = join(base, "task-all");
  const stdout = await ok("merge.ts", ["--out", merged, ...parts]);
  assert.match(stdout, /^merged 4 job\(s\) from /);
  assert.match(stdout, /^# Memory on the copy task$/m);
  await assertSameRun(merged, full);
  assert.deepEqual(
    [...Deno.readDirSync(merged)].map((e) => e.name).sort(),
    [
      "capacity.md",
      "config.json",
      "figures",
      "lstm-L5-s0",
      "lstm-L5-s1",
      "lstm-L8-s0",
      "lstm-L8-s1",
      "tasks.csv",
    ],
  );
});

Deno.test("train: two shards sharing one folder, merged in place, equal the unsharded run", async () => {
  const args = ["--cells", "lstm,gru", "--lengths", "5", "--seeds", "0,1", "--epochs", "1"];
  const common = [...args, "--eval-steps", "19", "--data", data, "--workers", "1"];
  const full = join(base, "train-full");
  await ok("train.ts", [...common, "--out", full]);
  const shared = join(base, "train-shared");
  await Promise.all(
    [1, 2].map((k) => ok("train.ts", [...common, "--out", shared, "--shard", `${k}/2`])),
  );
  await ok("merge.ts", [shared]);
  await assertSameRun(shared, full);
});
