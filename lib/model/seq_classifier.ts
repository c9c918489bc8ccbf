/**
 * The book's sequence classifier: embedding → recurrent cell → hidden state of the last step →
 * linear → 19 logits. All parameters live in ONE flat `Float32Array` (gradients in another) with
 * named views under PyTorch's names, so a checkpoint loads into `nn.Embedding` + `nn.LSTM`
 * (`batch_first=True`) + `nn.Linear` with `load_state_dict`.
 * @module
 */

import { type Cell, type CellBuffers, CELLS } from "../nn/cells.ts";
import { crossEntropyBackward, crossEntropyForward } from "../nn/loss.ts";
import { gatherTimeMajor, scatterAddTimeMajor } from "../nn/embedding.ts";
import { linearBackward, linearForward } from "../nn/linear.ts";
import { mseBackward, mseForward } from "../nn/mse.ts";
import { makeScratch, type RnnScratch } from "../nn/scratch.ts";
import type { RecurrentThreads } from "../nn/threads.ts";
import type { MT19937 } from "../data/mt19937.ts";
import { type ModelConfig, type ParamSpec, paramSpecs, validateConfig } from "./config.ts";

/** PyTorch's names of the seven parameter tensors. */
export type ParamName =
  | "embedding.weight"
  | "rnn.weight_ih_l0"
  | "rnn.weight_hh_l0"
  | "rnn.bias_ih_l0"
  | "rnn.bias_hh_l0"
  | "linear.weight"
  | "linear.bias";

/**
 * What a model reads: symbols `Int32Array [B, T]` for an embedding input, real-valued channels
 * `Float32Array [B, T, D]` for a dense one (row-major, batch first).
 */
export type ModelInputs = Int32Array | Float32Array;

/**
 * What a loss compares the outputs with, which also picks the loss: class labels `Int32Array`
 * (cross-entropy; −1 marks a row that counts for nothing) or real targets `Float32Array` (MSE).
 * For a head at the last step, `[B]` labels or `[B, C]` targets; for a head at every step, `[B, T]`
 * labels or `[B, T, C]` targets (batch first, as the inputs).
 */
export type ModelTargets = Int32Array | Float32Array;

/**
 * `[T, B, K]` time-major copy of batch-major `[B, T, K]` values, into `out` (returned, sized to
 * fit).
 */
function timeMajor<A extends Int32Array | Float32Array>(
  out: A,
  values: A,
  B: number,
  T: number,
  K: number,
): A {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < K; k++) out[(t * B + b) * K + k] = values[(b * T + t) * K + k]!;
    }
  }
  return out.subarray(0, T * B * K) as A;
}

/** Input dropout: each input's embedding is zeroed with probability `p` (drawn from `rng`). */
export interface InputDropout {
  /** Probability of dropping an input, in [0, 1). */
  p: number;
  /** The generator of the drops. */
  rng: MT19937;
}

/** Options of {@linkcode SeqClassifier.lossAndBackward}. */
export interface BackwardOptions {
  /** `[T, B, H]`: receives dL/dh_t of every step (for gradient-flow plots). */
  dhOut?: Float32Array | null;
  /** Input dropout for this training step. */
  dropout?: InputDropout | null;
}

/** Options of the {@linkcode SeqClassifier} constructor. */
export interface SeqClassifierOptions {
  /**
   * Put the parameters, gradients and workspaces in `SharedArrayBuffer`s, so that a
   * {@linkcode RecurrentThreads} can run half of each recurrence on a second thread.
   */
  shared?: boolean;
}

/** A zeroed `Float32Array` of n floats, over a `SharedArrayBuffer` when `shared`. */
function allocate(n: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n);
}

/**
 * A hook into {@linkcode SeqClassifier.forward} for analyses (ablations, state overrides): while a
 * model's `hooks` are set, the recurrence runs one step at a time and calls `afterStep` between
 * steps. Backward passes refuse to run while hooks are set.
 */
export interface ForwardHooks {
  /**
   * Called after step `t` (0-based) with views of the new state of the batch of `B` sequences,
   * `h [B,H]` and, for a cell with a cell state (the LSTM), `c [B,H]` (`null` for the others).
   * Changing them in place overrides the state that the next steps (and, after the last step, the
   * readout) see.
   */
  afterStep(t: number, h: Float32Array, c: Float32Array | null, B: number): void;
}

