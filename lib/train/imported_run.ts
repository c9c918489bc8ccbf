/**
 * A one-job run folder around an imported model, so that `deno task eval` and `deno task plot`
 * read it like a trained run: `config.json`, `summary.csv` (its dev and test accuracy, 0 steps),
 * and `<cell>-L<len>-s0/` holding `config.json`, `best.safetensors` and a `metrics.csv` without
 * rows (it has no training history here).
 * @module
 */

import { join } from "node:path";
import { UserError } from "../errors.ts";
import { makeDir, writeFileAtomic } from "../io/atomic.ts";
import { checkpointBytes } from "../io/checkpoint.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";
import { formatConfig, type ImportedJobConfig } from "../run/config.ts";
import { jobName } from "../run/job_name.ts";
import { METRICS_HEADER } from "../run/metrics.ts";
import { formatSummaryCsv } from "../run/summary.ts";
import { CLASSES } from "./config.ts";
import { evaluate } from "./evaluate.ts";
import { readJobData } from "./job_data.ts";
import { testMemorySplit } from "./noise_errors.ts";

/** Options of {@linkcode importedRun}. */
export interface ImportedRunOptions {
  /** The sequence length of the data it is evaluated on. */
  length: number;
  /** The data folder (`<dataDir>/<length>/{dev,test}.txt`). */
  dataDir: string;
  /** Metadata stored in the checkpoint. */
  metadata: Record<string, unknown>;
}

/**
 * Write the run folder `run` (which must not hold files yet) for `model`; return its job folder
 * and accuracies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
 * import { importedRun } from "./imported_run.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const run = `${await Deno.makeTempDir()}/imported`;
 * const { jobDir } = await importedRun(run, model, { length: 5, dataDir: "datasets", metadata: {} });
 * assert.ok(jobDir.endsWith("lstm-L5-s0"));
 * ```
 */
export async function importedRun(
  run: string,
  model: SeqClassifier,
  { length, dataDir, metadata }: ImportedRunOptions,
): Promise<{ jobDir: string; devAcc: number; testAcc: number }> {
  try {
    for await (const _ of Deno.readDir(run)) {
      throw new UserError(`${run} already holds files; choose another --run`);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (model.config.classes !== CLASSES) {
    throw new UserError(
      `the model has ${model.config.classes} classes; the digit-sum data needs ${CLASSES}, so use --out`,
    );
  }
  const data = await readJobData(dataDir, length);
  const dev = evaluate(model, data.dev);
  const test = evaluate(model, data.test);
  const job = { cell: model.config.cell, length, seed: 0 };
  const jobDir = join(run, jobName(job));
  await makeDir(jobDir);
  const jobConfig: ImportedJobConfig = { ...job, ...model.config };
  await writeFileAtomic(
    join(run, "config.json"),
    formatConfig({ data: dataDir, imported: metadata }),
  );
  await writeFileAtomic(join(jobDir, "config.json"), formatConfig(jobConfig));
  await writeFileAtomic(join(jobDir, "best.safetensors"), checkpointBytes(model, { metadata }));
  await writeFileAtomic(join(jobDir, "metrics.csv"), METRICS_HEADER);
  const row = { ...job, best_dev_acc: dev.accuracy, best_step: 0, test_acc: test.accuracy };
  const split = testMemorySplit(model, data.test);
  const trained = { first_learning_step: NaN, steps: 0, wall_s: 0 }; // no training history here
  await writeFileAtomic(
    join(run, "summary.csv"),
    formatSummaryCsv([{ ...row, ...split, ...trained }]),
  );
  return { jobDir, devAcc: dev.accuracy, testAcc: test.accuracy };
}
