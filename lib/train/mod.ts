/**
 * Training: job configs and presets, the book's protocol for one job, the worker pool that runs
 * many, evaluation and prediction, run folders, summaries, capacity, gradient flow, shards and the
 * terminal progress display.
 * @module
 */
export * from "./config.ts";
export * from "./evaluate.ts";
export * from "./job.ts";
export * from "./job_data.ts";
export * from "./job_folder.ts";
export * from "./capacity.ts";
export * from "./gradflow.ts";
export * from "./train_run.ts";
export * from "./shard.ts";
export * from "./pool.ts";
export * from "./summary.ts";
export * from "./progress.ts";
