/**
 * The table of cells: one record per recurrent cell with everything the rest of the toolkit asks
 * about it — its gates, the workspace its kernels need, its forward, inference and backward passes
 * over one {@linkcode CellBuffers} object, how its gate biases and weights start, and what PyTorch
 * and ONNX call it. The model, the threads, import/export, the analyses, the plots and the page
 * look a cell up here (`CELLS[config.cell]`) instead of testing its name.
 *
 * Adding a cell: its kernels in a file of their own (as `lstm.ts`), a record here, and tests
 * (docs/kernels.md, "Adding a cell").
 * @module
 */

import { gruBackward, gruBackwardSteps, gruBackwardWeights, gruForward, gruInfer } from "./gru.ts";
import { lstmBackward, lstmBackwardSteps, lstmForward, lstmInfer } from "./lstm.ts";
import { matmulATB } from "./matmul.ts";
import { type SrnActivation, srnBackward, srnForward, srnInfer } from "./srn.ts";

/**
 * The recurrent cells the toolkit knows: the LSTM, the GRU, the SRN (Elman, tanh) and the IRNN (the
 * SRN with ReLU, initialised with identity recurrent weights; Le, Jaitly & Hinton, 2015).
 */
export type CellKind = "lstm" | "gru" | "srn" | "irnn";

/** Every cell kind, in the order tables list them. */
export const CELL_KINDS: readonly CellKind[] = ["lstm", "gru", "srn", "irnn"];

/**
 * The arrays a cell's kernels read and write, named once so that every cell's passes take the same
 * arguments. Shapes use G·H for the gate rows; an array a cell does not use is empty (see
 * {@linkcode Cell.trainSizes} and {@linkcode Cell.inferSizes}). For two threads each array lives
 * in a `SharedArrayBuffer`.
 */
export interface CellBuffers {
  /** `[T,B,G·H]` input projections. */
  xp: Float32Array;
  /** `[T+1,B,H]` hidden states. */
  hs: Float32Array;
  /** `[T+1,B,H]` LSTM cell states. */
  cs: Float32Array;
  /** `[T,B,G·H]` gate activations. */
  acts: Float32Array;
  /** `[T,B,H]` LSTM tanh(c); GRU W_hn·h + b_hn. */
  tcs: Float32Array;
  /** `[B,G·H]` GRU recurrent pre-activations. */
  hp: Float32Array;
  /** `[G·H,H]` recurrent weights. */
  whh: Float32Array;
  /** `[G·H]` recurrent bias (read by the GRU only; the others fold it into `xp`). */
  bhh: Float32Array;
  /** `[T,B,G·H]` pre-activation gradients. */
  dxp: Float32Array;
  /** `[T,B,G·H]` GRU recurrent-side gradients. */
  dhp: Float32Array;
  /** `[B,H]` dL/dh_T. */
  dhLast: Float32Array;
  /** `[G·H,H]` dL/dW_hh, added to. */
  dwhh: Float32Array;
  /** `[G·H]` dL/db_hh, added to by the GRU. */
  dbhh: Float32Array;
  /** `[H,G·H]` scratch: W_hh transposed. */
  whhT: Float32Array;
  /** `[B,H]` scratch. */
  dh: Float32Array;
  /** `[B,H]` scratch. */
  dh2: Float32Array;
  /** `[V,G·H]` the input projection of each symbol (read by inference). */
  table: Float32Array;
  /** `[B,T]` the inference batch's symbols. */
  tokens: Int32Array;
  /** `[2,B,H]` inference: the hidden state of the last two steps. */
  inferH: Float32Array;
  /** `[2,B,H]` inference: the LSTM's cell state of the last two steps. */
  inferC: Float32Array;
  /** `[B,G·H]` inference: one step's gates. */
  inferActs: Float32Array;
  /** `[B,H]` inference: one step's LSTM tanh(c) or GRU W_hn·h + b_hn. */
  inferTcs: Float32Array;
  /** `[B,G·H]` inference: one step's GRU input side. */
  inferXp: Float32Array;
  /** `[B,G·H]` inference: one step's GRU recurrent side. */
  inferHp: Float32Array;
}

/** The lengths (in floats) of the cell-specific arrays of a training pass; 0: not used. */
export interface CellTrainSizes {
  /** {@linkcode CellBuffers.cs} */
  cs: number;
  /** {@linkcode CellBuffers.tcs} */
  tcs: number;
  /** {@linkcode CellBuffers.hp} */
  hp: number;
  /** {@linkcode CellBuffers.dhp} */
  dhp: number;
}

