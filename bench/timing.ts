/**
 * Timing of our kernels for the bench: median milliseconds of a training step (forward +
 * cross-entropy + backward + Adam) and of a forward pass, on random digits.
 * @module
 */

import { MT19937 } from "../lib/data/mt19937.ts";
import { BOOK_MODEL, type CellKind } from "../lib/model/config.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { Adam } from "../lib/optim/adam.ts";

/** Median of the timings of `steps` calls of `fn` after `warmup` untimed ones. */
export function medianMs(fn: () => void, steps: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const times = new Float64Array(steps);
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    fn();
    times[i] = performance.now() - t0;
  }
  times.sort();
  return steps % 2 ? times[steps >> 1]! : (times[steps / 2 - 1]! + times[steps / 2]!) / 2;
}

function randomBatch(batch: number, length: number, seed: number) {
  const rng = new MT19937(seed);
  const digits = Int32Array.from({ length: batch * length }, () => rng.randint(0, 10));
  const labels = Int32Array.from({ length: batch }, () => rng.randint(0, 19));
  return { digits, labels };
}

/** Median ms of one training step of `cell` at batch 8 and `length`. */
export function trainStepMs(cell: CellKind, length: number, steps: number, warmup: number): number {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell });
  initParams(model, { init: "torch", seed: 0 });
  const adam = new Adam(model.params, model.grads);
  const { digits, labels } = randomBatch(8, length, 1);
  return medianMs(
    () => {
      model.zeroGrad();
      model.lossAndBackward(digits, labels, 8, length);
      adam.step();
    },
    steps,
    warmup,
  );
}

/** Median ms of one forward pass of `cell` over `batch` sequences of `length`. */
export function forwardMs(
  cell: CellKind,
  batch: number,
  length: number,
  steps: number,
  warmup: number,
): number {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell });
  initParams(model, { init: "torch", seed: 0 });
  const { digits } = randomBatch(batch, length, 2);
  return medianMs(() => model.forward(digits, batch, length), steps, warmup);
}
