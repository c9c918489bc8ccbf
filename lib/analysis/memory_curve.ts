/**
 * The memory curve and memory capacity of a recurrent network (Jaeger 2001/2002): drive it with
 * i.i.d. input, fit a linear readout from the state after the last step to the input k steps
 * before it, for every delay k, and sum the readouts' squared correlations, MC = Σ_k r²(k).
 *
 * Conventions, written down because papers differ:
 * - the state is h_T, the hidden state the head reads, after the network has read inputs
 *   u_1 … u_T; delay k = 0 is the input of that last step, u_T, and delay k is u_{T−k};
 * - the samples are independent sequences from the zero state, so the statistics need no
 *   stationarity (a network whose recurrence does not fade, such as an orthogonal linear one, is
 *   measured as well);
 * - each readout is a ridge regression fitted in closed form on the first part of the sequences
 *   (centred, penalty `ridge` × the mean eigenvalue of the states' scatter matrix) and scored on
 *   the held-out rest: r²(k) is the fraction of the input's variance there that the readout
 *   explains, 1 − SSE/SST, and 0 where it explains none (below 0). A readout cannot score by
 *   overfitting, so the estimate errs low: an unrelated delay scores 0, not the ~1/n a squared
 *   correlation would give it, and MC stays ≤ N.
 *
 * With i.i.d. scalar input, MC ≤ N for a state of N units; a linear network reaches N when its
 * delays cover every input it has read (the trace of C⁻¹C). An input of D dimensions counts
 * D times against the N dimensions of the state, so there MC ≤ N/D.
 * @module
 */

import { MT19937 } from "../data/mt19937.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";

/** Options of {@linkcode memoryCurve}. */
export interface MemoryCurveOptions {
  /** Delays 0 … K−1 to read out (default: every step, T). */
  delays?: number;
  /** The ridge penalty relative to the states' mean scatter eigenvalue (default 1e-6). */
  ridge?: number;
  /** The fraction of sequences held out to score the readouts (default 0.25). */
  heldOut?: number;
  /** Values of each step's input, D: `inputs` is `[n, T, D]` (default 1, a scalar input). */
  dims?: number;
}

/** A memory curve: r²(k) for each delay k = 0 … K−1, and its sum. */
export interface MemoryCurve {
  /** r²(k), the share of the delay-k input's held-out variance the readout explains, index k. */
  r2: number[];
  /** The memory capacity, Σ_k r²(k). */
  capacity: number;
  /** State units N. */
  units: number;
  /**
   * The capacity's bound for i.i.d. input: N divided by the input's dimensions (N for a scalar
   * input; N/9 for a one-hot digit, whose 10 values span 9 dimensions).
   */
  bound: number;
  /** Sequences the readouts were fitted on. */
  fitted: number;
  /** Sequences they were scored on. */
  scored: number;
}

/**
 * Solve `A x = b` in place for a symmetric positive definite `A` (`n × n`, row-major, float64)
 * and `m` right-hand sides `b` (`n × m`): the Cholesky factor overwrites `A`, the solutions `b`.
 */
function choleskySolve(A: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    for (let k = 0; k < j; k++) d -= A[j * n + k]! * A[j * n + k]!;
    if (!(d > 0)) throw new Error("memoryCurve: the states' scatter matrix is not positive");
    const l = Math.sqrt(d);
    A[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= A[i * n + k]! * A[j * n + k]!;
      A[i * n + j] = s / l;
    }
  }
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) { // L y = b
      let s = b[i * m + c]!;
      for (let k = 0; k < i; k++) s -= A[i * n + k]! * b[k * m + c]!;
      b[i * m + c] = s / A[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) { // Lᵀ x = y
      let s = b[i * m + c]!;
      for (let k = i + 1; k < n; k++) s -= A[k * n + i]! * b[k * m + c]!;
      b[i * m + c] = s / A[i * n + i]!;
    }
  }
}

