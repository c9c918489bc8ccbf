/**
 * A second thread for one model's recurrent kernels. The batch rows of a recurrence are
 * independent, so the calling thread runs rows [0, B/2) while a helper worker runs [B/2, B),
 * both over the same `SharedArrayBuffer`s; the weight gradient dW_hh is then split by its rows.
 * Every output element is still computed by one thread as one sum in the same order, so the
 * results are bit-identical to one thread. Three hand-overs a training step (forward, backward,
 * weights), each one `Atomics.notify` and one `Atomics.wait`.
 * @module
 */

import { CELL_KINDS, type CellBuffers, type CellKind, CELLS } from "./cells.ts";
import { transpose } from "./matmul.ts";
import {
  BACKWARD,
  CLOSE,
  FORWARD,
  INFER,
  REBIND,
  runPart,
  SLOTS,
  WEIGHTS,
} from "./threads_part.ts";

const { SEQ, DONE, OP, CELL, T: T_, B: B_, H: H_, LO, HI, FAILED } = SLOTS;

/**
 * The least work a time step (B·G·H² multiply-adds, G gates) must have for a second thread to
 * pay: `deno run --allow-read bench/threads_pay.ts`, twice on a quiet machine (docs/speed.md),
 * measured 1.14–1.39× at 24,576 and 32,768 (the GRU and LSTM at hidden 32, batch 8) and
 * 1.41–1.67× at hidden 64, but 0.64–1.02× from 6,144 to 18,432.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { THREADS_MIN_WORK } from "./threads.ts";
 * assert.equal(THREADS_MIN_WORK, 8 * 3 * 32 * 32); // the GRU at hidden 32, batch 8
 * ```
 */
export const THREADS_MIN_WORK = 24_576;

/**
 * Whether a recurrence is worth splitting across two threads: a cell whose backward splits (the
 * LSTM and GRU; `split` in {@linkcode CELLS}), a batch of 2 or more, and at least `minWork`
 * multiply-adds a time step (B·G·H²; default {@linkcode THREADS_MIN_WORK}): the book's hidden 32
 * at batch 8 and up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { threadsPay } from "./threads.ts";
 * assert.equal(threadsPay("lstm", 8, 16), false);
 * assert.equal(threadsPay("lstm", 8, 32), true);
 * assert.equal(threadsPay("gru", 4, 32), false);
 * assert.equal(threadsPay("gru", 8, 256), true);
 * assert.equal(threadsPay("srn", 100, 256), false); // the SRN's backward does not split
 * ```
 */
export function threadsPay(
  cell: CellKind,
  B: number,
  H: number,
  minWork = THREADS_MIN_WORK,
): boolean {
  const { split, gates } = CELLS[cell];
  return split !== null && B >= 2 && B * gates * H * H >= minWork;
}

/** Options of the {@linkcode RecurrentThreads} constructor. */
export interface RecurrentThreadsOptions {
  /** Split only recurrences with at least this much work a step (default {@linkcode THREADS_MIN_WORK}). */
  minWork?: number;
}

/**
 * Two threads for one model's LSTM or GRU recurrences; see the module doc. Create it once, pass
 * it to {@linkcode SeqClassifier} (`model.threads`), and {@linkcode RecurrentThreads.close} it when
 * done.
 *
 * @example The same logits on two threads as on one
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
 * import { RecurrentThreads } from "./threads.ts";
 * const model = new SeqClassifier(BOOK_MODEL, undefined, { shared: true });
 * initParams(model, { init: "torch", seed: 0 });
 * const digits = Int32Array.from({ length: 8 * 5 }, (_, k) => k % 10); // B = 8, T = 5
 * const one = Array.from(model.forward(digits, 8, 5));
 * const threads = new RecurrentThreads();
 * model.threads = threads;
 * const two = Array.from(model.forward(digits, 8, 5));
 * threads.close();
 * assert.deepEqual(two, one);
 * ```
 */
export class RecurrentThreads {
  readonly #ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
  readonly #worker: Worker;
  #bound: CellBuffers | null = null;
  #closed = false;
  /** The least work a time step needs for these threads to split it (B·G·H² multiply-adds). */
  readonly minWork: number;