/** Named views into a flat buffer, one per parameter tensor. */
export type ParamViews = Record<ParamName, Float32Array>;

function makeViews(flat: Float32Array, specs: ParamSpec[]): ParamViews {
  const views: Partial<ParamViews> = {};
  for (const spec of specs) {
    views[spec.name as ParamName] = flat.subarray(spec.offset, spec.offset + spec.size);
  }
  return views as ParamViews;
}

/**
 * Activations of the last forward pass, kept for the backward pass (and for tracing), and one
 * step's state for inference; the cell's own arrays are sized by its record.
 */
class Workspace {
  T = -1;
  B = -1;
  table: Float32Array; // [V+1, G·H] embedding · W_ihᵀ + bias; row V: a dropped input (bias only)
  embScaled: Float32Array; // [V, E] embedding / (1 − p) under input dropout
  tokens: Int32Array = new Int32Array(0); // [B, T] the rows gathered (V where an input is dropped)
  bias: Float32Array; // [G·H] b_ih + b_hh (LSTM, SRN, IRNN) or b_ih (GRU)
  xp: Float32Array = new Float32Array(0); // [T, B, G·H] input projections
  hs: Float32Array = new Float32Array(0); // [T+1, B, H] hidden states
  cs: Float32Array = new Float32Array(0); // [T+1, B, H] LSTM cell states
  acts: Float32Array = new Float32Array(0); // [T, B, G·H] gate activations
  tcs: Float32Array = new Float32Array(0); // [T, B, H] LSTM tanh(c); GRU W_hn·h + b_hn
  hp: Float32Array = new Float32Array(0); // [B, G·H] GRU recurrent pre-activations (scratch)
  logits: Float32Array = new Float32Array(0); // [B, C], or [T, B, C] for a head at every step
  probs: Float32Array = new Float32Array(0); // as logits
  xin: Float32Array = new Float32Array(0); // [T, B, D] a dense input's channels, time-major
  labels: Int32Array = new Int32Array(0); // [T, B] a head at every step's labels, time-major
  targets: Float32Array = new Float32Array(0); // [T, B, C] its regression targets, time-major
  // backward
  dlogits: Float32Array = new Float32Array(0); // as logits
  dhLast: Float32Array = new Float32Array(0); // [B, H]
  dhSteps: Float32Array = new Float32Array(0); // [T, B, H] dL/dh_t from a head at every step
  dxp: Float32Array = new Float32Array(0); // [T, B, G·H]
  dhp: Float32Array = new Float32Array(0); // [T, B, G·H] GRU only
  dtable: Float32Array; // [V+1, G·H]
  demb: Float32Array; // [V, E] gradient of embScaled
  dbias: Float32Array; // [G·H]
  scratch: RnnScratch = makeScratch(0, 0, 0);
  // inference (SeqClassifier.infer): one step's state
  inferB = -1;
  inferTokens: Int32Array = new Int32Array(0); // [B, T] a copy of the digits (shared for threads)
  inferH: Float32Array = new Float32Array(0); // [2, B, H] the last two steps' hidden states
  inferC: Float32Array = new Float32Array(0); // [2, B, H] LSTM cell states
  inferActs: Float32Array = new Float32Array(0); // [B, G·H] one step's gates
  inferTcs: Float32Array = new Float32Array(0); // [B, H] LSTM tanh(c); GRU W_hn·h + b_hn
  inferXp: Float32Array = new Float32Array(0); // [B, G·H] GRU input side
  inferHp: Float32Array = new Float32Array(0); // [B, G·H] GRU recurrent side
  inferLogits: Float32Array = new Float32Array(0); // [B, C]
  #buffers: CellBuffers | null = null; // buffers(), built once per allocation

  constructor(readonly config: ModelConfig, readonly cell: Cell, readonly shared = false) {
    const GH = cell.gates * config.hidden;
    this.table = allocate((config.vocab + 1) * GH, shared);
    this.embScaled = new Float32Array(config.vocab * config.embed);
    this.demb = new Float32Array(config.vocab * config.embed);
    this.bias = new Float32Array(GH);
    this.dtable = new Float32Array((config.vocab + 1) * GH);
    this.dbias = new Float32Array(GH);
  }

