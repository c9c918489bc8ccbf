/**
 * Model checkpoints: a {@linkcode SeqClassifier}'s parameters as a safetensors file under
 * PyTorch's names, `__metadata__` holding `{"format": "pt"}`, the model config and (for
 * `last.safetensors`) the training state as JSON strings. Loading checks everything against the
 * config and refuses a foreign or mismatched file with one {@linkcode CheckpointError} line.
 * @module
 */

import { type ModelConfig, paramSpecs, validateConfig } from "../model/config.ts";
import { type ParamName, SeqClassifier } from "../model/seq_classifier.ts";
import { VERSION } from "../version.ts";
import {
  CheckpointError,
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type Tensor,
} from "./safetensors.ts";
import { writeFileAtomic } from "./atomic.ts";

/** Metadata key of the model config (JSON). */
const CONFIG_KEY = "lstm_lab_config";

/** A loaded checkpoint: the model, the other JSON metadata, and any extra tensors. */
export interface LoadedCheckpoint {
  /** A model built from the stored config, holding the stored parameters. */
  model: SeqClassifier;
  /** Every `__metadata__` entry (strings, as stored). */
  metadata: Record<string, string>;
  /** Tensors beyond the model's (e.g. `optim.exp_avg.*` in `last.safetensors`). */
  extra: Map<string, Tensor>;
}

/** Options of {@linkcode checkpointBytes} and {@linkcode saveCheckpoint}. */
export interface SaveOptions {
  /** More metadata entries; objects are stored as JSON strings. */
  metadata?: Record<string, unknown>;
  /** More tensors, stored after the model's (names must not clash). */
  extra?: [string, Tensor][];
}

function modelTensors(model: SeqClassifier): [string, Tensor][] {
  return model.specs.map((spec) => [
    spec.name,
    { shape: spec.shape, data: model.p[spec.name as ParamName] },
  ]);
}

/**
 * The bytes of a checkpoint of `model` (see {@linkcode saveCheckpoint}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, SeqClassifier } from "../../mod.ts";
 * import { checkpointBytes, modelFromCheckpointBytes } from "./checkpoint.ts";
 * const bytes = checkpointBytes(new SeqClassifier(BOOK_MODEL), { metadata: { note: "zeros" } });
 * const { model, metadata } = modelFromCheckpointBytes(bytes, "mem.safetensors");
 * assert.equal(model.config.cell, "lstm");
 * assert.equal(metadata.note, "zeros");
 * assert.equal(metadata.format, "pt");
 * ```
 */
export function checkpointBytes(model: SeqClassifier, options: SaveOptions = {}): Uint8Array {
  const metadata: Record<string, string> = {
    format: "pt",
    [CONFIG_KEY]: JSON.stringify(model.config),
    lstm_lab_version: VERSION,
  };
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    metadata[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return encodeSafetensors([...modelTensors(model), ...(options.extra ?? [])], metadata);
}

/**
 * Write a checkpoint of `model` atomically (temporary file, then rename).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, loadCheckpoint, saveCheckpoint, SeqClassifier } from "../../mod.ts";
 * const path = `${await Deno.makeTempDir()}/best.safetensors`;
 * await saveCheckpoint(path, new SeqClassifier(BOOK_MODEL));
 * assert.equal((await loadCheckpoint(path)).model.config.hidden, 32);
 * ```
 */
export async function saveCheckpoint(
  path: string,
  model: SeqClassifier,
  options: SaveOptions = {},
): Promise<void> {
  await writeFileAtomic(path, checkpointBytes(model, options));
}

/**
 * Read a checkpoint and rebuild its model, checking the metadata, every tensor's presence and
 * shape against the stored config, and that no unknown tensor is present (tensors whose names
 * start with one of `extraPrefixes` are returned in `extra`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadCheckpoint } from "./checkpoint.ts";
 * const { model, metadata } = await loadCheckpoint("tests/fixtures/run_analysis/default/lstm-L5-s0/best.safetensors");
 * assert.deepEqual(model.config, { cell: "lstm", vocab: 10, embed: 32, hidden: 32, classes: 19 });
 * assert.equal(metadata.format, "pt");
 * ```
 */
export async function loadCheckpoint(
  path: string,
  extraPrefixes: readonly string[] = ["optim."],
): Promise<LoadedCheckpoint> {
  return modelFromFile(await readSafetensors(path), path, extraPrefixes);
}

/**
 * {@linkcode loadCheckpoint}, plus the sha256 (hex) of the very bytes the model was built from —
 * a training job may replace the file at any moment, so the file is read once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, saveCheckpoint, SeqClassifier } from "../../mod.ts";
 * import { loadCheckpointHashed } from "./checkpoint.ts";
 * const path = `${await Deno.makeTempDir()}/best.safetensors`;
 * await saveCheckpoint(path, new SeqClassifier(BOOK_MODEL));
 * assert.equal((await loadCheckpointHashed(path)).sha256.length, 64);
 * ```
 */
export async function loadCheckpointHashed(
  path: string,
): Promise<LoadedCheckpoint & { sha256: string }> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    await loadCheckpoint(path); // throws the CheckpointError of a missing or unreadable file
    throw new CheckpointError(`${path}: cannot be read; expected a safetensors checkpoint`);
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return { ...modelFromCheckpointBytes(bytes, path), sha256 };
}