/** The lengths (in floats) of the cell-specific arrays of inference; 0: not used. */
export interface CellInferSizes {
  /** {@linkcode CellBuffers.inferC} */
  inferC: number;
  /** {@linkcode CellBuffers.inferActs} */
  inferActs: number;
  /** {@linkcode CellBuffers.inferTcs} */
  inferTcs: number;
  /** {@linkcode CellBuffers.inferXp} */
  inferXp: number;
  /** {@linkcode CellBuffers.inferHp} */
  inferHp: number;
}

/** The parts of a backward pass that two threads split (see `threads.ts`). */
export interface CellSplitBackward {
  /** The backward recurrence of the batch rows [lo, hi): `dxp` (and the GRU's `dhp`). */
  steps(b: CellBuffers, T: number, B: number, H: number, lo: number, hi: number): void;
  /**
   * The rows [lo, hi) of dL/dW_hh (of G·H; blocks of 3 rows), and, when `lo` is 0, the rest of
   * the recurrent weights' gradients (the GRU's dL/db_hh).
   */
  weights(b: CellBuffers, T: number, B: number, H: number, lo: number, hi: number): void;
}

/** What PyTorch calls a cell: `nn.LSTM`, `nn.GRU`, or `nn.RNN` with its nonlinearity. */
export interface TorchModule {
  /** The module, `nn.<module>`. */
  module: "LSTM" | "GRU" | "RNN";
  /** `nn.RNN`'s `nonlinearity`. */
  nonlinearity?: SrnActivation;
}

/** What ONNX calls a cell: the operator, its gate order and attributes. */
export interface OnnxOperator {
  /** The operator. */
  op: "LSTM" | "GRU" | "RNN";
  /**
   * The gate blocks of W, R and B in ONNX's order, named by PyTorch's letters
   * ({@linkcode Cell.gateLetters}; the LSTM's cell candidate is `g` in PyTorch and `c` in ONNX, the
   * GRU's is `n` in PyTorch and `h` in ONNX).
   */
  gates: readonly string[];
  /** The operator's attributes besides `hidden_size`: ints and string lists. */
  attributes: Readonly<Record<string, number | readonly string[]>>;
}

/** One row of the table of cells: see the module doc. */
export interface Cell {
  /** The cell's name in configs, file names and flags. */
  kind: CellKind;
  /** How titles, legends and tables write it. */
  label: string;
  /** Its colour, the same in every figure. */
  color: string;
  /** Gates G: the recurrent weights are `[G·H, H]`. */
  gates: number;
  /** Each gate block's name, in PyTorch's order (none for a single-block cell). */
  gateNames: readonly string[];
  /** Each gate block's letter, in PyTorch's order (`i f g o`, `r z n`, `h`). */
  gateLetters: readonly string[];
  /** The gates the figures draw, in their legend order. */
  shownGates: readonly string[];
  /** Whether the cell keeps a cell state c beside h (the LSTM). */
  cellState: boolean;
  /** Whether b_hh joins b_ih in the input projections (all but the GRU, whose r multiplies b_hn). */
  foldsRecurrentBias: boolean;
  /** The gate block that keeps the state (the LSTM's forget f, the GRU's update z), or null. */
  keepGate: number | null;
  /** The input gate's block (the LSTM's i), or null. */
  inputGate: number | null;
  /** Whether the recurrent layer starts as an identity (the IRNN; see `initParams`). */
  identityInit: boolean;
  /** The PyTorch module with the same parameters, or null if PyTorch has none. */
  torch: TorchModule | null;
  /** The ONNX operator that runs it, or null if ONNX has none (export refuses the cell). */
  onnx: OnnxOperator | null;
  /** Lengths of the cell's own training arrays for T steps of a batch of B at hidden H. */
  trainSizes(T: number, B: number, H: number): CellTrainSizes;
  /** Lengths of the cell's own inference arrays for a batch of B at hidden H. */
  inferSizes(B: number, H: number): CellInferSizes;
  /**
   * The forward recurrence over steps `from` … T−1 (from h₀ = 0 when `from` is 0) of the batch
   * rows [lo, hi): reads `xp`, writes `hs`, `acts` and the cell's own arrays.
   */
  forward(
    b: CellBuffers,
    T: number,
    B: number,
    H: number,
    from?: number,
    lo?: number,
    hi?: number,
  ): void;
  /**
   * The forward recurrence keeping one step: bit for bit `forward`'s last state, in
   * `inferH` half T mod 2; reads `table` and `tokens`. Batch rows [lo, hi).
   */
  infer(b: CellBuffers, T: number, B: number, H: number, lo?: number, hi?: number): void;
  /**
   * Full BPTT from `dhLast`: writes `dxp` and adds dL/dW_hh (and the GRU's dL/db_hh); `dhOut
   * [T,B,H]`, when given, receives dL/dh_t of every step; `dhSteps [T,B,H]`, when given, is added
   * to dL/dh_t at every step (a head at every step, as the copy task's).
   */
  backward(
    b: CellBuffers,
    T: number,
    B: number,
    H: number,
    dhOut: Float32Array | null,
    dhSteps?: Float32Array | null,
  ): void;
  /** The backward in parts two threads can split, or null when one thread runs it. */
  split: CellSplitBackward | null;
}

