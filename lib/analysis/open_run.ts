/**
 * Opening a finished run for analysis: its config, summary rows and jobs, each job's model (from
 * its checkpoint, with config and metadata) and data. It reads the run folder with
 * {@linkcode readRun} (lib/run's reader, as the plots read it), the checkpoints with {@linkcode loadCheckpoint} and
 * the data with {@linkcode readJobData}; errors are theirs (one line naming the file).
 * @module
 */

import { join } from "node:path";
import type { DigitSumData } from "../data/reader.ts";
import { UserError } from "../errors.ts";
import { loadCheckpoint } from "../io/checkpoint.ts";
import type { ModelConfig } from "../model/config.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";
import type { RunConfig } from "../run/config.ts";
import { type JobRecord, readRun, runDataDir } from "../run/read.ts";
import type { SummaryRow } from "../run/summary.ts";
import { type JobData, readJobData } from "../train/job_data.ts";

/** A model read from a checkpoint, with its config and the checkpoint's metadata. */
export interface LoadedModel {
  /** The model, holding the checkpoint's parameters. */
  model: SeqClassifier;
  /** Its sizes and cell (the same object as `model.config`). */
  config: ModelConfig;
  /** The checkpoint's `__metadata__` entries (strings, as stored; e.g. `step`). */
  metadata: Record<string, string>;
}

/** A data split of a job. */
export type Split = "train" | "dev" | "test";

/** One job of an opened run: its folder, config, summary row and metrics, its model and data. */
export interface OpenedJob extends JobRecord {
  /** The model of `best.safetensors` (best on dev; default) or `last.safetensors`. */
  loadModel(which?: "best" | "last"): Promise<LoadedModel>;
  /** The job's data set `split` (read once, then cached). */
  data(split: Split): Promise<DigitSumData>;
}

/** A finished training run, opened by {@linkcode openRun}. */
export interface OpenedRun {
  /** The run folder (without a trailing slash). */
  dir: string;
  /** Its last path component. */
  name: string;
  /** The run's own `config.json`. */
  config: RunConfig;
  /** The rows of `summary.csv`, sorted by cell (lstm, gru, srn), length, seed. */
  summary: SummaryRow[];
  /** One job per summary row, in the same order. */
  jobs: OpenedJob[];
  /** The job of that folder name (e.g. `lstm-L10-s0`); a {@linkcode UserError} if there is none. */
  job(name: string): OpenedJob;
}

/** Options of {@linkcode openRun}. */
export interface OpenRunOptions {
  /** The data folder (default: the run config's `data`, else `datasets`). */
  data?: string;
}

/**
 * The model of a checkpoint file, with its config and metadata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModel } from "../../mod.ts";
 * const { model, config, metadata } = await loadModel(
 *   "tests/fixtures/run_analysis/default/lstm-L10-s0/best.safetensors",
 * );
 * assert.deepEqual([config.cell, config.hidden, model.params.length > 0, metadata.format], ["lstm", 32, true, "pt"]);
 * ```
 */
export async function loadModel(checkpoint: string): Promise<LoadedModel> {
  const { model, metadata } = await loadCheckpoint(checkpoint);
  return { model, config: model.config, metadata };
}

/**
 * Open a finished run folder (what `deno task train` writes): its config, summary rows and jobs.
 *
 * @example Accuracy on the test set of every job's best checkpoint
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluate, openRun } from "../../mod.ts";
 * const run = await openRun("tests/fixtures/run_analysis/default");
 * assert.deepEqual(run.jobs.map((job) => job.name), ["lstm-L5-s0", "lstm-L5-s1", "lstm-L10-s0", "lstm-L10-s1"]);
 * for (const job of run.jobs) {
 *   const { model } = await job.loadModel();
 *   const { accuracy } = evaluate(model, await job.data("test"));
 *   assert.equal(accuracy, job.summary.test_acc, job.name);
 * }
 * ```
 */
export async function openRun(path: string, options: OpenRunOptions = {}): Promise<OpenedRun> {
  const run = await readRun(path);
  const dataDir = options.data ?? await runDataDir(run.dir);
  const jobs = run.jobs.map((job): OpenedJob => {
    let data: Promise<JobData> | null = null;
    return {
      ...job,
      loadModel: (which = "best") => loadModel(join(job.dir, `${which}.safetensors`)),
      data: async (split) => {
        data ??= readJobData(dataDir, job.summary.length);
        return (await data)[split];
      },
    };
  });
  const job = (name: string): OpenedJob => {
    const found = jobs.find((j) => j.name === name);
    if (found) return found;
    const names = jobs.map((j) => j.name).join(", ");
    throw new UserError(`${run.dir}: has no job ${name}; it has ${names}`);
  };
  return { dir: run.dir, name: run.name, config: run.config, summary: run.summary, jobs, job };
}
