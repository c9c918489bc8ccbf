/**
 * What each thread of a `RecurrentTeam` runs — its part of a phase — and the layout of
 * the shared control block the two threads talk through.
 * @module
 */

import { gruBackwardSteps, gruBackwardWeights, gruForward, gruInfer } from "./gru.ts";
import { lstmBackwardSteps, lstmForward, lstmInfer } from "./lstm.ts";
import { matmulATB } from "./matmul.ts";

/** The arrays a recurrence reads and writes, each over a `SharedArrayBuffer`. */
export interface TeamBuffers {
  /** `[T,B,G·H]` input projections. */
  xp: Float32Array;
  /** `[T+1,B,H]` hidden states. */
  hs: Float32Array;
  /** `[T+1,B,H]` LSTM cell states (empty for the GRU). */
  cs: Float32Array;
  /** `[T,B,G·H]` gate activations. */
  acts: Float32Array;
  /** `[T,B,H]` LSTM tanh(c); GRU W_hn·h + b_hn. */
  tcs: Float32Array;
  /** `[B,G·H]` GRU recurrent pre-activations (empty for the LSTM). */
  hp: Float32Array;
  /** `[G·H,H]` recurrent weights. */
  whh: Float32Array;
  /** `[G·H]` recurrent bias (read by the GRU only). */
  bhh: Float32Array;
  /** `[T,B,G·H]` pre-activation gradients. */
  dxp: Float32Array;
  /** `[T,B,G·H]` GRU recurrent-side gradients (empty for the LSTM). */
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
  /** `[2,B,H]` inference: the LSTM's cell state of the last two steps (empty for the GRU). */
  inferC: Float32Array;
  /** `[B,G·H]` inference: one step's gates. */
  inferActs: Float32Array;
  /** `[B,H]` inference: one step's LSTM tanh(c) or GRU W_hn·h + b_hn. */
  inferTcs: Float32Array;
  /** `[B,G·H]` inference: one step's GRU input side (empty for the LSTM). */
  inferXp: Float32Array;
  /** `[B,G·H]` inference: one step's GRU recurrent side (empty for the LSTM). */
  inferHp: Float32Array;
}

/** The cells a team can run (the SRN's single gate leaves too little to split). */
export type TeamCell = "lstm" | "gru";

/**
 * The commands: run a part of the forward, the backward, the weights or an inference forward;
 * rebind; close.
 */
export const FORWARD = 1, BACKWARD = 2, WEIGHTS = 3, REBIND = 4, CLOSE = 5, INFER = 6;

/**
 * The control block's Int32 slots: SEQ, the command's number (written by the caller); DONE, the
 * last finished command's number (written by the helper); the command and its sizes; FAILED.
 */
export const SLOTS = {
  SEQ: 0,
  DONE: 1,
  OP: 2,
  CELL: 3,
  T: 4,
  B: 5,
  H: 6,
  LO: 7,
  HI: 8,
  FAILED: 9,
} as const;

/**
 * One part of a phase: the forward, backward or inference recurrence of the batch rows [lo, hi),
 * or the rows [lo, hi) of dW_hh (and, when `lo` is 0, the GRU's db_hh). Both threads call this.
 */
export function runPart(
  op: number,
  cell: TeamCell,
  b: TeamBuffers,
  T: number,
  B: number,
  H: number,
  lo: number,
  hi: number,
): void {
  const G = (cell === "lstm" ? 4 : 3) * H;
  const scratch = { whhT: b.whhT, dh: b.dh, dh2: b.dh2 };
  if (op === FORWARD) {
    if (cell === "lstm") lstmForward(b.hs, b.cs, b.acts, b.tcs, b.xp, b.whh, T, B, H, 0, lo, hi);
    else gruForward(b.hs, b.acts, b.tcs, b.hp, b.xp, b.whh, b.bhh, T, B, H, 0, lo, hi);
  } else if (op === BACKWARD) {
    if (cell === "lstm") {
      lstmBackwardSteps(b.dxp, b.dhLast, b.cs, b.acts, b.tcs, T, B, H, scratch, null, lo, hi);
    } else {
      gruBackwardSteps(b.dxp, b.dhp, b.dhLast, b.hs, b.acts, b.tcs, T, B, H, scratch, null, lo, hi);
    }
  } else if (op === INFER) {
    if (cell === "lstm") {
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
      );
    } else {
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
      );
    }
  } else if (op === WEIGHTS) {
    if (cell === "lstm") matmulATB(b.dwhh, b.dxp, B * G, b.hs, B * H, (T - 1) * B, G, H, lo, hi);
    else gruBackwardWeights(b.dwhh, b.dbhh, b.dhp, b.hs, T, B, H, lo, hi, lo === 0);
  } else {
    throw new Error(`unknown team command ${op}`);
  }
}
