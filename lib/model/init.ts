/**
 * Seeded initialisation of a {@linkcode SeqClassifier}'s parameters. Every draw comes from one
 * MT19937 seeded with `seed` (numpy's legacy generator), tensor by tensor in the flat buffer's
 * order, so the same seed gives the same bytes.
 * @module
 */

import { MT19937 } from "../data/mt19937.ts";
import { CELLS } from "../nn/cells.ts";
import type { SeqClassifier } from "./seq_classifier.ts";

/**
 * The initialisation schemes.
 * - `torch`: PyTorch's defaults — embedding N(0, 1); every RNN weight and bias U(−1/√H, 1/√H);
 *   linear weight and bias U(−1/√H, 1/√H).
 * - `xavier`: the book's (Paddle) — Xavier-uniform embedding, input weights, recurrent weights and
 *   gate biases (`b_ih`; `b_hh` is zero, so their sum is the book's one bias per gate), Xavier
 *   linear weight and a zero linear bias. Xavier bounds are √(6 / (fan_in + fan_out)) per gate
 *   block, as the book's per-gate `[I,H]`, `[H,H]` and `[1,H]` tensors have them.
 * - `zeros`: the blog's port — zero RNN weights and biases, embedding N(0, 1), linear as `torch`.
 *
 * The IRNN's recurrent layer always starts as Le, Jaitly & Hinton (2015) prescribe, whatever the
 * scheme (which still sets the embedding and the linear layer): `W_hh = I · irnnScale`, both biases
 * 0, and input weights `W_ih ~ N(0, 0.001²)`, drawn after the scheme's draws.
 */
export type InitKind = "torch" | "xavier" | "zeros";

/** Every initialisation scheme. */
export const INIT_KINDS: readonly InitKind[] = ["torch", "xavier", "zeros"];

/**
 * How the gate biases start, after the scheme.
 * - `constant`: as the scheme gives them, plus `forgetBias` / `inputBias`.
 * - `chrono` (Tallec & Ollivier, ICLR 2018): per unit j, `u_j ~ U(1, T_max − 1)` from the same
 *   generator, after the scheme's draws. LSTM: forget bias `b_f = log(u_j)` and input bias
 *   `b_i = −b_f`; GRU (h' = (1 − z) ⊙ n + z ⊙ h): update bias `b_z = +log(u_j)`. The value goes
 *   into `rnn.bias_ih_l0` and the same slice of `rnn.bias_hh_l0` is zeroed, so the effective bias
 *   (their sum) is exactly the draw. The other gate biases stay as the scheme gives them.
 */
export type GateInit = "constant" | "chrono";

/** Every gate-bias initialisation. */
export const GATE_INITS: readonly GateInit[] = ["constant", "chrono"];

/** Options of {@linkcode initParams}. */
export interface InitOptions {
  /** The scheme (see {@linkcode InitKind}). */
  init: InitKind;
  /** Seed of the MT19937 that draws every value (ignored when `rng` is given). */
  seed: number;
  /** Draw from this generator instead (training continues it for shuffling). */
  rng?: MT19937;
  /**
   * Added after initialisation to the bias of the gate that keeps the state: the LSTM's forget
   * gate f and the GRU's update gate z (both `rnn.bias_ih_l0[H:2H]`). Not for the SRN.
   */
  forgetBias?: number;
  /** Added to the LSTM's input-gate bias (`rnn.bias_ih_l0[0:H]`) after initialisation. */
  inputBias?: number;
  /** The gate biases (default `constant`; see {@linkcode GateInit}); chrono is for LSTM and GRU. */
  gateInit?: GateInit;
  /** Chrono's T_max, > 2: the longest dependency the gates start out able to keep. */
  chronoTmax?: number;
  /** The IRNN's recurrent weights start as this times the identity (default 1). */
  irnnScale?: number;
}

/** The standard deviation of the IRNN's initial input weights. */
export const IRNN_INPUT_STD = 0.001;

/**
 * Fill `model.params` from a seeded generator (see {@linkcode InitKind}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "xavier", seed: 0, forgetBias: 1 });
 * assert.ok(model.p["linear.bias"].every((b) => b === 0));
 * ```
 */