/**
 * The memory curve of final states `states` (`[n, N]`) of sequences driven by `inputs`
 * (`[n, T, D]`, i.i.d. over steps and sequences). With D > 1 the readout of delay k is a vector
 * and r²(k) the share of the input's total variance it explains (one number per delay); `rank`
 * is the dimension the input's values span (default D), which sets the {@linkcode
 * MemoryCurve.bound}.
 *
 * @example A delay line of 3 units holds its last 3 inputs exactly, and nothing older
 * ```ts
 * import assert from "node:assert/strict";
 * import { MT19937 } from "../data/mt19937.ts";
 * import { memoryCurve } from "./memory_curve.ts";
 * const rng = new MT19937(0);
 * const n = 400, T = 5, N = 3;
 * const inputs = Float64Array.from({ length: n * T }, () => rng.random());
 * const states = new Float64Array(n * N); // unit j holds u_{T−j}
 * for (let s = 0; s < n; s++) for (let j = 0; j < N; j++) states[s * N + j] = inputs[s * T + T - 1 - j]!;
 * const curve = memoryCurve(states, inputs, n, N, T);
 * assert.deepEqual(curve.r2.map((r) => Math.round(r * 100) / 100), [1, 1, 1, 0, 0]);
 * ```
 */
export function memoryCurve(
  states: ArrayLike<number>,
  inputs: ArrayLike<number>,
  n: number,
  N: number,
  T: number,
  options: MemoryCurveOptions & { rank?: number } = {},
): MemoryCurve {
  const { delays: K = T, ridge = 1e-6, heldOut = 0.25, dims: D = 1, rank = D } = options;
  if (!(K >= 1 && K <= T)) throw new RangeError(`memoryCurve: delays ${K} not in [1, ${T}]`);
  const scored = Math.round(n * heldOut);
  const fitted = n - scored;
  if (fitted <= N || scored < 2) {
    throw new RangeError(`memoryCurve: ${n} sequences are too few for ${N} units`);
  }
  const M = K * D; // readout targets: column k·D + d is value d of the input k steps back
  const target = (s: number, c: number) => inputs[(s * T + T - 1 - Math.floor(c / D)) * D + c % D]!;
  // centre on the fitted sequences' means: x̄ [N], ū [M]
  const xMean = new Float64Array(N);
  const uMean = new Float64Array(M);
  for (let s = 0; s < fitted; s++) {
    for (let j = 0; j < N; j++) xMean[j]! += states[s * N + j]! / fitted;
    for (let c = 0; c < M; c++) uMean[c]! += target(s, c) / fitted;
  }
  // scatter S = Σ (x − x̄)(x − x̄)ᵀ [N, N] and cross terms B = Σ (x − x̄)(u − ū)ᵀ [N, M]
  const S = new Float64Array(N * N);
  const B = new Float64Array(N * M);
  const x = new Float64Array(N);
  const u = new Float64Array(M);
  for (let s = 0; s < fitted; s++) {
    for (let j = 0; j < N; j++) x[j] = states[s * N + j]! - xMean[j]!;
    for (let c = 0; c < M; c++) u[c] = target(s, c) - uMean[c]!;
    for (let i = 0; i < N; i++) {
      const xi = x[i]!;
      for (let j = 0; j <= i; j++) S[i * N + j]! += xi * x[j]!;
      for (let c = 0; c < M; c++) B[i * M + c]! += xi * u[c]!;
    }
  }
  let trace = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < i; j++) S[j * N + i] = S[i * N + j]!;
    trace += S[i * N + i]!;
  }
  const penalty = ridge * Math.max(trace / N, Number.MIN_VALUE);
  for (let i = 0; i < N; i++) S[i * N + i]! += penalty;
  choleskySolve(S, N, B, M); // B now holds the readouts' weights β [N, M]
  // score on the held-out sequences: r²(k) = 1 − Σ_d Σ(u − ū − ŷ)² / Σ_d Σ(u − mean u)²
  const sums = new Float64Array(3 * M); // Σ residual², Σu, Σu² per target
  for (let s = fitted; s < n; s++) {
    for (let j = 0; j < N; j++) x[j] = states[s * N + j]! - xMean[j]!;
    for (let c = 0; c < M; c++) {
      let y = uMean[c]!;
      for (let j = 0; j < N; j++) y += x[j]! * B[j * M + c]!;
      const value = target(s, c);
      sums[3 * c]! += (value - y) * (value - y);
      sums[3 * c + 1]! += value;
      sums[3 * c + 2]! += value * value;
    }
  }
  const r2 = Array.from({ length: K }, (_, k) => {
    let residual = 0, total = 0;
    for (let c = k * D; c < (k + 1) * D; c++) {
      residual += sums[3 * c]!;
      total += sums[3 * c + 2]! - sums[3 * c + 1]! ** 2 / scored;
    }
    return total > 0 ? Math.max(0, 1 - residual / total) : 0;
  });
  const capacity = r2.reduce((a, b) => a + b, 0);
  return { r2, capacity, units: N, bound: N / rank, fitted, scored };
}