  /** Size every buffer for T steps of a batch of B (reallocating only when they grow). */
  ensure(T: number, B: number): void {
    if (T === this.T && B === this.B) return;
    this.#buffers = null;
    this.T = T;
    this.B = B;
    const { hidden: H, classes: C } = this.config;
    const { gates } = this.cell;
    const GH = gates * H;
    const own = this.cell.trainSizes(T, B, H);
    const grow = (
      a: Float32Array,
      n: number,
    ): Float32Array => (a.length >= n ? a : allocate(n, this.shared));
    this.xp = grow(this.xp, T * B * GH);
    this.hs = grow(this.hs, (T + 1) * B * H);
    this.cs = grow(this.cs, own.cs);
    this.acts = grow(this.acts, T * B * GH);
    this.tcs = grow(this.tcs, own.tcs);
    this.hp = grow(this.hp, own.hp);
    if (this.tokens.length < B * T) this.tokens = new Int32Array(B * T);
    const reads = this.config.head === "every" ? T : 1; // steps the head reads
    this.logits = grow(this.logits, reads * B * C);
    this.probs = grow(this.probs, reads * B * C);
    this.dlogits = grow(this.dlogits, reads * B * C);
    this.dhLast = grow(this.dhLast, B * H);
    if (reads > 1) {
      this.dhSteps = grow(this.dhSteps, T * B * H);
      if (this.labels.length < T * B) this.labels = new Int32Array(T * B);
      this.targets = grow(this.targets, T * B * C);
    }
    if (this.config.input === "dense") this.xin = grow(this.xin, T * B * this.config.vocab);
    this.dxp = grow(this.dxp, T * B * GH);
    this.dhp = grow(this.dhp, own.dhp);
    const s = this.scratch;
    if (s.dh.length < B * H || s.whhT.length < GH * H) {
      this.scratch = this.shared
        ? { whhT: allocate(GH * H, true), dh: allocate(B * H, true), dh2: allocate(B * H, true) }
        : makeScratch(B, H, gates);
    }
  }

  /** Size the inference buffers for T steps of a batch of B (reallocating only when they grow). */
  ensureInfer(T: number, B: number): void {
    const { hidden: H, classes: C } = this.config;
    if (this.inferTokens.length < B * T) {
      const bytes = 4 * B * T;
      this.inferTokens = new Int32Array(
        this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes),
      );
      this.#buffers = null;
    }
    if (B === this.inferB) return;
    this.#buffers = null;
    this.inferB = B;
    const grow = (a: Float32Array, n: number) => (a.length >= n ? a : allocate(n, this.shared));
    const own = this.cell.inferSizes(B, H);
    this.inferH = grow(this.inferH, 2 * B * H);
    this.inferC = grow(this.inferC, own.inferC);
    this.inferActs = grow(this.inferActs, own.inferActs);
    this.inferTcs = grow(this.inferTcs, own.inferTcs);
    this.inferXp = grow(this.inferXp, own.inferXp);
    this.inferHp = grow(this.inferHp, own.inferHp);
    this.inferLogits = grow(this.inferLogits, B * C);
  }

  /**
   * The arrays the cell's passes take (and {@linkcode RecurrentThreads} share), with the model's
   * W_hh, b_hh and gradients: one object until `ensure` or `ensureInfer` reallocates, so the
   * threads see the same arrays again.
   */
  buffers(p: ParamViews, g: ParamViews): CellBuffers {
    this.#buffers ??= this.#makeBuffers(p, g);
    return this.#buffers;
  }

  #makeBuffers(p: ParamViews, g: ParamViews): CellBuffers {
    const { xp, hs, cs, acts, tcs, hp, dxp, dhp, dhLast, scratch, table } = this;
    const { inferH, inferC, inferActs, inferTcs, inferXp, inferHp } = this;
    return {
      xp,
      hs,
      cs,
      acts,
      tcs,
      hp,
      whh: p["rnn.weight_hh_l0"],
      bhh: p["rnn.bias_hh_l0"],
      dxp,
      dhp,
      dhLast,
      dwhh: g["rnn.weight_hh_l0"],
      dbhh: g["rnn.bias_hh_l0"],
      ...scratch,
      table,
      tokens: this.inferTokens,
      inferH,
      inferC,
      inferActs,
      inferTcs,
      inferXp,
      inferHp,
    };
  }
}

