/**
 * Bringing PyTorch models in: a state dict saved as safetensors, under any module names, either
 * PyTorch's (`<emb>.weight`, `<rnn>.weight_ih_l0`…, `<fc>.weight`, `<fc>.bias`) or the book's
 * per-gate LSTM (`<p>W_i [I,H]`, `<p>U_i [H,H]`, `<p>b_i [1,H]` for i, f, c, o). Sizes and the cell
 * come from the shapes, checked against each other; anything that does not fit is one
 * {@linkcode CheckpointError} line. Pickles are refused unread: unpickling runs code.
 * @module
 */

import { type ModelConfig, paramSpecs } from "../model/config.ts";
import { CELL_KINDS, type CellKind, CELLS } from "../nn/cells.ts";
import { fromBookLstm, type Rows } from "../model/book_layout.ts";
import { type ParamName, SeqClassifier } from "../model/seq_classifier.ts";
import { refuseNonFinite } from "./checkpoint.ts";
import { CheckpointError, type Tensor } from "./safetensors.ts";

/** Options of {@linkcode importStateDict}. */
export interface ImportOptions {
  /** The cell the caller expects; the shapes must agree. */
  cell?: CellKind;
  /** Module prefixes to rename first, e.g. `[["lstm.", "rnn."], ["fc.", "linear."]]`. */
  prefixMap?: [string, string][];
  /** The embedding, when the state dict lacks it (the blog's is not saved): one 2-D tensor. */
  embedding?: { tensors: Map<string, Tensor>; path: string };
}

/** An imported model and the layout its file was in. */
export interface Imported {
  /** The model, holding the file's weights under lstm-lab's names. */
  model: SeqClassifier;
  /** `torch` (stacked gates) or `book` (per-gate `W_*`, `U_*`, `b_*`). */
  layout: "torch" | "book";
}

/** The name the `--embedding` file's matrix goes by among the state dict's tensors. */
const EMBEDDING_FILE = "<--embedding>";

/** File name endings of pickles: PyTorch's `.pt`/`.pth`/`.pkl`/`.bin`, Paddle's `.pdparams`. */
const PICKLE = /\.(pt|pth|pdparams|pkl|pickle|bin|ckpt)$/i;

/**
 * Throw, without reading it further, when `path` (with its first bytes `head`) is a pickle: a
 * message naming the file and the two lines of Python that convert it to safetensors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refusePickle } from "./import.ts";
 * assert.throws(
 *   () => refusePickle("model.pth", new Uint8Array([0x50, 0x4b, 3, 4])),
 *   (err: Error) => err.message.split("\n")[1] === "  import torch, safetensors.torch",
 * );
 * ```
 */
export function refusePickle(path: string, head: Uint8Array): void {
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4;
  const pickle = head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5;
  if (!PICKLE.test(path) && !zip && !pickle) return;
  const out = path.replace(PICKLE, "") + ".safetensors";
  throw new CheckpointError(
    `${path}: a pickle (PyTorch .pt/.pth, Paddle .pdparams) is never unpickled here, since ` +
      `loading one runs its code; convert it to safetensors with Python (pip install safetensors):\n` +
      `  import torch, safetensors.torch\n` +
      `  safetensors.torch.save_file({k: v.float().contiguous() for k, v in torch.load(${
        JSON.stringify(path)
      }, map_location="cpu").items()}, ${JSON.stringify(out)})`,
  );
}

/**
 * A {@linkcode SeqClassifier} from the tensors of a PyTorch state dict (see the module doc).
 *
 * @example The blog's per-gate names, any prefix
 * ```ts
 * import assert from "node:assert/strict";
 * import { importStateDict } from "./import.ts";
 * const t = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
 * const tensors = new Map([["emb.W", t([10, 3])], ["fc.weight", t([19, 2])], ["fc.bias", t([19])]]);
 * for (const g of "ifoc") {
 *   tensors.set(`cell.W_${g}`, t([3, 2])).set(`cell.U_${g}`, t([2, 2])).set(`cell.b_${g}`, t([1, 2]));
 * }
 * const { model, layout } = importStateDict(tensors, "blog.safetensors");
 * assert.equal(layout, "book");
 * assert.deepEqual(model.config, { cell: "lstm", vocab: 10, embed: 3, hidden: 2, classes: 19 });
 * ```
 */
