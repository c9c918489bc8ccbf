/**
 * lstm-lab: a pure-TypeScript toolkit for the LSTM memory-capacity experiment (NNDL 6.3) on the
 * digit-sum task — the book's data byte for byte, float32 kernels with BPTT and Adam that match
 * PyTorch, training, checkpoints, ONNX export and plots.
 *
 * @example Read the book's training data for length 10
 * ```ts
 * import { readDigitSum } from "./mod.ts";
 * const train = await readDigitSum("datasets/10/train.txt");
 * console.log(train.n, train.length); // 300 10
 * ```
 * @module
 */
export * from "./lib/errors.ts";
export * from "./lib/data/mod.ts";
export * from "./lib/nn/mod.ts";
export * from "./lib/model/mod.ts";
export * from "./lib/optim/mod.ts";
export * from "./lib/io/checkpoint.ts";
export * from "./lib/io/import.ts";
export * from "./lib/train/mod.ts";
export * from "./lib/train/pool.ts";
export * from "./lib/train/progress.ts";
export * from "./lib/train/summary.ts";
export * from "./lib/run/mod.ts";
export * from "./lib/io/safetensors.ts";
export * from "./lib/io/onnx.ts";
export * from "./lib/io/onnx_run.ts";
export * from "./lib/io/atomic.ts";
export * from "./lib/version.ts";
export * from "./lib/analysis/mod.ts";