/**
 * {@linkcode loadCheckpoint} from bytes in memory; `path` only names the file in messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modelFromCheckpointBytes } from "./checkpoint.ts";
 * assert.throws(() => modelFromCheckpointBytes(new TextEncoder().encode("hello"), "x.safetensors"), {
 *   name: "CheckpointError",
 * });
 * ```
 */
export function modelFromCheckpointBytes(
  bytes: Uint8Array,
  path: string,
  extraPrefixes: readonly string[] = ["optim."],
): LoadedCheckpoint {
  return modelFromFile(decodeSafetensors(bytes, path), path, extraPrefixes);
}

function modelFromFile(
  file: { tensors: Map<string, Tensor>; metadata: Record<string, string> },
  path: string,
  extraPrefixes: readonly string[],
): LoadedCheckpoint {
  const { tensors, metadata } = file;
  const rawConfig = metadata[CONFIG_KEY];
  if (rawConfig === undefined) {
    throw new CheckpointError(
      `${path}: no ${CONFIG_KEY} in the metadata; expected a checkpoint written by lstm-lab`,
    );
  }
  let config: ModelConfig;
  try {
    config = JSON.parse(rawConfig) as ModelConfig;
    validateConfig(config);
  } catch (err) {
    const why = err instanceof SyntaxError
      ? "is not JSON"
      : `is invalid (${(err as Error).message})`;
    throw new CheckpointError(`${path}: ${CONFIG_KEY} ${why}; expected a model config`);
  }
  config = {
    cell: config.cell,
    vocab: config.vocab,
    embed: config.embed,
    hidden: config.hidden,
    classes: config.classes,
    ...(config.input === "dense" ? { input: "dense" as const } : {}),
    ...(config.head === "every" ? { head: "every" as const } : {}),
  };
  const model = new SeqClassifier(config);
  const describe =
    `${config.cell}, vocab ${config.vocab}, embed ${config.embed}, hidden ${config.hidden}, classes ${config.classes}`;
  for (const spec of paramSpecs(config)) {
    const tensor = tensors.get(spec.name);
    if (!tensor) {
      throw new CheckpointError(
        `${path}: tensor "${spec.name}" is missing; the config (${describe}) needs it`,
      );
    }
    if (tensor.shape.join() !== spec.shape.join()) {
      throw new CheckpointError(
        `${path}: tensor "${spec.name}" has shape [${tensor.shape}]; the config (${describe}) expects [${spec.shape}]`,
      );
    }
    model.p[spec.name as ParamName].set(tensor.data);
  }
  const extra = new Map<string, Tensor>();
  for (const [name, tensor] of tensors) {
    if (name in model.p) continue;
    if (!extraPrefixes.some((prefix) => name.startsWith(prefix))) {
      throw new CheckpointError(
        `${path}: unexpected tensor "${name}"; expected only the model's parameters`,
      );
    }
    extra.set(name, tensor);
  }
  refuseNonFinite(tensors, path);
  return { model, metadata, extra };
}

/**
 * Throw a {@linkcode CheckpointError} naming the first tensor (in file order) that holds a NaN
 * or an infinity: every checkpoint loader and `deno task import` call it, so no such weights
 * are ever trained on, evaluated or exported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseNonFinite } from "./checkpoint.ts";
 * const w = { shape: [2], data: new Float32Array([1, NaN]) };
 * assert.throws(() => refuseNonFinite(new Map([["rnn.weight_hh_l0", w]]), "x.safetensors"), {
 *   name: "CheckpointError",
 *   message: 'x.safetensors: tensor "rnn.weight_hh_l0" holds 1 non-finite value (NaN or ±Inf)',
 * });
 * ```
 */
export function refuseNonFinite(tensors: Map<string, Tensor>, path: string): void {
  for (const [name, { data }] of tensors) {
    let bad = 0;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) bad++;
    if (bad > 0) {
      throw new CheckpointError(
        `${path}: tensor "${name}" holds ${bad} non-finite value${
          bad === 1 ? "" : "s"
        } (NaN or ±Inf)`,
      );
    }
  }
}

export { CheckpointError };
