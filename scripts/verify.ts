/**
 * `deno task verify --onnx FILE --checkpoint FILE --data FILE [--batch-size 100]`: run an
 * exported model in onnxruntime-node and the checkpoint's model in lstm-lab over every line of a
 * digit-sum file (any length, labels optional), print the largest absolute logit difference, the
 * share of equal predictions and both accuracies, and exit 1 when the difference exceeds the
 * tolerance (1e-4) or any prediction differs.
 */
import { runMain } from "../lib/cli.ts";
import { readDigitSum } from "../lib/data/reader.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { loadCheckpointHashed } from "../lib/io/checkpoint.ts";
import { OnnxError } from "../lib/io/onnx.ts";
import { createOnnxSession } from "../lib/io/onnx_run.ts";
import { argmaxRows, predict } from "../lib/train/evaluate.ts";

/** The declaration of `deno task verify`. */
const VERIFY = {
  name: "deno task verify",
  flags: declareFlags({
    onnx: { type: "path", required: true, arg: "FILE", help: "the exported model" },
    checkpoint: { type: "path", required: true, arg: "FILE", help: "its checkpoint" },
    data: { type: "path", required: true, arg: "FILE", help: "a digit-sum file" },
    "batch-size": {
      type: "int",
      default: 100,
      min: 1,
      max: 100_000,
      help: "sequences per onnxruntime call",
    },
    // Float32 rounding grows with the logits' size and the sequence length: a model run far
    // beyond its training length may need 1e-3.
    tolerance: {
      type: "float",
      default: 1e-4,
      min: 0,
      arg: "1e-4",
      help: "the largest absolute logit difference that passes",
    },
  }),
} as const;

await runMain(VERIFY, async ({ flags }) => {
  const {
    onnx: onnxPath,
    checkpoint: checkpointPath,
    data: dataPath,
    "batch-size": batchSize,
    tolerance,
  } = flags;
  const { model, sha256 } = await loadCheckpointHashed(checkpointPath);
  const C = model.config.classes;
  const data = await readDigitSum(dataPath, { numClasses: C, labels: "optional" });
  const { n, length } = data;

  const theirs = new Float32Array(n * C);
  const session = await createOnnxSession(onnxPath);
  const recordedSha = session.metadata.checkpoint_sha256 ?? "";
  try {
    if (session.classes !== C) {
      throw new OnnxError(
        `${onnxPath}: the model has ${session.classes} classes, the checkpoint ${C}`,
      );
    }
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const digits = data.digits.subarray(start * length, (start + size) * length);
      theirs.set(await session.run(digits, size, length), start * C);
    }
  } finally {
    await session.release();
  }
  const ours = predict(model, data, batchSize);

  let maxDiff = 0;
  for (let k = 0; k < ours.length; k++) {
    const diff = Math.abs(ours[k]! - theirs[k]!);
    if (diff > maxDiff || Number.isNaN(diff)) maxDiff = diff; // a NaN sticks, and fails
  }
  const oursPred = argmaxRows(ours, C);
  const theirsPred = argmaxRows(theirs, C);
  let equal = 0;
  let oursCorrect = 0;
  let theirsCorrect = 0;
  for (let i = 0; i < n; i++) {
    if (oursPred[i] === theirsPred[i]) equal++;
    if (oursPred[i] === data.labels[i]) oursCorrect++;
    if (theirsPred[i] === data.labels[i]) theirsCorrect++;
  }
  const accuracy = (correct: number) => data.hasLabels ? (correct / n).toFixed(4) : "n/a";
  console.log(
    `checkpoint sha256: ${
      recordedSha === ""
        ? "not recorded in the model"
        : recordedSha === sha256
        ? "as recorded in the model"
        : "differs from the one recorded in the model"
    }`,
  );
  console.log(`${dataPath}: ${n} sequences of length ${length}, batch size ${batchSize}`);
  console.log(
    `max |logit difference|: ${maxDiff.toExponential(2)} (limit ${tolerance.toExponential()})`,
  );
  console.log(`equal predictions: ${equal}/${n} (${(100 * equal / n).toFixed(2)}%)`);
  console.log(
    `accuracy: onnxruntime ${accuracy(theirsCorrect)}, lstm-lab ${accuracy(oursCorrect)}`,
  );
  const failures = [];
  if (!(maxDiff <= tolerance)) {
    failures.push(
      `max |logit difference| ${maxDiff.toExponential(2)} > ${tolerance.toExponential()}`,
    );
  }
  if (equal < n) failures.push(`${n - equal} of ${n} predictions differ`);
  if (failures.length > 0) {
    console.error(`error: ${onnxPath} does not match ${checkpointPath}: ${failures.join(", ")}`);
    return 1;
  }
  console.log(`ok: ${onnxPath} matches ${checkpointPath}`);
  return 0;
});
