/**
 * Memory benchmarks beyond the book: seeded generators for the adding problem and the copy task,
 * each with its memoryless baseline, and the task records training reads (`taskOf`: model, loss,
 * baseline, score, batches; docs/tasks.md).
 * @module
 */
export * from "./adding.ts";
export * from "./copy.ts";
export * from "./task.ts";
