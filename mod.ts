/**
 * lstm-lab: a pure-TypeScript toolkit for the LSTM memory-capacity experiment (NNDL 6.3) on the
 * digit-sum task — the book's data byte for byte, float32 kernels with BPTT and Adam that match
 * PyTorch, training, checkpoints, ONNX export and analyses.
 *
 * This module is what a script or a notebook uses. The layers below have their own entry points
 * with everything they export: `./kernels` (the forward/backward kernels, the table of cells and
 * the second thread), `./data`, `./model`, `./optim`, `./run` (the run folder's files), `./train`,
 * `./io` and `./analysis`; the figures and the report
 * are `./plot` (Vega-Lite specifications rendered to SVG and PNG).
 *
 * @example Read the book's training data for length 10
 * ```ts
 * import assert from "node:assert/strict";
 * import { readDigitSum } from "./mod.ts";
 * const train = await readDigitSum("datasets/10/train.txt");
 * assert.equal(train.n, 300);
 * assert.equal(train.length, 10);
 * ```
 * @module
 */

// Errors a script reports as one line.
export { UserError } from "./lib/errors.ts";
export { DataError } from "./lib/data/errors.ts";
export { CheckpointError } from "./lib/io/safetensors.ts";
export { OnnxError } from "./lib/io/onnx.ts";
export { WriteError } from "./lib/io/atomic.ts";

// Data: the book's generator and files, the strict reader, batches.
export { type Batch, batches } from "./lib/data/batches.ts";
export { BOOK_LENGTHS, generateBookDatasets } from "./lib/data/digit_sum.ts";
export { MT19937 } from "./lib/data/mt19937.ts";
export { type DigitSumData, parseDigitSum, readDigitSum } from "./lib/data/reader.ts";

// The model: its configuration, initialisation, forward trace and the book's per-gate layout.
export { BOOK_MODEL, CELL_KINDS, type CellKind, type ModelConfig } from "./lib/model/config.ts";
export { type ParamName, SeqClassifier } from "./lib/model/seq_classifier.ts";
export { type InitOptions, initParams } from "./lib/model/init.ts";
export { type ForwardTrace, traceForward } from "./lib/model/forward_trace.ts";
export { fromBookLstm, toBookLstm } from "./lib/model/book_layout.ts";
export { Adam, type AdamOptions, clipGradNorm } from "./lib/optim/adam.ts";

// Checkpoints, PyTorch state dicts and ONNX.
export { loadCheckpoint, type LoadedCheckpoint, saveCheckpoint } from "./lib/io/checkpoint.ts";
export { readSafetensors, writeSafetensors } from "./lib/io/safetensors.ts";
export { importStateDict } from "./lib/io/import.ts";
export { exportOnnx } from "./lib/io/onnx.ts";
export { createOnnxSession, type OnnxSession } from "./lib/io/onnx_run.ts";

// Run folders: the job's settings and result, the summary, metrics, listing and reading a run.
export {
  type JobConfig,
  jobName,
  type JobResult,
  listJobs,
  type MetricsRow,
  parseMetrics,
  readRun,
  type RunData,
  type SummaryRow,
} from "./lib/run/mod.ts";

// Training: presets, jobs, the worker pool, evaluation and summaries.
export { BOOK_PRESET, jobConfigs, PRESETS, RECOMMENDED_PRESET } from "./lib/train/config.ts";
export { runJob } from "./lib/train/job.ts";
export { runJobs } from "./lib/train/pool.ts";
export { readJobData } from "./lib/train/job_data.ts";
export {
  argmaxRows,
  evaluate,
  type Evaluation,
  majorityRate,
  predict,
} from "./lib/train/evaluate.ts";
export { bookTable } from "./lib/train/summary.ts";
export { capacities, type CellCapacity } from "./lib/train/capacity.ts";

// Analysis of trained runs.
export { loadModel, type OpenedJob, type OpenedRun, openRun } from "./lib/analysis/open_run.ts";
export { collectStates, type StateSet } from "./lib/analysis/states.ts";
export { inputSaliency } from "./lib/analysis/saliency.ts";
export { ablateUnits, overrideState, withHooks } from "./lib/analysis/hooks.ts";
export { type MemoryCurve, memoryCurve, modelMemoryCurve } from "./lib/analysis/memory_curve.ts";
export {
  errorsByNoisePosition,
  isAdjacentNoise,
  NOISE_GROUPS,
  noiseGroup,
  noisePosition,
} from "./lib/train/noise_errors.ts";

export { VERSION } from "./lib/version.ts";

// The types the functions and classes above take and return.
export type { AblatedState } from "./lib/analysis/hooks.ts";
export type { MemoryCurveOptions, ModelMemoryCurveOptions } from "./lib/analysis/memory_curve.ts";
export type { LoadedModel, OpenRunOptions, Split } from "./lib/analysis/open_run.ts";
export type { InputSaliency } from "./lib/analysis/saliency.ts";
export type { GeneratedFile, GenerateOptions } from "./lib/data/digit_sum.ts";
export type { MT19937State } from "./lib/data/mt19937.ts";
export type { ReadOptions } from "./lib/data/reader.ts";
export type { SaveOptions } from "./lib/io/checkpoint.ts";
export type { Imported, ImportOptions } from "./lib/io/import.ts";
export type { ExportOnnxOptions, OnnxMetadata } from "./lib/io/onnx.ts";
export type { SafetensorsFile, Tensor } from "./lib/io/safetensors.ts";
export type { BookLstm, Rows, TorchLstm } from "./lib/model/book_layout.ts";
export type { ParamSpec } from "./lib/model/config.ts";
export type { GateInit, InitKind } from "./lib/model/init.ts";
export type {
  BackwardOptions,
  ForwardHooks,
  InputDropout,
  ModelInputs,
  ModelTargets,
  ParamViews,
} from "./lib/model/seq_classifier.ts";
export type { CellBuffers } from "./lib/nn/cells.ts";
export type { GeneratedTaskName } from "./lib/tasks/task.ts";
export type { RecurrentThreads } from "./lib/nn/threads.ts";
export type {
  ImportedJobConfig,
  JobOptions,
  RunConfig,
  StoredJobConfig,
} from "./lib/run/config.ts";
export type { JobKey } from "./lib/run/job_name.ts";
export type { ParseMetricsOptions } from "./lib/run/metrics.ts";
export type { JobRecord, RunJob } from "./lib/run/read.ts";
export type { JobStatus } from "./lib/run/result.ts";
export type { CapacityColumn, CapacityRow } from "./lib/run/summary.ts";
export { SUMMARY_COLUMNS } from "./lib/run/summary.ts";
export type {
  AccuracyField,
  CapacityDirection,
  CapacityMeasure,
  StatsRow,
} from "./lib/train/capacity.ts";
export type { JobHooks, JobProgress, RunJobOptions } from "./lib/train/job.ts";
export type { JobData } from "./lib/train/job_data.ts";
export type { JobFolder } from "./lib/train/job_folder.ts";
export type { NoiseCount, NoiseGroup } from "./lib/train/noise_errors.ts";
export type { PoolJob, PoolOptions } from "./lib/train/pool.ts";