/** The zero sizes of a cell that keeps nothing beyond h. */
const NO_TRAIN: CellTrainSizes = { cs: 0, tcs: 0, hp: 0, dhp: 0 };
const NO_INFER: CellInferSizes = { inferC: 0, inferActs: 0, inferTcs: 0, inferXp: 0, inferHp: 0 };

/** The LSTM (`lstm.ts`). */
const LSTM: Cell = {
  kind: "lstm",
  label: "LSTM",
  color: "#1f77b4",
  gates: 4,
  gateNames: ["input", "forget", "cell", "output"],
  gateLetters: ["i", "f", "g", "o"],
  shownGates: ["input", "forget", "output"],
  cellState: true,
  foldsRecurrentBias: true,
  keepGate: 1,
  inputGate: 0,
  identityInit: false,
  torch: { module: "LSTM" },
  onnx: { op: "LSTM", gates: ["i", "o", "f", "g"], attributes: {} },
  trainSizes: (T, B, H) => ({ cs: (T + 1) * B * H, tcs: T * B * H, hp: 0, dhp: 0 }),
  inferSizes: (B, H) => ({ ...NO_INFER, inferC: 2 * B * H, inferActs: 4 * B * H, inferTcs: B * H }),
  forward: (b, T, B, H, from = 0, lo = 0, hi = B) =>
    lstmForward(b.hs, b.cs, b.acts, b.tcs, b.xp, b.whh, T, B, H, from, lo, hi),
  infer: (b, T, B, H, lo = 0, hi = B) =>
    lstmInfer(
      b.inferH,
      b.inferC,
      b.inferActs,
      b.inferTcs,
      b.table,
      b.tokens,
      b.whh,
      T,
      B,
      H,
      lo,
      hi,
    ),
  backward: (b, T, B, H, dhOut, dhSteps) =>
    lstmBackward(
      b.dxp,
      b.dwhh,
      b.dhLast,
      b.hs,
      b.cs,
      b.acts,
      b.tcs,
      b.whh,
      T,
      B,
      H,
      b,
      dhOut,
      dhSteps,
    ),
  split: {
    steps: (b, T, B, H, lo, hi) =>
      lstmBackwardSteps(b.dxp, b.dhLast, b.cs, b.acts, b.tcs, T, B, H, b, null, lo, hi),
    weights: (b, T, B, H, lo, hi) =>
      matmulATB(b.dwhh, b.dxp, 4 * B * H, b.hs, B * H, (T - 1) * B, 4 * H, H, lo, hi),
  },
};

