/// <reference lib="deno.worker" />
/**
 * One group of measurements in a fresh isolate, so that one cell's JIT state does not colour
 * another's. `{cell, kind: "train" | "forward", steps, warmup, rounds}` in, `{key: ms}` out; or
 * `{kind: "scaling", points, budget, team}` in, `[train_ms, forward_ms]` a point out (with `team`
 * also the two on two threads, `[…, team_train_ms, team_forward_ms]`).
 * @module
 */
import type { CellKind } from "../lib/model/config.ts";
import { CELLS } from "../lib/nn/cells.ts";
import {
  type Budget,
  forwardMs,
  gridForwardMs,
  type GridPoint,
  gridTrainMs,
  trainStepMs,
} from "./timing.ts";

type Request =
  | { cell: CellKind; kind: "train" | "forward"; steps: number; warmup: number; rounds: number }
  | { kind: "scaling"; points: GridPoint[]; budget: Budget; team: boolean };

self.onmessage = (event: MessageEvent<Request>) => {
  const request = event.data;
  if (request.kind === "scaling") {
    const { points, budget, team } = request;
    self.postMessage(points.map((p) => {
      const one = [gridTrainMs(p, budget), gridForwardMs(p, budget)];
      const two = team && CELLS[p.cell].split !== null
        ? [gridTrainMs(p, budget, true), gridForwardMs(p, budget, true)]
        : [];
      return [...one, ...two];
    }));
    return;
  }
  const { cell, kind, steps, warmup, rounds } = request;
  const out: Record<string, number> = {};
  if (kind === "train") {
    for (const length of [10, 20, 35]) {
      out[String(length)] = trainStepMs(cell, length, steps, warmup, rounds);
    }
  } else {
    for (const batch of [1, 8, 100]) {
      out[`b${batch}`] = forwardMs(cell, batch, 35, steps, warmup, rounds);
    }
  }
  self.postMessage(out);
};
