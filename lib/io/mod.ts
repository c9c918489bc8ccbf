/**
 * Files in and out: safetensors checkpoints of a `SeqClassifier`, the safetensors
 * format itself, ONNX export and the onnxruntime check, importing PyTorch state dicts, and atomic
 * writes.
 *
 * @example Save a model and load it back
 * ```ts
 * import assert from "node:assert/strict";
 * import { initParams, SeqClassifier } from "../model/mod.ts";
 * import { loadCheckpoint, saveCheckpoint } from "./mod.ts";
 * const model = new SeqClassifier({ cell: "gru", vocab: 10, embed: 4, hidden: 3, classes: 19 });
 * initParams(model, { init: "torch", seed: 0 });
 * const path = `${await Deno.makeTempDir()}/m.safetensors`;
 * await saveCheckpoint(path, model);
 * const loaded = await loadCheckpoint(path);
 * assert.deepEqual(loaded.model.params, model.params);
 * ```
 * @module
 */
export * from "./checkpoint.ts";
export * from "./safetensors.ts";
export * from "./onnx.ts";
export * from "./onnx_run.ts";
export * from "./import.ts";
export * from "./atomic.ts";
