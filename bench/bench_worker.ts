/// <reference lib="deno.worker" />
/**
 * One group of measurements in a fresh isolate, so that one cell's JIT state does not colour
 * another's: `{cell, kind: "train" | "forward", steps, warmup, rounds}` in, `{key: ms}` out.
 * @module
 */
import type { CellKind } from "../lib/model/config.ts";
import { forwardMs, trainStepMs } from "./timing.ts";

self.onmessage = (
  event: MessageEvent<
    { cell: CellKind; kind: "train" | "forward"; steps: number; warmup: number; rounds: number }
  >,
) => {
  const { cell, kind, steps, warmup, rounds } = event.data;
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