export function importStateDict(
  input: Map<string, Tensor>,
  path: string,
  options: ImportOptions = {},
): Imported {
  const fail = (what: string): never => {
    throw new CheckpointError(`${path}: ${what}`);
  };
  refuseNonFinite(input, path);
  const tensors = renamed(input, options.prefixMap ?? [], fail);
  if (options.embedding) {
    const { tensors: extra, path: embPath } = options.embedding;
    refuseNonFinite(extra, embPath);
    const matrices = [...extra].filter(([, t]) => t.shape.length === 2);
    if (matrices.length !== 1) {
      throw new CheckpointError(
        `${embPath}: holds ${matrices.length} 2-D tensors; expected one embedding matrix [vocab, embed]`,
      );
    }
    tensors.set(EMBEDDING_FILE, matrices[0]![1]);
  }
  const book = [...tensors.keys()].find((name) => /(^|\.)W_i$/.test(name));
  const rnn = book === undefined ? torchCell(tensors, options.cell, fail) : bookCell(
    tensors,
    book.slice(0, -3),
    options.cell,
    fail,
  );
  const I = rnn.inputSize;
  const H = rnn.hidden;
  const { embedding, linear } = headAndEmbedding(tensors, I, H, fail);
  const config: ModelConfig = {
    cell: rnn.cell,
    vocab: embedding.shape[0]!,
    embed: I,
    hidden: H,
    classes: linear.weight.shape[0]!,
  };
  const model = new SeqClassifier(config);
  const values: Record<string, Float32Array> = {
    "embedding.weight": embedding.data,
    "rnn.weight_ih_l0": rnn.weight_ih,
    "rnn.weight_hh_l0": rnn.weight_hh,
    "rnn.bias_ih_l0": rnn.bias_ih,
    "rnn.bias_hh_l0": rnn.bias_hh,
    "linear.weight": linear.weight.data,
    "linear.bias": linear.bias.data,
  };
  for (const spec of paramSpecs(config)) model.p[spec.name as ParamName].set(values[spec.name]!);
  return { model, layout: book === undefined ? "torch" : "book" };
}

/** `tensors` under new names: the first matching prefix of `map` replaced. */
function renamed(
  tensors: Map<string, Tensor>,
  map: [string, string][],
  fail: (what: string) => never,
): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, tensor] of tensors) {
    const rule = map.find(([from]) => name.startsWith(from));
    const to = rule ? rule[1] + name.slice(rule[0].length) : name;
    if (out.has(to)) fail(`--prefix-map renames two tensors to "${to}"`);
    out.set(to, tensor);
  }
  return out;
}

interface Recurrent {
  cell: CellKind;
  inputSize: number;
  hidden: number;
  weight_ih: Float32Array;
  weight_hh: Float32Array;
  bias_ih: Float32Array;
  bias_hh: Float32Array;
}

