/**
 * Analyses of trained networks: input saliency (more to come in this folder: opening runs,
 * loading models with their data, ablations).
 * @module
 */
export * from "./saliency.ts";
