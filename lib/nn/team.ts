/**
 * A second thread for one model's recurrent kernels. The batch rows of a recurrence are
 * independent, so the calling thread runs rows [0, B/2) while a helper worker runs [B/2, B),
 * both over the same `SharedArrayBuffer`s; the weight gradient dW_hh is then split by its rows.
 * Every output element is still computed by one thread as one sum in the same order, so the
 * results are bit-identical to one thread. Three hand-overs a training step (forward, backward,
 * weights), each one `Atomics.notify` and one `Atomics.wait`.
 * @module
 */

import { transpose } from "./matmul.ts";
import {
  BACKWARD,
  CLOSE,
  FORWARD,
  INFER,
  REBIND,
  runPart,
  SLOTS,
  type TeamBuffers,
  type TeamCell,
  WEIGHTS,
} from "./team_part.ts";

export type { TeamBuffers, TeamCell } from "./team_part.ts";

const { SEQ, DONE, OP, CELL, T: T_, B: B_, H: H_, LO, HI, FAILED } = SLOTS;

/**
 * The least work a time step (B·G·H² multiply-adds, G = 4 or 3 gates) must have for a second thread
 * to pay: `deno run --allow-read bench/team_pays.ts`, twice on a quiet machine (2026-12-02, 04:38
 * UTC, docs/speed.md), measured 1.14–1.39× at 24,576 and 32,768 (the GRU and LSTM at hidden 32,
 * batch 8) and 1.41–1.67× at hidden 64, but 0.64–1.02× from 6,144 to 18,432.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TEAM_MIN_WORK } from "./team.ts";
 * assert.equal(TEAM_MIN_WORK, 8 * 3 * 32 * 32); // the GRU at hidden 32, batch 8
 * ```
 */
export const TEAM_MIN_WORK = 24_576;

/**
 * Whether a recurrence is worth splitting: an LSTM or GRU of a batch of 2 or more with at least
 * `minWork` multiply-adds a time step (B·G·H²; default {@linkcode TEAM_MIN_WORK}): the book's
 * hidden 32 at batch 8 and up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { teamPays } from "./team.ts";
 * assert.equal(teamPays("lstm", 8, 16), false);
 * assert.ok(teamPays("lstm", 8, 32));
 * assert.equal(teamPays("gru", 4, 32), false);
 * assert.ok(teamPays("gru", 8, 256));
 * assert.equal(teamPays("srn", 100, 256), false);
 * ```
 */
export function teamPays(cell: string, B: number, H: number, minWork = TEAM_MIN_WORK): boolean {
  const gates = cell === "lstm" ? 4 : cell === "gru" ? 3 : 0;
  return gates > 0 && B >= 2 && B * gates * H * H >= minWork;
}

/** Options of the {@linkcode RecurrentTeam} constructor. */
export interface RecurrentTeamOptions {
  /** Split only recurrences with at least this much work a step (default {@linkcode TEAM_MIN_WORK}). */
  minWork?: number;
}

/**
 * Two threads for one model's LSTM or GRU recurrences; see the module doc. Create it once, pass
 * it to {@linkcode SeqClassifier} (`model.team`), and {@linkcode RecurrentTeam.close} it when done.
 *
 * @example The same logits on two threads as on one
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, SeqClassifier } from "../../mod.ts";
 * import { RecurrentTeam } from "./team.ts";
 * const model = new SeqClassifier(BOOK_MODEL, undefined, { shared: true });
 * initParams(model, { init: "torch", seed: 0 });
 * const digits = Int32Array.from({ length: 8 * 5 }, (_, k) => k % 10); // B = 8, T = 5
 * const one = Array.from(model.forward(digits, 8, 5));
 * model.team = new RecurrentTeam();
 * const two = Array.from(model.forward(digits, 8, 5));
 * model.team.close();
 * assert.ok(one.every((v, k) => v === two[k]));
 * ```
 */
export class RecurrentTeam {
  readonly #ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
  readonly #worker: Worker;
  #bound: TeamBuffers | null = null;
  #closed = false;
  /** The least work a time step needs for this team to split it (B·G·H² multiply-adds). */
  readonly minWork: number;

  /** Start the helper worker; `options.minWork` sets where the team splits (see `pays`). */
  constructor(options: RecurrentTeamOptions = {}) {
    this.minWork = options.minWork ?? TEAM_MIN_WORK;
    this.#worker = new Worker(new URL("./team_worker.ts", import.meta.url), { type: "module" });
    this.#worker.postMessage({ type: "init", ctrl: this.#ctrl });
  }

  /** Send the arrays to the helper when they are not the ones it holds. */
  #bind(buffers: TeamBuffers): void {
    const bound = this.#bound;
    if (bound === buffers) return;
    if (
      bound && (Object.keys(buffers) as (keyof TeamBuffers)[]).every((k) => bound[k] === buffers[k])
    ) {
      this.#bound = buffers;
      return;
    }
    for (const [name, a] of Object.entries(buffers)) {
      if (a.length > 0 && !(a.buffer instanceof SharedArrayBuffer)) {
        throw new TypeError(`RecurrentTeam: ${name} is not over a SharedArrayBuffer`);
      }
    }
    const seq = this.#signal(REBIND); // the helper leaves its wait loop to read the message
    this.#worker.postMessage({ type: "bind", buffers });
    this.#wait(seq);
    this.#bound = buffers;
  }

  #signal(op: number, cell = 0, T = 0, B = 0, H = 0, lo = 0, hi = 0): number {
    if (this.#closed) throw new Error("RecurrentTeam: used after close()");
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
      throw new Error("RecurrentTeam: the helper thread failed (see its error above)");
    }
  }

  /** Run one phase: the helper takes [mid, end), this thread [0, mid). */
  #split(op: number, cell: TeamCell, b: TeamBuffers, T: number, B: number, H: number): void {
    this.#bind(b);
    let mid: number, end: number;
    if (op === WEIGHTS) {
      end = (cell === "lstm" ? 4 : 3) * H;
      mid = 3 * Math.round(end / 6); // the product's blocks are 3 rows high
    } else {
      end = B;
      mid = B >> 1;
    }
    const seq = this.#signal(op, cell === "lstm" ? 0 : 1, T, B, H, mid, end);
    runPart(op, cell, b, T, B, H, 0, mid);
    this.#wait(seq);
  }

  /** The forward recurrence over T steps of a batch of B, split by batch rows. */
  forward(cell: TeamCell, b: TeamBuffers, T: number, B: number, H: number): void {
    this.#split(FORWARD, cell, b, T, B, H);
  }

  /**
   * Whether this team splits a recurrence of `cell` over a batch of B at hidden H:
   * {@linkcode teamPays} with the team's `minWork`.
   */
  pays(cell: string, B: number, H: number): boolean {
    return teamPays(cell, B, H, this.minWork);
  }

  /** The inference forward (`lstmInfer`, `gruInfer`) over T steps of a batch of B, split by rows. */
  infer(cell: TeamCell, b: TeamBuffers, T: number, B: number, H: number): void {
    this.#split(INFER, cell, b, T, B, H);
  }

  /** The backward recurrence and dW_hh (and the GRU's db_hh): as the one-thread backward. */
  backward(cell: TeamCell, b: TeamBuffers, T: number, B: number, H: number): void {
    const G = (cell === "lstm" ? 4 : 3) * H;
    transpose(b.whhT, b.whh, 0, G, H);
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