/** Take PyTorch's `<m>.weight_ih_l0`… out of `tensors`, checking their shapes. */
function torchCell(
  tensors: Map<string, Tensor>,
  expected: CellKind | undefined,
  fail: (what: string) => never,
): Recurrent {
  const modules = [...tensors.keys()].filter((n) => /(^|\.)weight_ih_l0$/.test(n));
  if (modules.length !== 1) {
    fail(
      modules.length === 0
        ? "no recurrent layer: expected PyTorch's <module>.weight_ih_l0 (nn.LSTM/GRU/RNN) or the book's <module>.W_i"
        : `${modules.length} recurrent layers (${modules.join(", ")}); expected one`,
    );
  }
  const prefix = modules[0]!.slice(0, -"weight_ih_l0".length);
  for (const name of tensors.keys()) {
    if (name.startsWith(prefix) && /(_l[1-9]\d*|_reverse)$/.test(name)) {
      fail(`tensor "${name}": lstm-lab models have one layer, one direction`);
    }
  }
  const take = (suffix: string, rank: number): Tensor => {
    const name = prefix + suffix;
    const tensor = tensors.get(name) ??
      fail(`tensor "${name}" is missing (bias=False is not supported)`);
    if (tensor.shape.length !== rank) {
      fail(`tensor "${name}" has shape [${tensor.shape}]; expected ${rank} dimensions`);
    }
    tensors.delete(name);
    return tensor;
  };
  const ih = take("weight_ih_l0", 2);
  const hh = take("weight_hh_l0", 2);
  const bih = take("bias_ih_l0", 1);
  const bhh = take("bias_hh_l0", 1);
  const H = hh.shape[1]!;
  const GH = hh.shape[0]!;
  // the first cell PyTorch has with G = GH / H gates: nn.RNN reads as the SRN
  const cell = GH % H === 0
    ? CELL_KINDS.find((k) => CELLS[k].torch && CELLS[k].gates === GH / H)
    : undefined;
  if (cell === undefined) {
    fail(
      `tensor "${prefix}weight_hh_l0" has shape [${hh.shape}]; expected [G·H, H] with G = 4 (LSTM), 3 (GRU) or 1 (RNN)`,
    );
  }
  if (expected !== undefined && expected !== cell) {
    fail(
      `--cell ${expected}, but "${prefix}weight_hh_l0" [${hh.shape}] is that of a ${
        CELLS[cell!].label
      }`,
    );
  }
  const expect = (t: Tensor, name: string, shape: number[]) => {
    if (t.shape.join() !== shape.join()) {
      fail(
        `tensor "${prefix}${name}" has shape [${t.shape}]; "${prefix}weight_hh_l0" [${hh.shape}] implies [${shape}]`,
      );
    }
  };
  expect(ih, "weight_ih_l0", [GH, ih.shape[1]!]);
  expect(bih, "bias_ih_l0", [GH]);
  expect(bhh, "bias_hh_l0", [GH]);
  return {
    cell: cell!,
    inputSize: ih.shape[1]!,
    hidden: H,
    weight_ih: ih.data,
    weight_hh: hh.data,
    bias_ih: bih.data,
    bias_hh: bhh.data,
  };
}

/** Take the book's `<p>W_i`… out of `tensors`; its single bias becomes `bias_ih`, `bias_hh = 0`. */
function bookCell(
  tensors: Map<string, Tensor>,
  prefix: string,
  expected: CellKind | undefined,
  fail: (what: string) => never,
): Recurrent {
  if (expected !== undefined && expected !== "lstm") {
    fail(`--cell ${expected}, but "${prefix}W_i" is the book's per-gate LSTM layout`);
  }
  const W_i = tensors.get(`${prefix}W_i`)!;
  if (W_i.shape.length !== 2) {
    fail(`tensor "${prefix}W_i" has shape [${W_i.shape}]; expected [I, H]`);
  }
  const [I, H] = W_i.shape as [number, number];
  const rows = (name: string, shape: number[], alt?: number[]): Rows => {
    const tensor = tensors.get(prefix + name) ??
      fail(
        `tensor "${prefix}${name}" is missing; the book's LSTM has W_*, U_*, b_* for gates i, f, c, o`,
      );
    const ok = tensor.shape.join() === shape.join() || tensor.shape.join() === alt?.join();
    if (!ok) {
      fail(
        `tensor "${prefix}${name}" has shape [${tensor.shape}]; "${prefix}W_i" [${I},${H}] implies [${shape}]`,
      );
    }
    tensors.delete(prefix + name);
    const [r, c] = [shape[0]!, shape[1]!];
    return Array.from(
      { length: r },
      (_, k) => Array.from(tensor.data.subarray(k * c, (k + 1) * c)),
    );
  };
  const get = (kind: "W" | "U" | "b", gate: string) =>
    kind === "W"
      ? rows(`W_${gate}`, [I, H])
      : kind === "U"
      ? rows(`U_${gate}`, [H, H])
      : rows(`b_${gate}`, [1, H], [H]);
  const torch = fromBookLstm({
    W_i: get("W", "i"),
    W_f: get("W", "f"),
    W_o: get("W", "o"),
    W_c: get("W", "c"),
    U_i: get("U", "i"),
    U_f: get("U", "f"),
    U_o: get("U", "o"),
    U_c: get("U", "c"),
    b_i: get("b", "i"),
    b_f: get("b", "f"),
    b_o: get("b", "o"),
    b_c: get("b", "c"),
  });
  return {
    cell: "lstm",
    inputSize: I,
    hidden: H,
    weight_ih: torch.weight_ih_l0,
    weight_hh: torch.weight_hh_l0,
    bias_ih: torch.bias_ih_l0,
    bias_hh: torch.bias_hh_l0,
  };
}

