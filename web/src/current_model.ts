/// <reference lib="dom" />
/**
 * The model being probed: built from checkpoint bytes by lib/io's loader (the one
 * `deno task predict` uses, with the same one-line refusal of a bad file), and saved back as
 * safetensors or ONNX by lib/io's writers.
 * @module
 */

import { modelFromCheckpointBytes } from "../../lib/io/checkpoint.ts";
import { checkpointOnnxMetadata, exportOnnx, storedTrainLength } from "../../lib/io/onnx.ts";
import type { SeqClassifier } from "../../lib/model/seq_classifier.ts";
import { CELLS } from "../../lib/nn/cells.ts";
import { VERSION } from "../../lib/version.ts";
import { t } from "./strings.ts";

/** A loaded model with where it came from. */
export interface CurrentModel {
  /** The model. */
  model: SeqClassifier;
  /** Its file's name (as in messages), e.g. `best.safetensors`. */
  name: string;
  /** The checkpoint's bytes, as loaded. */
  bytes: Uint8Array;
  /** The checkpoint's metadata. */
  metadata: Record<string, string>;
  /** The length it was trained at, when the checkpoint says. */
  trainLength?: number;
}

/**
 * Build a model from checkpoint bytes; a bad file throws the CLI's one-line `CheckpointError`
 * naming `name`.
 */
export function loadModel(bytes: Uint8Array, name: string): CurrentModel {
  const { model, metadata } = modelFromCheckpointBytes(bytes, name);
  const trainLength = storedTrainLength(metadata.lstm_lab_train);
  return { model, name, bytes, metadata, trainLength };
}

/** One line describing a model: cell, sizes, training length and accuracies when known (in the page's language). */
export function describeModel(current: CurrentModel): string {
  const { cell, hidden, embed } = current.model.config;
  const parts = [t("model.sizes", { cell: CELLS[cell].label, embed, hidden })];
  if (current.trainLength !== undefined) {
    parts.push(t("model.length", { length: current.trainLength }));
  }
  const { step, dev_acc: dev, test_acc: test } = current.metadata;
  if (step) parts.push(t("model.bestStep", { step }));
  if (dev && Number.isFinite(Number(dev))) {
    parts.push(t("model.devAcc", { acc: Number(dev).toFixed(3) }));
  }
  if (test && Number.isFinite(Number(test))) {
    parts.push(t("model.testAcc", { acc: Number(test).toFixed(3) }));
  }
  return t("model.line", { name: current.name, parts: parts.join(t("list.sep")) });
}

/** The model as ONNX, with the metadata `deno task export` writes. */
export async function onnxBytes(current: CurrentModel): Promise<Uint8Array> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new Uint8Array(current.bytes)),
  );
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const { model } = current;
  return exportOnnx(model.config, new Map(Object.entries(model.p)), {
    metadata: checkpointOnnxMetadata(model.config, current.metadata, sha256),
    producerVersion: VERSION,
  });
}

/** Offer `data` as a download named `name`. */
export function download(name: string, data: Uint8Array | string, type: string): void {
  const part = typeof data === "string" ? data : new Uint8Array(data);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
