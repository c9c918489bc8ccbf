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

/** A model of the book's shape with `cell` and `hidden` units, initialised as training does; with `team`, on two threads. */
function benchModel(cell: CellKind, hidden: number, team = false): SeqClassifier {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell, hidden }, undefined, { shared: team });
  initParams(model, { init: "torch", seed: 0 });
  if (team) model.threads = new RecurrentThreads();
  return model;
}

/** One training step (forward + cross-entropy + backward + Adam) of `model` on a random batch. */
function trainCall(model: SeqClassifier, batch: number, length: number): () => void {
  const adam = new Adam(model.params, model.grads);
  const { digits, labels } = randomBatch(batch, length, 1);
  return () => {
    model.zeroGrad();
    model.lossAndBackward(digits, labels, batch, length);
    adam.step();
  };
}

/** One forward pass (`SeqClassifier.infer`, as evaluation runs it) of `model` on a random batch. */
function forwardCall(model: SeqClassifier, batch: number, length: number): () => void {
  const { digits } = randomBatch(batch, length, 2);
  return () => model.infer(digits, batch, length);
}

/** Milliseconds of one training step of `cell` at batch 8 and `length` (see {@linkcode medianMs}). */
export function trainStepMs(
  cell: CellKind,
  length: number,
  steps: number,
  warmup: number,
  rounds: number,
): number {
  const call = trainCall(benchModel(cell, BOOK_MODEL.hidden), 8, length);
  return medianMs(call, steps, warmup, rounds);
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
  const call = forwardCall(benchModel(cell, BOOK_MODEL.hidden), batch, length);
  return medianMs(call, steps, warmup, rounds);
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

/**
 * Milliseconds of a training step (forward + cross-entropy + backward + Adam) at a grid point;
 * with `team`, the recurrences on two threads ({@linkcode RecurrentThreads}).
 */
export function gridTrainMs(point: GridPoint, budget: Budget, team = false): number {
  const model = benchModel(point.cell, point.hidden, team);
  const ms = budgetMs(trainCall(model, point.batch, point.length), budget);
  model.threads?.close();
  return ms;
}

/** Milliseconds of a forward pass (`infer`) at a grid point (with `team`, on two threads). */
export function gridForwardMs(point: GridPoint, budget: Budget, team = false): number {
  const model = benchModel(point.cell, point.hidden, team);
  const ms = budgetMs(forwardCall(model, point.batch, point.length), budget);
  model.threads?.close();
  return ms;
}
