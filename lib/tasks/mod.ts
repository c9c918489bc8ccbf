/**
 * Memory benchmarks beyond the book: seeded generators for the adding problem and the copy task,
 * each with its memoryless baseline. Not yet wired into training (see docs/tasks.md).
 * @module
 */
export * from "./adding.ts";
export * from "./copy.ts";
