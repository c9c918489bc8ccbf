/// <reference lib="deno.worker" />
/**
 * The helper thread of {@linkcode RecurrentThreads}: it waits on the shared control block, runs its
 * part of each phase and reports back. A `bind` message brings new arrays; `init` the control
 * block.
 * @module
 */

import { CELL_KINDS, type CellBuffers, CELLS } from "./cells.ts";
import { CLOSE, REBIND, runPart, SLOTS } from "./threads_part.ts";

let ctrl: Int32Array | null = null;
let buffers: CellBuffers | null = null;

/** Wait for commands and run them until a REBIND (a message is waiting) or CLOSE. */
function serve(c: Int32Array, b: CellBuffers): void {
  let seen = Atomics.load(c, SLOTS.DONE);
  for (;;) {
    while (Atomics.load(c, SLOTS.SEQ) === seen) Atomics.wait(c, SLOTS.SEQ, seen, 60_000);
    const seq = Atomics.load(c, SLOTS.SEQ);
    const op = c[SLOTS.OP]!;
    if (op === REBIND) return;
    if (op === CLOSE) {
      self.close();
      return;
    }
    try {
      const cell = CELLS[CELL_KINDS[c[SLOTS.CELL]!]!];
      runPart(op, cell, b, c[SLOTS.T]!, c[SLOTS.B]!, c[SLOTS.H]!, c[SLOTS.LO]!, c[SLOTS.HI]!);
    } catch (err) {
      console.error(err);
      Atomics.store(c, SLOTS.FAILED, 1);
    }
    seen = seq;
    Atomics.store(c, SLOTS.DONE, seq);
    Atomics.notify(c, SLOTS.DONE);
  }
}

self.onmessage = (event: MessageEvent) => {
  const msg = event.data;
  if (msg.type === "init") {
    ctrl = msg.ctrl as Int32Array;
    return;
  }
  buffers = msg.buffers as CellBuffers;
  const c = ctrl!;
  const seq = Atomics.load(c, SLOTS.SEQ); // the REBIND that announced this message
  Atomics.store(c, SLOTS.DONE, seq);
  Atomics.notify(c, SLOTS.DONE);
  serve(c, buffers);
};