export function initParams(model: SeqClassifier, options: InitOptions): void {
  const { init, seed, forgetBias = 0, inputBias = 0 } = options;
  const rng = options.rng ?? new MT19937(seed);
  const { vocab: V, embed: E, hidden: H, classes: C, cell } = model.config;
  const { identityInit, keepGate, inputGate } = CELLS[cell];
  const uniform = (a: Float32Array, bound: number) => {
    for (let k = 0; k < a.length; k++) a[k] = (2 * rng.random() - 1) * bound;
  };
  const normal = (a: Float32Array) => {
    for (let k = 0; k < a.length; k++) a[k] = rng.standardNormal();
  };
  const xavier = (a: Float32Array, fanIn: number, fanOut: number) =>
    uniform(a, Math.sqrt(6 / (fanIn + fanOut)));
  const p = model.p;
  const k = 1 / Math.sqrt(H);
  const embedding = model.config.input !== "dense"; // a dense input has no embedding table
  if (init === "xavier") {
    if (embedding) xavier(p["embedding.weight"], V, E);
    xavier(p["rnn.weight_ih_l0"], E, H);
    xavier(p["rnn.weight_hh_l0"], H, H);
    xavier(p["rnn.bias_ih_l0"], 1, H);
    p["rnn.bias_hh_l0"].fill(0);
    xavier(p["linear.weight"], H, C);
    p["linear.bias"].fill(0);
  } else {
    if (embedding) normal(p["embedding.weight"]);
    for (
      const name of [
        "rnn.weight_ih_l0",
        "rnn.weight_hh_l0",
        "rnn.bias_ih_l0",
        "rnn.bias_hh_l0",
      ] as const
    ) {
      if (init === "zeros") p[name].fill(0);
      else uniform(p[name], k);
    }
    uniform(p["linear.weight"], k);
    uniform(p["linear.bias"], k);
  }
  if (identityInit) {
    // identity recurrence, zero biases, tiny input weights (Le, Jaitly & Hinton, 2015)
    const wih = p["rnn.weight_ih_l0"];
    for (let k = 0; k < wih.length; k++) wih[k] = IRNN_INPUT_STD * rng.standardNormal();
    const whh = p["rnn.weight_hh_l0"];
    whh.fill(0);
    for (let j = 0; j < H; j++) whh[j * H + j] = options.irnnScale ?? 1;
    p["rnn.bias_ih_l0"].fill(0);
    p["rnn.bias_hh_l0"].fill(0);
  } else if (options.irnnScale !== undefined && options.irnnScale !== 1) {
    throw new RangeError(`irnnScale applies to the IRNN only, not ${cell}`);
  }
  if (forgetBias !== 0 && keepGate === null) {
    throw new RangeError(`forgetBias applies to the LSTM and GRU, not ${cell}`);
  }
  if (inputBias !== 0 && inputGate === null) {
    throw new RangeError(`inputBias applies to the LSTM only, not ${cell}`);
  }
  const bih = p["rnn.bias_ih_l0"];
  for (let j = 0; j < H; j++) {
    if (inputGate !== null) bih[inputGate * H + j]! += inputBias; // the LSTM's i
    if (keepGate !== null) bih[keepGate * H + j]! += forgetBias; // the LSTM's f, the GRU's z
  }
  if ((options.gateInit ?? "constant") === "chrono") {
    if (forgetBias !== 0 || inputBias !== 0) {
      throw new RangeError(
        "chrono sets the gate biases itself: forgetBias and inputBias must be 0",
      );
    }
    chronoBiases(model, options.chronoTmax ?? NaN, rng);
  }
}

/**
 * Chrono initialisation of the gate biases (see {@linkcode GateInit}): `u_j ~ U(1, tmax − 1)`
 * drawn from `rng` for each unit j; LSTM `b_f = log(u)`, `b_i = −b_f`; GRU `b_z = log(u)`; each
 * value in `rnn.bias_ih_l0` with the same slice of `rnn.bias_hh_l0` zeroed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, MT19937, SeqClassifier } from "../../mod.ts";
 * import { chronoBiases } from "./init.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * chronoBiases(model, 100, new MT19937(0));
 * const bf = model.p["rnn.bias_ih_l0"].slice(32, 64); // forget gate, in (log 1, log 99)
 * assert.ok(bf.every((b) => b >= 0 && b <= Math.log(99)));
 * ```
 */
export function chronoBiases(model: SeqClassifier, tmax: number, rng: MT19937): void {
  const { cell, hidden: H } = model.config;
  const { keepGate, inputGate } = CELLS[cell];
  if (keepGate === null) {
    throw new RangeError(`chrono initialises the gates of the LSTM and GRU, not ${cell}`);
  }
  if (!(tmax > 2) || !Number.isFinite(tmax)) {
    throw new RangeError(`chrono's T_max must be a number > 2, got ${tmax}`);
  }
  const bih = model.p["rnn.bias_ih_l0"];
  const bhh = model.p["rnn.bias_hh_l0"];
  for (let j = 0; j < H; j++) {
    const u = 1 + rng.random() * (tmax - 2); // U(1, tmax − 1)
    const keep = Math.log(u);
    bih[keepGate * H + j] = keep; // LSTM forget gate f; GRU update gate z
    bhh[keepGate * H + j] = 0;
    if (inputGate !== null) {
      bih[inputGate * H + j] = -keep; // the LSTM's input gate i
      bhh[inputGate * H + j] = 0;
    }
  }
}
