/**
 * Adam and AdamW exactly as PyTorch 1.13's `torch.optim.Adam`/`AdamW` step, and global
 * gradient-norm clipping as `torch.nn.utils.clip_grad_norm_` — each one loop over a flat buffer.
 * @module
 */

/** Options of {@linkcode Adam}. */
export interface AdamOptions {
  /** Learning rate (default 0.001). */
  lr?: number;
  /** β₁ (default 0.9). */
  beta1?: number;
  /** β₂ (default 0.999). */
  beta2?: number;
  /** ε, added after the bias-corrected √v (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay (AdamW): params *= 1 − lr·weightDecay before the step (default 0). */
  weightDecay?: number;
}

/**
 * Adam over one flat parameter buffer and its gradient buffer. Pass subarrays to train only part
 * of a model (e.g. everything after a frozen embedding).
 *
 * One step, as PyTorch 1.13 computes it (t counts from 1):
 * `m = β₁m + (1−β₁)g`, `v = β₂v + (1−β₂)g²`,
 * `p −= (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Adam } from "./adam.ts";
 * const params = new Float32Array([1]), grads = new Float32Array([0.5]);
 * const adam = new Adam(params, grads, { lr: 0.1 });
 * adam.step();
 * assert.equal(params[0]!.toFixed(4), "0.9000"); // the first step moves by lr
 * ```
 */
export class Adam {
  /** The parameters it updates. */
  readonly params: Float32Array;
  /** The gradients it reads. */
  readonly grads: Float32Array;
  /** First moments, as `params`. */
  readonly m: Float32Array;
  /** Second moments, as `params`. */
  readonly v: Float32Array;
  /** Steps taken so far. */
  t = 0;
  /** The hyper-parameters, with their defaults filled in. */
  readonly options: Required<AdamOptions>;

  /** Adam over `params` with `grads`, moments at zero. */
  constructor(params: Float32Array, grads: Float32Array, options: AdamOptions = {}) {
    if (params.length !== grads.length) {
      throw new RangeError(`params (${params.length}) and grads (${grads.length}) differ in size`);
    }
    this.params = params;
    this.grads = grads;
    this.m = new Float32Array(params.length);
    this.v = new Float32Array(params.length);
    this.options = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, ...options };
  }

  /** One update of every parameter from the current gradients. */
  step(): void {
    const { lr, beta1, beta2, eps, weightDecay } = this.options;
    const { params, grads, m, v } = this;
    this.t++;
    const stepSize = lr / (1 - beta1 ** this.t);
    const invBc2Sqrt = 1 / Math.sqrt(1 - beta2 ** this.t);
    const decay = 1 - lr * weightDecay;
    for (let k = 0; k < params.length; k++) {
      const g = grads[k]!;
      const mk = beta1 * m[k]! + (1 - beta1) * g;
      const vk = beta2 * v[k]! + (1 - beta2) * g * g;
      m[k] = mk;
      v[k] = vk;
      params[k] = params[k]! * decay - stepSize * mk / (Math.sqrt(vk) * invBc2Sqrt + eps);
    }
  }
}

/**
 * Scale `grads` in place so that their global L2 norm is at most `maxNorm`, as PyTorch's
 * `clip_grad_norm_` (factor maxNorm / (norm + 1e-6) when below 1). Returns the norm before
 * clipping.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipGradNorm } from "./adam.ts";
 * const grads = new Float32Array([3, 4]);
 * assert.equal(clipGradNorm(grads, 1), 5);
 * assert.equal(grads[0]!.toFixed(3), "0.600");
 * ```
 */
export function clipGradNorm(grads: Float32Array, maxNorm: number): number {
  let sum = 0;
  for (let k = 0; k < grads.length; k++) sum += grads[k]! * grads[k]!;
  const norm = Math.sqrt(sum);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (let k = 0; k < grads.length; k++) grads[k] = grads[k]! * coef;
  }
  return norm;
}
