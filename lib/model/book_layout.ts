/**
 * The book's (and the blog's) per-gate LSTM parameters, and their conversion to and from
 * PyTorch's stacked layout.
 *
 * The book writes each gate with weights acting from the right: `I = σ(x W_i + h U_i + b_i)` with
 * `W_i [I,H]`, `U_i [H,H]`, `b_i [1,H]`. PyTorch stacks the gates i, f, g (= C̃), o into
 * `weight_ih_l0 [4H,I]` = [W_iᵀ; W_fᵀ; W_cᵀ; W_oᵀ] (likewise `weight_hh_l0`) and keeps two biases
 * whose SUM is the book's bias — the blog's mistake was to copy `bias_hh_l0` alone.
 * @module
 */

/** A matrix as nested rows, as the blog's `*_attr` arguments are written. */
export type Rows = number[][];

/** The blog's per-gate LSTM parameters (`W_* [I,H]`, `U_* [H,H]`, `b_* [1,H]`). */
export interface BookLstm {
  /** Input weights of the input, forget, output gates and the candidate, `[I,H]`. */
  W_i: Rows;
  /** Forget gate input weights `[I,H]`. */
  W_f: Rows;
  /** Output gate input weights `[I,H]`. */
  W_o: Rows;
  /** Candidate (C̃) input weights `[I,H]`. */
  W_c: Rows;
  /** Input gate recurrent weights `[H,H]`. */
  U_i: Rows;
  /** Forget gate recurrent weights `[H,H]`. */
  U_f: Rows;
  /** Output gate recurrent weights `[H,H]`. */
  U_o: Rows;
  /** Candidate recurrent weights `[H,H]`. */
  U_c: Rows;
  /** Input gate bias `[1,H]`. */
  b_i: Rows;
  /** Forget gate bias `[1,H]`. */
  b_f: Rows;
  /** Output gate bias `[1,H]`. */
  b_o: Rows;
  /** Candidate bias `[1,H]`. */
  b_c: Rows;
}

/** PyTorch's LSTM tensors, flat and row-major. */
export interface TorchLstm {
  /** `[4H, I]`, gates i, f, g, o. */
  weight_ih_l0: Float32Array;
  /** `[4H, H]`. */
  weight_hh_l0: Float32Array;
  /** `[4H]`. */
  bias_ih_l0: Float32Array;
  /** `[4H]`. */
  bias_hh_l0: Float32Array;
}

/** The book's gate letters in PyTorch's stacking order i, f, g (= c), o. */
const TORCH_ORDER = ["i", "f", "c", "o"] as const;

/**
 * PyTorch's stacked tensors from the book's per-gate ones: `weight_ih_l0[gH + j, k] = W_g[k][j]`,
 * `bias_ih_l0 = b`, `bias_hh_l0 = 0`.
 *
 * @example The blog's toy LSTM(2, 2)
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromBookLstm } from "./book_layout.ts";
 * const W = [[0.1, 0.2], [0.1, 0.2]], U = [[0, 0.1], [0.1, 0]], b = [[0.1, 0.1]];
 * const t = fromBookLstm({ W_i: W, W_f: W, W_o: W, W_c: W, U_i: U, U_f: U, U_o: U, U_c: U, b_i: b, b_f: b, b_o: b, b_c: b });
 * assert.deepEqual(Array.from(t.weight_ih_l0.subarray(0, 4)).map((v) => v.toFixed(1)), ["0.1", "0.1", "0.2", "0.2"]); // W_iᵀ
 * ```
 */
export function fromBookLstm(book: BookLstm): TorchLstm {
  const I = book.W_i.length;
  const H = book.U_i.length;
  const out: TorchLstm = {
    weight_ih_l0: new Float32Array(4 * H * I),
    weight_hh_l0: new Float32Array(4 * H * H),
    bias_ih_l0: new Float32Array(4 * H),
    bias_hh_l0: new Float32Array(4 * H),
  };
  TORCH_ORDER.forEach((gate, g) => {
    const W = book[`W_${gate}`];
    const U = book[`U_${gate}`];
    const b = book[`b_${gate}`];
    checkShape(W, I, H, `W_${gate}`);
    checkShape(U, H, H, `U_${gate}`);
    checkShape(b, 1, H, `b_${gate}`);
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < I; k++) out.weight_ih_l0[(g * H + j) * I + k] = W[k]![j]!;
      for (let k = 0; k < H; k++) out.weight_hh_l0[(g * H + j) * H + k] = U[k]![j]!;
      out.bias_ih_l0[g * H + j] = b[0]![j]!;
    }
  });
  return out;
}

/**
 * The book's per-gate tensors from PyTorch's stacked ones; each bias is `bias_ih + bias_hh`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toBookLstm } from "./book_layout.ts";
 * const H = 1, I = 1; // gates i, f, g, o each one unit
 * const book = toBookLstm({
 *   weight_ih_l0: new Float32Array([1, 2, 3, 4]), weight_hh_l0: new Float32Array([5, 6, 7, 8]),
 *   bias_ih_l0: new Float32Array([0.5, 0, 0, 0]), bias_hh_l0: new Float32Array([0.25, 0, 0, 0]),
 * }, I, H);
 * assert.deepEqual(book.W_c, [[3]]);
 * assert.deepEqual(book.U_o, [[8]]);
 * assert.deepEqual(book.b_i, [[0.75]]);
 * ```
 */
export function toBookLstm(torch: TorchLstm, I: number, H: number): BookLstm {
  const rows = (n: number, m: number, at: (r: number, c: number) => number): Rows =>
    Array.from({ length: n }, (_, r) => Array.from({ length: m }, (_, c) => at(r, c)));
  const gateOf = (gate: (typeof TORCH_ORDER)[number]) => {
    const g = TORCH_ORDER.indexOf(gate);
    return {
      W: rows(I, H, (k, j) => torch.weight_ih_l0[(g * H + j) * I + k]!),
      U: rows(H, H, (k, j) => torch.weight_hh_l0[(g * H + j) * H + k]!),
      b: rows(1, H, (_, j) => torch.bias_ih_l0[g * H + j]! + torch.bias_hh_l0[g * H + j]!),
    };
  };
  const [i, f, o, c] = (["i", "f", "o", "c"] as const).map(gateOf) as [
    ReturnType<typeof gateOf>,
    ReturnType<typeof gateOf>,
    ReturnType<typeof gateOf>,
    ReturnType<typeof gateOf>,
  ];
  return {
    W_i: i.W,
    W_f: f.W,
    W_o: o.W,
    W_c: c.W,
    U_i: i.U,
    U_f: f.U,
    U_o: o.U,
    U_c: c.U,
    b_i: i.b,
    b_f: f.b,
    b_o: o.b,
    b_c: c.b,
  };
}

function checkShape(m: Rows, rows: number, cols: number, name: string): void {
  if (m.length !== rows || m.some((r) => r.length !== cols)) {
    throw new RangeError(`${name} must be [${rows},${cols}]`);
  }
}