/** Options of {@linkcode modelMemoryCurve}. */
export interface ModelMemoryCurveOptions extends MemoryCurveOptions {
  /** Steps of each sequence, T (default 100). */
  length?: number;
  /** Sequences (default 4,000). */
  sequences?: number;
  /** Seed of the MT19937 that draws the digits (default 0). */
  seed?: number;
  /** Sequences a forward pass takes at once (default 100). */
  batchSize?: number;
  /**
   * What the readouts recover of each digit: `"one-hot"` (default) its identity, the 10
   * indicators (9 dimensions, so MC ≤ N/9), or `"value"` the number 0–9 standardised, Jaeger's
   * scalar input (MC ≤ N) — which an embedding, a table lookup, need not hold linearly.
   */
  target?: "one-hot" | "value";
}

/**
 * The memory curve of a model: i.i.d. uniform digits 0–9 drawn from a seeded MT19937 drive a
 * digit model (an embedding input) from the zero state, and the readouts of its last hidden state
 * h_T predict the digit k steps back (see {@linkcode ModelMemoryCurveOptions.target}); a model
 * with a dense input of D channels (the adding problem's) is driven by i.i.d. U[0, 1) values on
 * every channel — the distribution of the adding problem's values — and the readouts predict all
 * D values k steps back (MC ≤ N/D). Deterministic for a seed.
 *
 * @example An untrained LSTM of 32 units holds less than 32
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, modelMemoryCurve, SeqClassifier } from "../../mod.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const curve = modelMemoryCurve(model, { length: 20, sequences: 600 });
 * assert.equal(curve.r2.length, 20);
 * assert.ok(curve.capacity > 1 && curve.capacity <= curve.bound);
 * assert.equal(curve.bound, 32 / 9);
 * ```
 */
export function modelMemoryCurve(
  model: SeqClassifier,
  options: ModelMemoryCurveOptions = {},
): MemoryCurve {
  const { length: T = 100, sequences: n = 4000, seed = 0, batchSize = 100 } = options;
  const { target = "one-hot" } = options;
  const H = model.config.hidden;
  const rng = new MT19937(seed);
  if (model.config.input === "dense") {
    const D = model.config.vocab; // channels
    const values = Float32Array.from({ length: n * T * D }, () => rng.random());
    const states = finalStates(model, values, n, T, batchSize, D);
    return memoryCurve(states, Float64Array.from(values), n, H, T, {
      ...options,
      dims: D,
      rank: D,
    });
  }
  const digits = Int32Array.from({ length: n * T }, () => rng.randint(0, 10));
  const inputs = target === "value"
    ? Float64Array.from(digits, (d) => (d - 4.5) / Math.sqrt(8.25)) // mean 0, variance 1
    : Float64Array.from(
      { length: n * T * 10 },
      (_, i) => digits[Math.floor(i / 10)] === i % 10 ? 1 : 0,
    );
  const states = finalStates(model, digits, n, T, batchSize, 1);
  const shape = target === "value" ? { dims: 1, rank: 1 } : { dims: 10, rank: 9 };
  return memoryCurve(states, inputs, n, H, T, { ...options, ...shape });
}

/** h_T `[n, H]` of `model` driven by `inputs` (`[n, T]` digits or `[n, T, D]` channels). */
function finalStates(
  model: SeqClassifier,
  inputs: Int32Array | Float32Array,
  n: number,
  T: number,
  batchSize: number,
  D: number,
): Float32Array {
  const H = model.config.hidden;
  const states = new Float32Array(n * H);
  for (let start = 0; start < n; start += batchSize) {
    const Bn = Math.min(batchSize, n - start);
    model.forward(inputs.subarray(start * T * D, (start + Bn) * T * D), Bn, T);
    const { hs } = model.lastActivations(); // [T+1, B, H]
    states.set(hs.subarray(T * Bn * H, (T + 1) * Bn * H), start * H);
  }
  return states;
}
