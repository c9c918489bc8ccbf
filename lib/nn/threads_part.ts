/**
 * What each of the two threads of a `RecurrentThreads` runs — its part of a phase — and the layout
 * of the shared control block the two threads talk through.
 * @module
 */

import type { Cell, CellBuffers, CellSplitBackward } from "./cells.ts";

/**
 * The commands: run a part of the forward, the backward, the weights or an inference forward;
 * rebind; close.
 */
export const FORWARD = 1, BACKWARD = 2, WEIGHTS = 3, REBIND = 4, CLOSE = 5, INFER = 6;

/**
 * The control block's Int32 slots: SEQ, the command's number (written by the caller); DONE, the
 * last finished command's number (written by the helper); the command, the cell (its index in
 * `CELL_KINDS`) and the sizes; FAILED.
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
 * or the rows [lo, hi) of dW_hh (see `CellSplitBackward` in cells.ts). Both threads call this.
 */
export function runPart(
  op: number,
  cell: Cell,
  b: CellBuffers,
  T: number,
  B: number,
  H: number,
  lo: number,
  hi: number,
): void {
  if (op === FORWARD) cell.forward(b, T, B, H, 0, lo, hi);
  else if (op === INFER) cell.infer(b, T, B, H, lo, hi);
  else if (op === BACKWARD) splitOf(cell).steps(b, T, B, H, lo, hi);
  else if (op === WEIGHTS) splitOf(cell).weights(b, T, B, H, lo, hi);
  else throw new Error(`unknown threads command ${op}`);
}

function splitOf(cell: Cell): CellSplitBackward {
  if (!cell.split) throw new Error(`the ${cell.kind} backward does not split across threads`);
  return cell.split;
}
