/**
 * Timing of our kernels for the bench: milliseconds of a training step (forward + cross-entropy +
 * backward + Adam) and of a forward pass, on random digits — the lowest of several rounds' medians,
 * because this machine's noise comes in bursts that slow a whole round down.
 * @module
 */

import { MT19937 } from "../lib/data/mt19937.ts";
import { BOOK_MODEL, type CellKind } from "../lib/model/config.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { Adam } from "../lib/optim/adam.ts";
import { RecurrentThreads } from "../lib/nn/threads.ts";

/** Median of a list of timings (sorted in place). */
export function median(times: Float64Array): number {
  times.sort();
  const n = times.length;
  return n % 2 ? times[n >> 1]! : (times[n / 2 - 1]! + times[n / 2]!) / 2;
}

/**
 * After `warmup` untimed calls of `fn`, `rounds` rounds of `steps` timed calls: the lowest of the
 * rounds' medians, in milliseconds.
 */
export function medianMs(fn: () => void, steps: number, warmup: number, rounds: number): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  const times = new Float64Array(steps);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      fn();
      times[i] = performance.now() - t0;
    }
    best = Math.min(best, median(times));
  }
  return best;
}

function randomBatch(batch: number, length: number, seed: number) {
  const rng = new MT19937(seed);
  const digits = Int32Array.from({ length: batch * length }, () => rng.randint(0, 10));
  const labels = Int32Array.from({ length: batch }, () => rng.randint(0, 19));
  return { digits, labels };
}

/** Milliseconds of one training step of `cell` at batch 8 and `length` (see {@linkcode medianMs}). */
export function trainStepMs(
  cell: CellKind,
  length: number,
  steps: number,
  warmup: number,
  rounds: number,
): number {
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
    rounds,
  );
}

/** Milliseconds of one forward pass (`SeqClassifier.infer`, as evaluation runs it) of `cell` over `batch` sequences of `length`. */
export function forwardMs(
  cell: CellKind,
  batch: number,
  length: number,
  steps: number,
  warmup: number,
  rounds: number,
): number {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell });
  initParams(model, { init: "torch", seed: 0 });
  const { digits } = randomBatch(batch, length, 2);
  return medianMs(() => model.infer(digits, batch, length), steps, warmup, rounds);
}

/** How {@linkcode budgetMs} times a call: rounds, and how long and how often each round calls. */
export interface Budget {
  /** Rounds; the result is the lowest of their medians. */
  rounds: number;
  /** A round calls until this many milliseconds have passed ... */
  roundMs: number;
  /** ... and at least this many times. */
  minCalls: number;
}

/**
 * After untimed warm-up calls (for half a round, at least one, so that the JIT has compiled `fn`),
 * `rounds` rounds that each call `fn` until `roundMs` have passed (and at least `minCalls` times):
 * the lowest of the rounds' medians, in milliseconds. A budget in time rather than in calls lets
 * one protocol time 0.5 ms and 5 s calls alike.
 */
export function budgetMs(fn: () => void, { rounds, roundMs, minCalls }: Budget): number {
  const warm = performance.now();
  do fn(); while (performance.now() - warm < roundMs / 2);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const times: number[] = [];
    const start = performance.now();
    while (times.length < minCalls || performance.now() - start < roundMs) {
      const t0 = performance.now();
      fn();
      times.push(performance.now() - t0);
    }
    best = Math.min(best, median(Float64Array.from(times)));
  }
  return best;
}

/** One point of the scaling grid: a cell at a hidden size (embedding 32), length and batch. */
export interface GridPoint {
  cell: CellKind;
  hidden: number;
  length: number;
  batch: number;
}

/** A model of the book's shape (embedding 32) with `hidden` units; with `team`, two threads. */
function gridModel({ cell, hidden }: GridPoint, team: boolean): SeqClassifier {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell, hidden }, undefined, { shared: team });
  initParams(model, { init: "torch", seed: 0 });
  if (team) model.threads = new RecurrentThreads();
  return model;
}

/**
 * Milliseconds of a training step (forward + cross-entropy + backward + Adam) at a grid point;
 * with `team`, the recurrences on two threads ({@linkcode RecurrentThreads}).
 */
export function gridTrainMs(point: GridPoint, budget: Budget, team = false): number {
  const model = gridModel(point, team);
  const adam = new Adam(model.params, model.grads);
  const { digits, labels } = randomBatch(point.batch, point.length, 1);
  const ms = budgetMs(() => {
    model.zeroGrad();
    model.lossAndBackward(digits, labels, point.batch, point.length);
    adam.step();
  }, budget);
  model.threads?.close();
  return ms;
}

/** Milliseconds of a forward pass (`infer`) at a grid point (with `team`, on two threads). */
export function gridForwardMs(point: GridPoint, budget: Budget, team = false): number {
  const model = gridModel(point, team);
  const { digits } = randomBatch(point.batch, point.length, 2);
  const ms = budgetMs(() => model.infer(digits, point.batch, point.length), budget);
  model.threads?.close();
  return ms;
}
