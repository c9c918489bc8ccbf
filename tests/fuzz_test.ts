/**
 * Fuzzing with seeded mutations (tests/fuzz.ts) of a real checkpoint (best and last), a data
 * file and a run folder, and of `last.safetensors` under `--resume`: every case either loads
 * something valid or throws a one-line {@linkcode UserError}; any other outcome fails the test
 * with the seed and case index that reproduce it (`FUZZ_SEED=<seed>` reruns a whole target).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BOOK_MODEL,
  BOOK_PRESET,
  initParams,
  readDigitSum,
  readJobData,
  runJob,
  SeqClassifier,
  UserError,
} from "../mod.ts";
import { checkpointBytes, modelFromCheckpointBytes } from "../lib/io/mod.ts";
import { importStateDict } from "../lib/io/import.ts";
import { decodeSafetensors } from "../lib/io/safetensors.ts";
import { readRun } from "../lib/run/read.ts";
import { type FuzzCase, mutate } from "./fuzz.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261202);
const dir = await Deno.makeTempDir({ prefix: "fuzz_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const data5 = await readJobData("datasets", 5);
const JOB = { ...BOOK_PRESET, cell: "lstm" as const, length: 5, seed: 0, epochs: 1 };
const jobDir = join(dir, "lstm-L5-s0");
runJob(JOB, data5, jobDir);

/** A GRU checkpoint: a foreign but well-formed donor for the splices. */
function gruBytes(): Uint8Array {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell: "gru" });
  initParams(model, { init: "torch", seed: 1 });
  return checkpointBytes(model);
}

/**
 * Run `cases` mutated cases of `original` through `load` (which checks what it loaded); return
 * how long it took. A case that throws anything but a one-line UserError is collected, and the
 * test fails naming the first few with their seed, index and mutations.
 */
async function fuzz(
  what: string,
  original: Uint8Array,
  donor: Uint8Array,
  cases: number,
  load: (bytes: Uint8Array, c: FuzzCase) => unknown,
): Promise<void> {
  const failures: string[] = [];
  let loaded = 0;
  const started = performance.now();
  for (let index = 0; index < cases; index++) {
    const c = mutate(original, donor, SEED, index);
    try {
      await load(c.bytes, c);
      loaded++;
    } catch (err) {
      const oneLine = err instanceof UserError && err.message !== "" &&
        !/[\n\r]/.test(err.message);
      if (!oneLine) {
        const how = err instanceof Error ? err.stack ?? err.message : String(err);
        failures.push(`seed ${SEED} case ${index} (${c.applied.join(", ")}): ${how}`);
      }
    }
  }
  const ms = performance.now() - started;
  console.log(`${what}: ${cases} cases (${loaded} loaded) in ${(ms / 1000).toFixed(2)} s`);
  assert.equal(
    failures.length,
    0,
    `${failures.length} failing cases:\n${failures.slice(0, 5).join("\n")}`,
  );
}

const isFinite32 = (a: Float32Array) => a.every(Number.isFinite);

for (const name of ["best", "last"]) {
  Deno.test(`fuzz: ${name}.safetensors of a trained job loads or says why in one line`, async () => {
    const original = await Deno.readFile(join(jobDir, `${name}.safetensors`));
    await fuzz(`${name}.safetensors`, original, gruBytes(), 2000, (bytes) => {
      const { model } = modelFromCheckpointBytes(bytes, "fuzz.safetensors");
      assert.ok(isFinite32(model.params), "a loaded model holds only finite weights");
    });
  });
}

Deno.test("fuzz: importing a PyTorch state dict (torch and book layouts) gives a model or one line", async () => {
  const F = "tests/fixtures/import";
  const torch = await Deno.readFile(`${F}/torch_lstm.safetensors`);
  const blog = await Deno.readFile(`${F}/blog_lstm.safetensors`);
  const embedding = decodeSafetensors(await Deno.readFile(`${F}/blog_embedding.safetensors`), "e");
  for (
    const [what, original, donor, options] of [
      ["torch state dict", torch, blog, {}],
      ["book state dict", blog, torch, { embedding: { ...embedding, path: "e" } }],
    ] as const
  ) {
    await fuzz(what, original, donor, 1000, (bytes) => {
      const { tensors } = decodeSafetensors(bytes, "fuzz.safetensors");
      const { model } = importStateDict(tensors, "fuzz.safetensors", options);
      assert.ok(isFinite32(model.params), "an imported model holds only finite weights");
    });
  }
});

Deno.test("fuzz: a data file reads or says which line is wrong", async () => {
  const original = await Deno.readFile("datasets/5/train.txt");
  const donor = await Deno.readFile("datasets/10/dev.txt");
  const path = join(dir, "data.txt");
  await fuzz("data file", original, donor, 3000, async (bytes) => {
    await Deno.writeFile(path, bytes);
    const data = await readDigitSum(path);
    assert.ok(data.n > 0 && data.length > 0 && data.digits.length === data.n * data.length);
    assert.ok(data.digits.every((d) => d >= 0 && d <= 9));
    assert.ok(data.labels.every((l) => l >= 0 && l < 19));
  });
});

Deno.test("fuzz: a run folder's summary, config and metrics files read or say what is wrong", async () => {
  const run = join(dir, "run_small");
  const files = ["summary.csv", "config.json", "lstm-L5-s0/metrics.csv", "gru-L10-s1/config.json"];
  await Deno.mkdir(run);
  for (const entry of Deno.readDirSync("tests/fixtures/run_small")) {
    if (entry.isDirectory) {
      await Deno.mkdir(join(run, entry.name));
      for (const f of ["metrics.csv", "config.json"]) {
        await Deno.copyFile(
          join("tests/fixtures/run_small", entry.name, f),
          join(run, entry.name, f),
        );
      }
    } else {
      await Deno.copyFile(join("tests/fixtures/run_small", entry.name), join(run, entry.name));
    }
  }
  for (const [k, file] of files.entries()) {
    const original = await Deno.readFile(join(run, file));
    const donor = await Deno.readFile(join(run, files[(k + 2) % files.length]!));
    await fuzz(`run folder ${file}`, original, donor, 300, async (bytes) => {
      await Deno.writeFile(join(run, file), bytes);
      try {
        const data = await readRun(run);
        assert.ok(data.summary.length > 0);
      } finally {
        await Deno.writeFile(join(run, file), original);
      }
    });
  }
});

Deno.test("fuzz: --resume from a mutated last.safetensors trains on or says why in one line", async () => {
  const original = await Deno.readFile(join(jobDir, "last.safetensors"));
  const files = ["config.json", "metrics.csv", "best.safetensors"];
  let k = 0;
  await fuzz("resume from last.safetensors", original, gruBytes(), 150, (bytes) => {
    const job = join(dir, `resume-${k++}`, "lstm-L5-s0");
    Deno.mkdirSync(job, { recursive: true });
    for (const f of files) Deno.copyFileSync(join(jobDir, f), join(job, f));
    Deno.writeFileSync(join(job, "last.safetensors"), bytes);
    runJob(JOB, data5, job, { resume: true });
  });
});
