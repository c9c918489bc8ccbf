/**
 * The shape of a sequence classifier and the names and shapes of its parameters, as PyTorch's
 * `nn.Embedding` → `nn.LSTM`/`nn.GRU`/`nn.RNN` (`batch_first=True`) → `nn.Linear` name them.
 * @module
 */

import { type CellKind, cellOf, CELLS } from "../nn/cells.ts";

export { CELL_KINDS, type CellKind } from "../nn/cells.ts";

/** Sizes of a {@linkcode SeqClassifier}-shaped model. */
export interface ModelConfig {
  /** The recurrent cell. */
  cell: CellKind;
  /** Input symbols (10 digits). */
  vocab: number;
  /** Embedding size E. */
  embed: number;
  /** Hidden size H. */
  hidden: number;
  /** Output classes (19 sums); for a regression head, the outputs per read step. */
  classes: number;
  /**
   * How inputs enter: `embedding` (symbols through `nn.Embedding`, the book's) or `dense`
   * (real-valued channels read by the cell's own input weights, as PyTorch's
   * `nn.LSTM(input_size=vocab)`: `vocab` is the number of channels, `embed` must equal it, and
   * there is no `embedding.weight`). Absent: `embedding`.
   */
  input?: "embedding" | "dense";
  /**
   * Where the head reads: `last` (the last step's hidden state, the book's) or `every` step
   * (outputs `[T,B,C]`, as the copy task needs). Absent: `last`.
   */
  head?: "last" | "every";
}

/** The book's sizes: vocab 10, embed 32, hidden 32, 19 classes, LSTM. */
export const BOOK_MODEL: Readonly<ModelConfig> = {
  cell: "lstm",
  vocab: 10,
  embed: 32,
  hidden: 32,
  classes: 19,
};

/** One parameter tensor: its PyTorch name, shape and offset in the flat buffer. */
export interface ParamSpec {
  /** PyTorch's name, e.g. `rnn.weight_ih_l0`. */
  name: string;
  /** Row-major shape. */
  shape: number[];
  /** Offset (in floats) in the flat parameter buffer. */
  offset: number;
  /** Number of floats. */
  size: number;
}

/**
 * The parameters of a model in their flat-buffer order, with PyTorch's names and layouts:
 * `embedding.weight [V,E]`, `rnn.weight_ih_l0 [G·H,E]`, `rnn.weight_hh_l0 [G·H,H]`,
 * `rnn.bias_ih_l0 [G·H]`, `rnn.bias_hh_l0 [G·H]`, `linear.weight [C,H]`, `linear.bias [C]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, paramSpecs } from "./config.ts";
 * assert.deepEqual(paramSpecs(BOOK_MODEL).map((p) => `${p.name} [${p.shape}]`), [
 *   "embedding.weight [10,32]",
 *   "rnn.weight_ih_l0 [128,32]",
 *   "rnn.weight_hh_l0 [128,32]",
 *   "rnn.bias_ih_l0 [128]",
 *   "rnn.bias_hh_l0 [128]",
 *   "linear.weight [19,32]",
 *   "linear.bias [19]",
 * ]);
 * ```
 */
export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const { vocab: V, embed: E, hidden: H, classes: C } = config;
  const GH = CELLS[config.cell].gates * H;
  const dense = config.input === "dense";
  const shapes: [string, number[]][] = [
    ...(dense ? [] : [["embedding.weight", [V, E]] as [string, number[]]]),
    ["rnn.weight_ih_l0", [GH, E]],
    ["rnn.weight_hh_l0", [GH, H]],
    ["rnn.bias_ih_l0", [GH]],
    ["rnn.bias_hh_l0", [GH]],
    ["linear.weight", [C, H]],
    ["linear.bias", [C]],
  ];
  let offset = 0;
  return shapes.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec = { name, shape, offset, size };
    offset += size;
    return spec;
  });
}

/**
 * Check a config's sizes, throwing a `RangeError` that names the first bad field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, validateConfig } from "./config.ts";
 * validateConfig(BOOK_MODEL); // fine
 * assert.throws(() => validateConfig({ ...BOOK_MODEL, hidden: 0 }), {
 *   name: "RangeError",
 *   message: "hidden must be an integer in [1, 65536], got 0",
 * });
 * ```
 */
export function validateConfig(config: ModelConfig): void {
  cellOf(config.cell);
  for (const key of ["vocab", "embed", "hidden", "classes"] as const) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1 || value > 65536) {
      throw new RangeError(`${key} must be an integer in [1, 65536], got ${JSON.stringify(value)}`);
    }
  }
  const { input = "embedding", head = "last" } = config;
  if (input !== "embedding" && input !== "dense") {
    throw new RangeError(`input must be embedding or dense, got ${JSON.stringify(input)}`);
  }
  if (head !== "last" && head !== "every") {
    throw new RangeError(`head must be last or every, got ${JSON.stringify(head)}`);
  }
  if (input === "dense" && config.embed !== config.vocab) {
    throw new RangeError(
      `a dense input reads its ${config.vocab} channels directly: embed must be ${config.vocab}, got ${config.embed}`,
    );
  }
}