/**
 * The embedding (a module holding only a 2-D `weight`, or the blog's `W`, with `embed` columns)
 * and the output layer (a module with a `[C, hidden]` weight and a `[C]` bias) among what is left;
 * any other tensor is refused.
 */
function headAndEmbedding(
  tensors: Map<string, Tensor>,
  embed: number,
  hidden: number,
  fail: (what: string) => never,
): { embedding: Tensor; linear: { weight: Tensor; bias: Tensor } } {
  const modules = new Map<string, Map<string, Tensor>>();
  for (const [name, tensor] of tensors) {
    const dot = name.lastIndexOf(".");
    const module = name.slice(0, dot + 1);
    if (!modules.has(module)) modules.set(module, new Map());
    modules.get(module)!.set(name.slice(dot + 1), tensor);
  }
  const embeddings: string[] = [];
  const linears: string[] = [];
  for (const [module, parts] of modules) {
    const keys = [...parts.keys()].sort().join();
    const weight = parts.get("weight") ?? parts.get("W") ?? parts.get(EMBEDDING_FILE);
    if (parts.size === 1 && weight?.shape.length === 2 && weight.shape[1] === embed) {
      embeddings.push(module);
    } else if (
      keys === "bias,weight" && parts.get("weight")!.shape.length === 2 &&
      parts.get("weight")!.shape[1] === hidden &&
      parts.get("bias")!.shape.join() === String(parts.get("weight")!.shape[0])
    ) {
      linears.push(module);
    } else {
      fail(
        `unexpected tensor${parts.size > 1 ? "s" : ""} ${
          [...parts.keys()].map((k) => `"${module}${k}"`).join(", ")
        }` +
          `; expected an embedding [vocab, ${embed}], one recurrent layer and a linear layer [classes, ${hidden}] with its bias`,
      );
    }
  }
  const one = (found: string[], what: string, hint: string): Map<string, Tensor> => {
    if (found.length === 1) return modules.get(found[0]!)!;
    return fail(
      found.length === 0
        ? `no ${what}; ${hint}`
        : `cannot tell which of ${
          found.map((m) => `"${m}"`).join(", ")
        } is the ${what}; name them with --prefix-map`,
    );
  };
  const emb = one(
    embeddings,
    `embedding [vocab, ${embed}]`,
    "the blog's Embedding is a plain tensor missing from its state dict: pass it with --embedding FILE",
  );
  const lin = one(
    linears,
    `linear layer [classes, ${hidden}] with its bias`,
    "expected one after the recurrent layer",
  );
  return {
    embedding: [...emb.values()][0]!,
    linear: { weight: lin.get("weight")!, bias: lin.get("bias")! },
  };
}
