/**
 * Training: job configs and presets, the book's protocol for one job, evaluation and prediction.
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
