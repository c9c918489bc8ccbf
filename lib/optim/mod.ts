/**
 * Optimisers over flat buffers.
 * @module
 */
export * from "./adam.ts";
