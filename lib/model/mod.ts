/**
 * The sequence classifier, its configuration, its initialisation and the book's per-gate layout.
 * @module
 */
export * from "./config.ts";
export * from "./seq_classifier.ts";
export * from "./init.ts";
export * from "./book_layout.ts";
export * from "./forward_trace.ts";
