/**
 * Data for the digit-sum task: the book's generator with numpy-identical random numbers, a strict
 * reader and batches.
 * @module
 */
export * from "./errors.ts";
export * from "./mt19937.ts";
export * from "./digit_sum.ts";
export * from "./reader.ts";
export * from "./batches.ts";
export * from "./book_files.ts";