/** The GRU (`gru.ts`). */
const GRU: Cell = {
  kind: "gru",
  label: "GRU",
  color: "#d62728",
  gates: 3,
  gateNames: ["reset", "update", "new"],
  gateLetters: ["r", "z", "n"],
  shownGates: ["update", "reset"],
  cellState: false,
  foldsRecurrentBias: false,
  keepGate: 1,
  inputGate: null,
  identityInit: false,
  torch: { module: "GRU" },
  onnx: { op: "GRU", gates: ["z", "r", "n"], attributes: { linear_before_reset: 1 } },
  trainSizes: (T, B, H) => ({ cs: 0, tcs: T * B * H, hp: 3 * B * H, dhp: 3 * T * B * H }),
  inferSizes: (B, H) => ({
    inferC: 0,
    inferActs: 3 * B * H,
    inferTcs: B * H,
    inferXp: 3 * B * H,
    inferHp: 3 * B * H,
  }),
  forward: (b, T, B, H, from = 0, lo = 0, hi = B) =>
    gruForward(b.hs, b.acts, b.tcs, b.hp, b.xp, b.whh, b.bhh, T, B, H, from, lo, hi),
  infer: (b, T, B, H, lo = 0, hi = B) =>
    gruInfer(
      b.inferH,
      b.inferXp,
      b.inferActs,
      b.inferTcs,
      b.inferHp,
      b.table,
      b.tokens,
      b.whh,
      b.bhh,
      T,
      B,
      H,
      lo,
      hi,
    ),
  backward: (b, T, B, H, dhOut, dhSteps) =>
    gruBackward(
      b.dxp,
      b.dhp,
      b.dwhh,
      b.dbhh,
      b.dhLast,
      b.hs,
      b.acts,
      b.tcs,
      b.whh,
      T,
      B,
      H,
      b,
      dhOut,
      dhSteps,
    ),
  split: {
    steps: (b, T, B, H, lo, hi) =>
      gruBackwardSteps(b.dxp, b.dhp, b.dhLast, b.hs, b.acts, b.tcs, T, B, H, b, null, lo, hi),
    weights: (b, T, B, H, lo, hi) =>
      gruBackwardWeights(b.dwhh, b.dbhh, b.dhp, b.hs, T, B, H, lo, hi, lo === 0),
  },
};

/** An SRN-kernel cell (`srn.ts`) with the given nonlinearity: the SRN (tanh) or the IRNN (relu). */
function srnCell(
  kind: CellKind,
  label: string,
  color: string,
  activation: SrnActivation,
  identityInit: boolean,
): Cell {
  return {
    kind,
    label,
    color,
    gates: 1,
    gateNames: [],
    gateLetters: ["h"],
    shownGates: [],
    cellState: false,
    foldsRecurrentBias: true,
    keepGate: null,
    inputGate: null,
    identityInit,
    torch: { module: "RNN", nonlinearity: activation },
    onnx: {
      op: "RNN",
      gates: ["h"],
      attributes: { activations: [activation === "relu" ? "Relu" : "Tanh"] },
    },
    trainSizes: () => NO_TRAIN,
    inferSizes: () => NO_INFER,
    forward: (b, T, B, H, from = 0) => srnForward(b.hs, b.xp, b.whh, T, B, H, from, activation),
    infer: (b, T, B, H) => srnInfer(b.inferH, b.table, b.tokens, b.whh, T, B, H, activation),
    backward: (b, T, B, H, dhOut, dhSteps) =>
      srnBackward(b.dxp, b.dwhh, b.dhLast, b.hs, b.whh, T, B, H, b, dhOut, activation, dhSteps),
    split: null,
  };
}

/**
 * The table of cells, by kind.
 *
 * @example What the code asks of a cell
 * ```ts
 * import assert from "node:assert/strict";
 * import { CELL_KINDS, CELLS } from "./cells.ts";
 * assert.deepEqual(CELL_KINDS.map((k) => CELLS[k].gates), [4, 3, 1, 1]);
 * assert.deepEqual(CELLS.gru.onnx?.gates, ["z", "r", "n"]);
 * assert.equal(CELLS.irnn.torch?.nonlinearity, "relu");
 * ```
 */
export const CELLS: Readonly<Record<CellKind, Cell>> = {
  lstm: LSTM,
  gru: GRU,
  srn: srnCell("srn", "SRN", "#2ca02c", "tanh", false),
  irnn: srnCell("irnn", "IRNN", "#9467bd", "relu", true),
};

/**
 * The record of a cell kind, with a `RangeError` naming the known kinds for anything else (a
 * config read from a file).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellOf } from "./cells.ts";
 * assert.equal(cellOf("gru").gates, 3);
 * assert.throws(() => cellOf("mgu"), /cell must be lstm, gru, srn or irnn, got "mgu"/);
 * ```
 */
export function cellOf(kind: string): Cell {
  if (!(CELL_KINDS as readonly string[]).includes(kind)) {
    const known = `${CELL_KINDS.slice(0, -1).join(", ")} or ${CELL_KINDS.at(-1)}`;
    throw new RangeError(`cell must be ${known}, got ${JSON.stringify(kind)}`);
  }
  return CELLS[kind as CellKind];
}
