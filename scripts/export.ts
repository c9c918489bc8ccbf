/**
 * `deno task export --checkpoint FILE [--out model.onnx] [--opset 17]`: write a checkpoint's
 * model as a standard ONNX model (see lib/io/onnx.ts): the digit sum's graph (`digits` →
 * `logits`), or a generated task's (`inputs` → `outputs`, the adding problem's dense input, the
 * copy task's head at every step). Its metadata holds the model's sizes, the task (a generated
 * task's model), the training length, the dev and test accuracy (a task model: loss), the
 * toolkit's version and the checkpoint's sha256.
 */
import { resolve } from "node:path";
import { runMain } from "../lib/cli.ts";
import { UsageError } from "../lib/errors.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { loadCheckpointHashed } from "../lib/io/checkpoint.ts";
import {
  checkpointOnnxMetadata,
  DEFAULT_OPSET,
  exportOnnx,
  SUPPORTED_OPSETS,
} from "../lib/io/onnx.ts";
import { VERSION } from "../lib/version.ts";

/** The declaration of `deno task export`. */
const EXPORT = {
  name: "deno task export",
  flags: declareFlags({
    checkpoint: { type: "path", required: true, arg: "FILE", help: "the checkpoint" },
    out: {
      type: "path",
      arg: "model.onnx",
      help: "the ONNX file (default: the checkpoint's name with .onnx)",
    },
    opset: {
      type: "int",
      default: DEFAULT_OPSET,
      min: Math.min(...SUPPORTED_OPSETS),
      max: Math.max(...SUPPORTED_OPSETS),
      help: "the ONNX opset",
    },
  }),
} as const;

await runMain(EXPORT, async ({ flags }) => {
  const { checkpoint: checkpointPath, opset } = flags;
  const out = flags.out ?? checkpointPath.replace(/(\.safetensors)?$/, ".onnx");
  if (resolve(out) === resolve(checkpointPath)) {
    throw new UsageError("--out names the checkpoint itself; choose another file");
  }
  const { model, metadata, sha256 } = await loadCheckpointHashed(checkpointPath);
  const { cell } = model.config;
  const onnxMetadata = checkpointOnnxMetadata(model.config, metadata, sha256);
  const bytes = exportOnnx(model.config, new Map(Object.entries(model.p)), {
    opset,
    metadata: onnxMetadata,
    producerVersion: VERSION,
  });
  await writeFileAtomic(out, bytes);
  const scores = ["dev_acc", "test_acc", "dev_loss", "test_loss"]
    .filter((key) => (onnxMetadata[key] ?? "") !== "")
    .map((key) => `, ${key} ${onnxMetadata[key]}`)
    .join("");
  const task = onnxMetadata.task === undefined ? "" : `, ${onnxMetadata.task} task`;
  const length = onnxMetadata.train_length === ""
    ? ""
    : `, trained at length ${onnxMetadata.train_length}`;
  console.log(
    `wrote ${out} (${cell}${task}, opset ${opset}, ${bytes.length} bytes${length}${scores})`,
  );
});
