/**
 * The run folder: what `deno task train` and `deno task capacity` write and everything else
 * reads — the types of its files, job names, columns, the text of every file and its parser, the
 * format version and {@linkcode migrate} for folders written by earlier versions.
 * @module
 */
export * from "./job_name.ts";
export * from "./config.ts";
export * from "./migrate.ts";
export * from "./fields.ts";
export * from "./metrics.ts";
export * from "./result.ts";
export * from "./summary.ts";
export * from "./read.ts";
