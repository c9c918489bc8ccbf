/**
 * Analyses of trained networks, for scripts and notebooks: open a run and load a job's model with
 * its data, collect the states over a data set, input saliency through the backward pass, and
 * hooks that ablate hidden units or override the state during a forward pass.
 * @module
 */
export * from "./open_run.ts";
export * from "./states.ts";
export * from "./saliency.ts";
export * from "./hooks.ts";
export {
  errorsByNoisePosition,
  isAdjacentNoise,
  NOISE_GROUPS,
  type NoiseCount,
  type NoiseGroup,
  noiseGroup,
  noisePosition,
} from "../train/noise_errors.ts";
export * from "./memory_curve.ts";