  /** Start the helper worker; `options.minWork` sets where the threads split (see `pays`). */
  constructor(options: RecurrentThreadsOptions = {}) {
    this.minWork = options.minWork ?? THREADS_MIN_WORK;
    this.#worker = new Worker(new URL("./threads_worker.ts", import.meta.url), { type: "module" });
    this.#worker.postMessage({ type: "init", ctrl: this.#ctrl });
  }

  /** Send the arrays to the helper when they are not the ones it holds. */
  #bind(buffers: CellBuffers): void {
    const bound = this.#bound;
    if (bound === buffers) return;
    if (
      bound && (Object.keys(buffers) as (keyof CellBuffers)[]).every((k) => bound[k] === buffers[k])
    ) {
      this.#bound = buffers;
      return;
    }
    for (const [name, a] of Object.entries(buffers)) {
      if (a.length > 0 && !(a.buffer instanceof SharedArrayBuffer)) {
        throw new TypeError(`RecurrentThreads: ${name} is not over a SharedArrayBuffer`);
      }
    }
    const seq = this.#signal(REBIND); // the helper leaves its wait loop to read the message
    this.#worker.postMessage({ type: "bind", buffers });
    this.#wait(seq);
    this.#bound = buffers;
  }

  #signal(op: number, cell = 0, T = 0, B = 0, H = 0, lo = 0, hi = 0): number {
    if (this.#closed) throw new Error("RecurrentThreads: used after close()");
    const c = this.#ctrl;
    c[OP] = op;
    c[CELL] = cell;
    c[T_] = T;
    c[B_] = B;
    c[H_] = H;
    c[LO] = lo;
    c[HI] = hi;
    const seq = Atomics.add(c, SEQ, 1) + 1;
    Atomics.notify(c, SEQ);
    return seq;
  }

  #wait(seq: number): void {
    const c = this.#ctrl;
    for (let spin = 0; spin < 200 && Atomics.load(c, DONE) !== seq; spin++);
    for (let done = Atomics.load(c, DONE); done !== seq; done = Atomics.load(c, DONE)) {
      Atomics.wait(c, DONE, done, 60_000);
    }
    if (Atomics.load(c, FAILED) !== 0) {
      throw new Error("RecurrentThreads: the helper thread failed (see its error above)");
    }
  }

  /** Run one phase: the helper takes [mid, end), this thread [0, mid). */
  #split(op: number, kind: CellKind, b: CellBuffers, T: number, B: number, H: number): void {
    this.#bind(b);
    const cell = CELLS[kind];
    let mid: number, end: number;
    if (op === WEIGHTS) {
      end = cell.gates * H;
      mid = 3 * Math.round(end / 6); // the product's blocks are 3 rows high
    } else {
      end = B;
      mid = B >> 1;
    }
    const seq = this.#signal(op, CELL_KINDS.indexOf(kind), T, B, H, mid, end);
    runPart(op, cell, b, T, B, H, 0, mid);
    this.#wait(seq);
  }

  /** The forward recurrence over T steps of a batch of B, split by batch rows. */
  forward(cell: CellKind, b: CellBuffers, T: number, B: number, H: number): void {
    this.#split(FORWARD, cell, b, T, B, H);
  }

  /**
   * Whether these threads split a recurrence of `cell` over a batch of B at hidden H:
   * {@linkcode threadsPay} with their `minWork`.
   */
  pays(cell: CellKind, B: number, H: number): boolean {
    return threadsPay(cell, B, H, this.minWork);
  }

  /** The inference forward (`lstmInfer`, `gruInfer`) over T steps of a batch of B, split by rows. */
  infer(cell: CellKind, b: CellBuffers, T: number, B: number, H: number): void {
    this.#split(INFER, cell, b, T, B, H);
  }

  /** The backward recurrence and dW_hh (and the GRU's db_hh): as the one-thread backward. */
  backward(cell: CellKind, b: CellBuffers, T: number, B: number, H: number): void {
    transpose(b.whhT, b.whh, 0, CELLS[cell].gates * H, H);
    this.#split(BACKWARD, cell, b, T, B, H);
    this.#split(WEIGHTS, cell, b, T, B, H);
  }

  /** Stop the helper thread. */
  close(): void {
    if (this.#closed) return;
    this.#signal(CLOSE);
    this.#closed = true;
    this.#worker.terminate();
  }
}
