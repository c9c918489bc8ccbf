/**
 * The kernels: plain forward/backward functions over `Float32Array`s and their sizes, shapes in
 * the comment above each. Backward functions accumulate weight gradients (`+=`).
 * @module
 */
export * from "./activations.ts";
export * from "./matmul.ts";
export * from "./linear.ts";
export * from "./embedding.ts";
export * from "./loss.ts";
export * from "./mse.ts";
export * from "./scratch.ts";
export * from "./lstm.ts";
export * from "./gru.ts";
export * from "./srn.ts";
export * from "./cells.ts";
export * from "./threads.ts";