/**
 * Embedding → LSTM / GRU / SRN / IRNN → last hidden state → linear, over one flat parameter buffer.
 *
 * The input projection of every step is a row of the table `embedding · W_ihᵀ + bias` (`[V, G·H]`,
 * V = 10), computed once per forward pass, so the time loop does only the recurrent product.
 *
 * @example Logits and loss of one batch, then its gradients
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const digits = new Int32Array([3, 4, 0, 7, 0, 1, 1, 0, 0, 0]); // B = 2, T = 5
 * const loss = model.lossAndBackward(digits, new Int32Array([7, 2]), 2, 5);
 * assert.ok(loss > 0);
 * assert.ok(model.grads.some((g) => g !== 0));
 * ```
 */
export class SeqClassifier {
  /** The sizes and the cell. */
  readonly config: ModelConfig;
  /** Every parameter tensor's name, shape and place in the flat buffers. */
  readonly specs: ParamSpec[];
  /** All parameters, one flat buffer in the order of {@linkcode SeqClassifier.specs}. */
  readonly params: Float32Array;
  /** All gradients, laid out as `params`; backward adds to them. */
  readonly grads: Float32Array;
  /** Named views into `params`. */
  readonly p: ParamViews;
  /** Named views into `grads`. */
  readonly g: ParamViews;
  /** When true, backward leaves `embedding.weight`'s gradient at zero (the blog's port). */
  freezeEmbedding = false;
  /**
   * A second thread for the LSTM's and GRU's recurrences (bit-identical results), or null. Needs
   * a model built with `{ shared: true }`; used where the threads say they pay
   * ({@linkcode RecurrentThreads.pays}).
   */
  threads: RecurrentThreads | null = null;
  /** Forward hooks (analysis only; see {@linkcode ForwardHooks}); `null`: the plain forward pass. */
  hooks: ForwardHooks | null = null;
  #cell: Cell;
  #ws: Workspace;

  /**
   * A model of `config` with zero parameters, or over `params` (copied) when given; with
   * `{ shared: true }` its arrays live in `SharedArrayBuffer`s (see {@linkcode SeqClassifier.threads}).
   */
  constructor(config: ModelConfig, params?: Float32Array, options: SeqClassifierOptions = {}) {
    validateConfig(config);
    this.config = { ...config };
    this.specs = paramSpecs(config);
    const last = this.specs[this.specs.length - 1]!;
    const size = last.offset + last.size;
    if (params && params.length !== size) {
      throw new RangeError(`expected ${size} parameters for this config, got ${params.length}`);
    }
    const shared = options.shared ?? false;
    this.params = allocate(size, shared);
    if (params) this.params.set(params);
    this.grads = allocate(size, shared);
    this.p = makeViews(this.params, this.specs);
    this.g = makeViews(this.grads, this.specs);
    this.#cell = CELLS[config.cell];
    this.#ws = new Workspace(this.config, this.#cell, shared);
  }

  /** Set every gradient to zero. */
  zeroGrad(): void {
    this.grads.fill(0);
  }

  /**
   * Logits `[B, C]` of the inputs — symbols `[B, T]` (an embedding input) or channels
   * `[B, T, D]` (a dense input), row-major — or, for a head at every step, outputs `[T, B, C]`
   * (time-major). The returned array is a workspace view, valid until the next forward pass.
   */
  forward(inputs: ModelInputs, B: number, T: number): Float32Array {
    return this.#forward(inputs, B, T, null);
  }

