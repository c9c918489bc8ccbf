/**
 * Interventions during a forward pass: ablate hidden units, or override the state after a step.
 * Both are {@linkcode ForwardHooks}, which {@linkcode SeqClassifier} calls between the steps of
 * its recurrence while `model.hooks` is set (a forward pass without hooks pays nothing for them).
 * @module
 */

import type { ForwardHooks, SeqClassifier } from "../model/seq_classifier.ts";

/** Which state an ablation zeroes: the hidden state h, the LSTM's cell state c, or both. */
export type AblatedState = "h" | "c" | "both";

/**
 * Hooks that zero the hidden units `units` after every step (h, and for the LSTM also c, unless
 * `state` says otherwise), so that they carry nothing forward and the readout never sees them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ablateUnits, BOOK_MODEL, initParams, SeqClassifier, traceForward, withHooks } from "../../mod.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const trace = withHooks(model, ablateUnits([0, 5]), () => traceForward(model, new Int32Array([3, 4])));
 * assert.equal(trace.h[5], 0);
 * assert.equal(trace.c[32], 0);
 * assert.ok(trace.h[1] !== 0);
 * ```
 */
export function ablateUnits(units: Iterable<number>, state: AblatedState = "both"): ForwardHooks {
  const list = [...units];
  const zero = (x: Float32Array, B: number) => {
    const H = x.length / B;
    for (let b = 0; b < B; b++) for (const j of list) x[b * H + j] = 0;
  };
  return {
    afterStep(_t, h, c, B) {
      if (state !== "c") zero(h, B);
      if (c && state !== "h") zero(c, B);
    },
  };
}

/**
 * Hooks that, after step `t`, replace the state of every sequence of the batch by `h [H]` (and,
 * for the LSTM, `c [H]`): the rest of the sequence then runs from that state.
 *
 * @example Continue "3 4" from the state after the first digit of "9 …"
 * ```ts
 * import assert from "node:assert/strict";
 * import { BOOK_MODEL, initParams, overrideState, SeqClassifier, traceForward, withHooks } from "../../mod.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * initParams(model, { init: "torch", seed: 0 });
 * const nine = traceForward(model, new Int32Array([9]));
 * const hooks = overrideState(0, nine.h, nine.c);
 * const mixed = withHooks(model, hooks, () => traceForward(model, new Int32Array([3, 4])));
 * const plain = traceForward(model, new Int32Array([9, 4]));
 * assert.ok(mixed.logits.every((v, k) => v === plain.logits[k]));
 * ```
 */
export function overrideState(t: number, h: Float32Array, c?: Float32Array): ForwardHooks {
  return {
    afterStep(step, hs, cs, B) {
      if (step !== t) return;
      const H = hs.length / B;
      for (let b = 0; b < B; b++) {
        hs.set(h.subarray(0, H), b * H);
        if (cs && c) cs.set(c.subarray(0, H), b * H);
      }
    },
  };
}

/**
 * Run `fn` with `hooks` set on `model` (given several, each in turn after every step), then
 * restore the model's previous hooks, even when `fn` throws. `fn` is synchronous: an async one
 * would see the hooks only until its first `await`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ablateUnits, BOOK_MODEL, SeqClassifier, withHooks } from "../../mod.ts";
 * const model = new SeqClassifier(BOOK_MODEL);
 * withHooks(model, ablateUnits([1]), () => assert.notEqual(model.hooks, null));
 * assert.equal(model.hooks, null);
 * ```
 */
export function withHooks<R>(
  model: SeqClassifier,
  hooks: ForwardHooks | ForwardHooks[],
  fn: () => R,
): R {
  const list = Array.isArray(hooks) ? hooks : [hooks];
  const saved = model.hooks;
  model.hooks = {
    afterStep(t, h, c, B) {
      for (const hook of list) hook.afterStep(t, h, c, B);
    },
  };
  try {
    return fn();
  } finally {
    model.hooks = saved;
  }
}
