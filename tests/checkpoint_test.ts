/**
 * Checkpoints holding NaN or ±Inf are refused, with one line naming the file and the tensor, by
 * every loader: the library functions, training's resume, and the eval, predict, export and
 * verify scripts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BOOK_MODEL,
  BOOK_PRESET,
  CheckpointError,
  initParams,
  loadCheckpoint,
  readJobData,
  runJob,
  SeqClassifier,
} from "../mod.ts";
import { checkpointBytes, loadCheckpointHashed, modelFromCheckpointBytes } from "../lib/io/mod.ts";
import { decodeSafetensors, encodeSafetensors } from "../lib/io/safetensors.ts";
import { runScript } from "./helpers.ts";

const dir = await Deno.makeTempDir({ prefix: "checkpoint_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

/** A seeded book-sized LSTM's checkpoint bytes. */
function seededBytes(): Uint8Array {
  const model = new SeqClassifier(BOOK_MODEL);
  initParams(model, { init: "torch", seed: 0 });
  return checkpointBytes(model);
}

/** `bytes` with tensor `name` changed by `edit`, everything else (metadata, order) kept. */
function withTensor(bytes: Uint8Array, name: string, edit: (data: Float32Array) => void) {
  const file = decodeSafetensors(bytes, "in memory");
  edit(file.tensors.get(name)!.data);
  return encodeSafetensors(file.tensors, file.metadata);
}

const allNaN = (bytes: Uint8Array) => withTensor(bytes, "rnn.weight_hh_l0", (d) => d.fill(NaN));
const NAN_LINE = (path: string) =>
  `${path}: tensor "rnn.weight_hh_l0" holds 4096 non-finite values (NaN or ±Inf)`;

Deno.test("an all-NaN weight matrix is refused with the count and the tensor's name", () => {
  assert.throws(
    () => modelFromCheckpointBytes(allNaN(seededBytes()), "x.safetensors"),
    (err: Error) => err instanceof CheckpointError && err.message === NAN_LINE("x.safetensors"),
  );
});

Deno.test("one +Inf and one -Inf in a bias are refused by every library loader", async () => {
  const bytes = withTensor(seededBytes(), "linear.bias", (d) => {
    d[3] = Infinity;
    d[18] = -Infinity;
  });
  const path = join(dir, "inf.safetensors");
  await Deno.writeFile(path, bytes);
  const line = `${path}: tensor "linear.bias" holds 2 non-finite values (NaN or ±Inf)`;
  const refused = (err: Error) => err instanceof CheckpointError && err.message === line;
  assert.throws(() => modelFromCheckpointBytes(bytes, path), refused);
  await assert.rejects(loadCheckpoint(path), refused);
  await assert.rejects(loadCheckpointHashed(path), refused);
  // the first bad tensor in file order is named, with the singular for one value
  const both = withTensor(bytes, "embedding.weight", (d) => d[0] = NaN);
  assert.throws(
    () => modelFromCheckpointBytes(both, "y.safetensors"),
    { message: 'y.safetensors: tensor "embedding.weight" holds 1 non-finite value (NaN or ±Inf)' },
  );
  // -0 and the largest float32 are finite
  const edge = withTensor(seededBytes(), "linear.bias", (d) => {
    d[0] = -0;
    d[1] = 3.4028234663852886e38;
  });
  assert.equal(
    modelFromCheckpointBytes(edge, "z.safetensors").model.p["linear.bias"][1],
    3.4028234663852886e38,
  );
});

Deno.test("train --resume, eval, predict, export and verify refuse a NaN checkpoint (exit 1, one line)", async () => {
  const data5 = await readJobData("datasets", 5);
  const run = join(dir, "run");
  const jobDir = join(run, "lstm-L5-s0");
  const config = { ...BOOK_PRESET, cell: "lstm" as const, length: 5, seed: 0, epochs: 2 };
  await Deno.mkdir(run, { recursive: true });
  runJob(config, data5, jobDir);
  const best = join(jobDir, "best.safetensors");
  const last = join(jobDir, "last.safetensors");
  await Deno.writeFile(best, allNaN(await Deno.readFile(best)));
  await Deno.writeFile(last, allNaN(await Deno.readFile(last)));

  // resume: an unfinished job restores last.safetensors
  await Deno.remove(join(jobDir, "result.json"));
  assert.throws(
    () => runJob(config, data5, jobDir, { resume: true }),
    { name: "CheckpointError", message: NAN_LINE(last) },
  );

  const test5 = "datasets/5/test.txt";
  const runs = await Promise.all([
    runScript("eval.ts", ["--run", run]),
    runScript("predict.ts", ["--checkpoint", best, "--data", test5]),
    runScript("export.ts", ["--checkpoint", best, "--out", join(dir, "x.onnx")]),
    runScript("verify.ts", ["--onnx", join(dir, "x.onnx"), "--checkpoint", best, "--data", test5], [
      "--allow-read",
      "--allow-ffi=node_modules",
    ]),
  ]);
  for (const r of runs) {
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, "", `error: ${NAN_LINE(best)}\n`]);
  }
  await assert.rejects(Deno.stat(join(dir, "x.onnx")));
});