  /** The forward pass; with `dropout`, each input's embedding is dropped with probability p. */
  #forward(inputs: ModelInputs, B: number, T: number, dropout: InputDropout | null): Float32Array {
    const { vocab: V, hidden: H, classes: C, cell } = this.config;
    this.#checkInputs(inputs, B, T, "forward");
    const GH = this.#cell.gates * H;
    const ws = this.#ws;
    ws.ensure(T, B);
    const p = this.p;
    if (inputs instanceof Float32Array) {
      if (dropout) throw new RangeError("input dropout needs an embedding input");
      this.#denseProjections(inputs, B, T);
    } else {
      let rows = inputs;
      if (dropout) {
        rows = ws.tokens;
        for (let k = 0; k < B * T; k++) rows[k] = dropout.rng.random() < dropout.p ? V : inputs[k]!;
      }
      this.#fillTable(dropout);
      gatherTimeMajor(ws.xp, ws.table, rows, B, T, GH);
    }
    const threads = this.threads?.pays(cell, B, H) ? this.threads : null;
    if (this.hooks) this.#hookedRecurrence(T, B, this.hooks);
    else if (threads) threads.forward(cell, ws.buffers(p, this.g), T, B, H);
    else this.#cell.forward(ws.buffers(p, this.g), T, B, H);
    const reads = this.#readsEveryStep ? T : 1;
    const read = ws.hs.subarray((T + 1 - reads) * B * H, (T + 1) * B * H);
    const logits = ws.logits.subarray(0, reads * B * C);
    linearForward(logits, read, p["linear.weight"], p["linear.bias"], reads * B, H, C);
    return logits;
  }

  get #readsEveryStep(): boolean {
    return this.config.head === "every";
  }

  /** Inputs of the model's kind and size, or a `RangeError` naming what `what` needs. */
  #checkInputs(inputs: ModelInputs, B: number, T: number, what: string): void {
    const dense = this.config.input === "dense";
    if (dense !== inputs instanceof Float32Array) {
      throw new RangeError(
        `${what}: this model's input is ${
          dense ? "dense (Float32Array channels)" : "an embedding (Int32Array symbols)"
        }`,
      );
    }
    const need = B * T * (dense ? this.config.vocab : 1);
    if (inputs.length < need || T < 1 || B < 1) {
      const unit = dense ? `·${this.config.vocab} channel values` : " digits";
      throw new RangeError(`${what} needs B·T = ${B}·${T}${unit}, got ${inputs.length}`);
    }
  }

  /** `ws.bias [G·H]`: b_ih + b_hh, or b_ih alone for a cell that keeps b_hh apart (the GRU). */
  #fillBias(): void {
    const GH = this.#cell.gates * this.config.hidden;
    const { bias } = this.#ws;
    const bih = this.p["rnn.bias_ih_l0"];
    const bhh = this.p["rnn.bias_hh_l0"];
    if (this.#cell.foldsRecurrentBias) {
      for (let g = 0; g < GH; g++) bias[g] = bih[g]! + bhh[g]!;
    } else bias.set(bih);
  }

  /** A dense input's projections: `ws.xin [T,B,D]` = x time-major, `ws.xp` = xin · W_ihᵀ + bias. */
  #denseProjections(x: Float32Array, B: number, T: number): void {
    const { vocab: D, hidden: H } = this.config;
    const ws = this.#ws;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const from = (b * T + t) * D;
        ws.xin.set(x.subarray(from, from + D), (t * B + b) * D);
      }
    }
    this.#fillBias();
    const GH = this.#cell.gates * H;
    linearForward(ws.xp, ws.xin, this.p["rnn.weight_ih_l0"], ws.bias, T * B, D, GH);
  }

  /**
   * `ws.table [V+1, G·H]` = embedding · W_ihᵀ + bias; under input dropout the embedding is scaled by
   * 1/(1 − p) (inverted dropout) and row V, which a dropped input reads, is the bias alone.
   */
  #fillTable(dropout: InputDropout | null): void {
    const { vocab: V, embed: E, hidden: H } = this.config;
    const GH = this.#cell.gates * H;
    const ws = this.#ws;
    const p = this.p;
    this.#fillBias();
    let emb = p["embedding.weight"];
    if (dropout) {
      const scale = 1 / (1 - dropout.p);
      for (let k = 0; k < V * E; k++) ws.embScaled[k] = emb[k]! * scale;
      emb = ws.embScaled;
      ws.table.set(ws.bias, V * GH);
    }
    linearForward(ws.table, emb, p["rnn.weight_ih_l0"], ws.bias, V, E, GH);
  }

  /**
   * Logits `[B, C]` of the digits `[B, T]`, bit for bit those of {@linkcode SeqClassifier.forward},
   * keeping only one step's state: memory O(B·G·H) instead of O(T·B·G·H), and no pass over a
   * `[T, B, G·H]` buffer. Evaluation and prediction use it; backward passes and
   * {@linkcode SeqClassifier.lastActivations} need `forward`. With hooks set, a dense input or a
   * head at every step it is `forward`. The returned array is a workspace view, valid until the
   * next `infer`.
   *
   * @example The same logits as forward
   * ```ts
   * import assert from "node:assert/strict";
   * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
   * const model = new SeqClassifier(BOOK_MODEL);
   * initParams(model, { init: "torch", seed: 0 });
   * const digits = Int32Array.from({ length: 3 * 20 }, (_, k) => (7 * k) % 10); // B = 3, T = 20
   * const kept = Array.from(model.forward(digits, 3, 20));
   * assert.ok(Array.from(model.infer(digits, 3, 20)).every((v, k) => v === kept[k]));
   * ```
   */
  infer(inputs: ModelInputs, B: number, T: number): Float32Array {
    const { hidden: H, classes: C, cell } = this.config;
    if (this.hooks || this.#readsEveryStep || !(inputs instanceof Int32Array)) {
      return this.forward(inputs, B, T);
    }
    this.#checkInputs(inputs, B, T, "infer");
    const digits = inputs;
    const ws = this.#ws;
    ws.ensureInfer(T, B);
    this.#fillTable(null);
    const p = this.p;
    ws.inferTokens.set(digits.subarray(0, B * T));
    const threads = this.threads?.pays(cell, B, H) ? this.threads : null;
    if (threads) threads.infer(cell, ws.buffers(p, this.g), T, B, H);
    else this.#cell.infer(ws.buffers(p, this.g), T, B, H);
    const last = (T & 1) * B * H;
    const logits = ws.inferLogits.subarray(0, B * C);
    const hLast = ws.inferH.subarray(last, last + B * H);
    linearForward(logits, hLast, p["linear.weight"], p["linear.bias"], B, H, C);
    return logits;
  }

  /** The recurrence one step at a time, calling `hooks.afterStep` after each. */
  #hookedRecurrence(T: number, B: number, hooks: ForwardHooks): void {
    const H = this.config.hidden;
    const ws = this.#ws;
    const buffers = ws.buffers(this.p, this.g);
    const BH = B * H;
    for (let t = 0; t < T; t++) {
      this.#cell.forward(buffers, t + 1, B, H, t);
      const at = (t + 1) * BH;
      const c = this.#cell.cellState ? ws.cs.subarray(at, at + BH) : null;
      hooks.afterStep(t, ws.hs.subarray(at, at + BH), c, B);
    }
  }

  #refuseHooks(what: string): void {
    if (this.hooks) throw new Error(`${what}: backward passes do not support forward hooks`);
  }

  /**
   * The mean loss of the inputs against `targets` (forward only): cross-entropy for class labels
   * (`Int32Array`), MSE for real targets (`Float32Array`); see {@linkcode ModelTargets}.
   */
  loss(inputs: ModelInputs, targets: ModelTargets, B: number, T: number): number {
    this.forward(inputs, B, T);
    return this.#loss(targets, B, T, false);
  }

  /**
   * The mean loss of the last {@linkcode SeqClassifier.forward} against `targets`, without a
   * second pass: for a caller that also reads that pass's outputs.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
   * const model = new SeqClassifier(BOOK_MODEL);
   * initParams(model, { init: "torch", seed: 0 });
   * const digits = new Int32Array([3, 4, 0, 0, 7]), labels = new Int32Array([7]);
   * model.forward(digits, 1, 5);
   * assert.equal(model.lossOfLastForward(labels, 1, 5), model.loss(digits, labels, 1, 5));
   * ```
   */
  lossOfLastForward(targets: ModelTargets, B: number, T: number): number {
    const ws = this.#ws;
    if (ws.T !== T || ws.B !== B) {
      throw new RangeError(`loss of B=${B}, T=${T} after a forward pass of B=${ws.B}, T=${ws.T}`);
    }
    return this.#loss(targets, B, T, false);
  }

  /**
   * Forward, mean loss ({@linkcode ModelTargets}: cross-entropy or MSE) and full BPTT backward
   * of one batch: adds the gradients to `grads` and returns the loss. Options: `dhOut [T,B,H]`
   * receives dL/dh_t of every step; `dropout` drops each input's embedding with probability p
   * (training only).
   */
  lossAndBackward(
    inputs: ModelInputs,
    targets: ModelTargets,
    B: number,
    T: number,
    options: BackwardOptions = {},
  ): number {
    this.#refuseHooks("lossAndBackward");
    const { dhOut = null, dropout = null } = options;
    const active = dropout && dropout.p > 0 ? dropout : null;
    this.#forward(inputs, B, T, active);
    const loss = this.#loss(targets, B, T, true);
    this.#backward(inputs, B, T, active, dhOut);
    return loss;
  }

  /**
   * The mean loss of the last forward pass against `targets` (cross-entropy for labels, MSE for
   * real targets), and with `backward` its gradient in `ws.dlogits`. A head at every step's
   * batch-major targets are read time-major, as its outputs are.
   */
  #loss(targets: ModelTargets, B: number, T: number, backward: boolean): number {
    const C = this.config.classes;
    const ws = this.#ws;
    const reads = this.#readsEveryStep ? T : 1;
    const rows = reads * B;
    const perRow = targets instanceof Int32Array ? 1 : C;
    if (targets.length < rows * perRow) {
      throw new RangeError(`the loss needs ${rows * perRow} targets, got ${targets.length}`);
    }
    if (targets instanceof Int32Array) {
      const labels = reads > 1 ? timeMajor(ws.labels, targets, B, T, 1) : targets;
      const loss = crossEntropyForward(ws.probs, ws.logits, labels, rows, C);
      if (backward) crossEntropyBackward(ws.dlogits, ws.probs, labels, rows, C);
      return loss;
    }
    const wanted = reads > 1 ? timeMajor(ws.targets, targets, B, T, C) : targets;
    const loss = mseForward(ws.logits, wanted, rows * C);
    if (backward) mseBackward(ws.dlogits, ws.logits, wanted, rows * C);
    return loss;
  }

  /**
   * BPTT backward of the last {@linkcode SeqClassifier.forward} of `digits [B,T]`, starting from
   * the given `dlogits [B,C]` instead of the cross-entropy's: adds the gradients to `grads` and
   * returns dL/dxp `[T,B,G·H]`, the gradients of the input projections (a workspace view, valid
   * until the next pass); dL/de_t of the input embedding at step t is `W_ihᵀ · dxp_t`.
   *
   * @example The gradient of one logit
   * ```ts
   * import assert from "node:assert/strict";
   * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
   * const model = new SeqClassifier(BOOK_MODEL);
   * initParams(model, { init: "torch", seed: 0 });
   * const digits = new Int32Array([3, 4, 0, 0, 7]);
   * model.forward(digits, 1, 5);
   * const dlogits = new Float32Array(19);
   * dlogits[7] = 1; // d logit[7]
   * const dxp = model.backwardFrom(digits, dlogits, 1, 5);
   * assert.ok(dxp.length >= 5 * 4 * 32);
   * ```
   */
  backwardFrom(digits: ModelInputs, dlogits: Float32Array, B: number, T: number): Float32Array {
    this.#refuseHooks("backwardFrom");
    const ws = this.#ws;
    const { hidden: H, classes: C } = this.config;
    if (ws.T !== T || ws.B !== B) {
      throw new RangeError(
        `backwardFrom(B=${B}, T=${T}) after a forward pass of B=${ws.B}, T=${ws.T}`,
      );
    }
    const reads = this.#readsEveryStep ? T : 1;
    if (dlogits.length !== reads * B * C) {
      throw new RangeError(
        `backwardFrom needs ${reads > 1 ? "T·" : ""}B·C = ${
          reads * B * C
        } dlogits, got ${dlogits.length}`,
      );
    }
    ws.dlogits.set(dlogits);
    this.#backward(digits, B, T, null, null);
    return ws.dxp.subarray(0, T * B * this.#cell.gates * H);
  }

  /** Backward from `ws.dlogits` through the last forward pass (with its dropout, if any). */
  #backward(
    inputs: ModelInputs,
    B: number,
    T: number,
    active: InputDropout | null,
    dhOut: Float32Array | null,
  ): void {
    const { vocab: V, embed: E, hidden: H, classes: C, cell } = this.config;
    const GH = this.#cell.gates * H;
    const ws = this.#ws;
    const p = this.p;
    const g = this.g;
    const every = this.#readsEveryStep;
    const reads = every ? T : 1;
    const read = ws.hs.subarray((T + 1 - reads) * B * H, (T + 1) * B * H);
    const dhLast = ws.dhLast.subarray(0, B * H);
    dhLast.fill(0);
    const dhSteps = every ? ws.dhSteps.subarray(0, T * B * H) : null; // [T,B,H] the head's dL/dh_t
    dhSteps?.fill(0);
    linearBackward(
      dhSteps ?? dhLast,
      g["linear.weight"],
      g["linear.bias"],
      ws.dlogits,
      read,
      p["linear.weight"],
      reads * B,
      H,
      C,
    );
    const threads = dhOut || every || !this.threads?.pays(cell, B, H) ? null : this.threads;
    if (threads) threads.backward(cell, ws.buffers(p, g), T, B, H);
    else this.#cell.backward(ws.buffers(p, g), T, B, H, dhOut, dhSteps);
    if (inputs instanceof Float32Array) {
      // a dense input: dW_ih += dxpᵀ · xin over the T·B rows, and the bias
      ws.dbias.fill(0);
      linearBackward(
        null,
        g["rnn.weight_ih_l0"],
        ws.dbias,
        ws.dxp,
        ws.xin,
        p["rnn.weight_ih_l0"],
        T * B,
        V,
        GH,
      );
      this.#addBiasGrads();
      return;
    }
    const digits = inputs;
    ws.dtable.fill(0);
    scatterAddTimeMajor(ws.dtable, ws.dxp, active ? ws.tokens : digits, B, T, GH);
    ws.dbias.fill(0);
    if (active) ws.demb.fill(0);
    const demb = this.freezeEmbedding ? null : active ? ws.demb : g["embedding.weight"];
    const emb = active ? ws.embScaled : p["embedding.weight"];
    linearBackward(
      demb,
      g["rnn.weight_ih_l0"],
      ws.dbias,
      ws.dtable,
      emb,
      p["rnn.weight_ih_l0"],
      V,
      E,
      GH,
    );
    if (active) {
      for (let k = 0; k < GH; k++) ws.dbias[k]! += ws.dtable[V * GH + k]!; // the dropped inputs' row
      if (demb) {
        const gemb = g["embedding.weight"];
        const scale = 1 / (1 - active.p);
        for (let k = 0; k < V * E; k++) gemb[k]! += ws.demb[k]! * scale;
      }
    }
    this.#addBiasGrads();
  }

  /** `ws.dbias`, the gradient of the projections' bias, into dL/db_ih (and dL/db_hh where folded). */
  #addBiasGrads(): void {
    const GH = this.#cell.gates * this.config.hidden;
    const dbias = this.#ws.dbias;
    const dbih = this.g["rnn.bias_ih_l0"];
    const dbhh = this.g["rnn.bias_hh_l0"];
    const folded = this.#cell.foldsRecurrentBias;
    for (let k = 0; k < GH; k++) {
      dbih[k]! += dbias[k]!;
      if (folded) dbhh[k]! += dbias[k]!;
    }
  }

  /**
   * The activations of the last forward pass, for tracing (gates, states): views into the
   * workspace, valid until the next forward pass. Shapes: `hs [T+1,B,H]`, `cs [T+1,B,H]`
   * (a cell with a cell state: the LSTM), `acts [T,B,G·H]` (gate activations in PyTorch's order), `probs [B,C]` after
   * {@linkcode SeqClassifier.loss}.
   */
  lastActivations(): {
    T: number;
    B: number;
    hs: Float32Array;
    cs: Float32Array;
    acts: Float32Array;
  } {
    const ws = this.#ws;
    return { T: ws.T, B: ws.B, hs: ws.hs, cs: ws.cs, acts: ws.acts };
  }
}
