/**
 * Bare training steps (forward, BPTT, Adam; no evaluation, no checkpoint) of the recommended LSTM
 * on the book's training data of one length, timed: what bench/web_lab.ts runs in Deno, on the
 * page's main thread and in a page's worker, to tell the kernels' speed from the job's.
 * @module
 */
import { batches } from "../lib/data/batches.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { Adam } from "../lib/optim/adam.ts";
import {
  initOptionsOf,
  jobConfigs,
  modelConfigOf,
  RECOMMENDED_PRESET,
} from "../lib/train/config.ts";
import { bookData } from "../web/src/data.ts";

/** ms a step over `steps` steps at `length`, after 50 steps of warm-up. */
export function bareStepMs(length: number, steps: number): number {
  const config = jobConfigs(["lstm"], [length], [0], RECOMMENDED_PRESET)[0]!;
  const model = new SeqClassifier(modelConfigOf(config));
  initParams(model, initOptionsOf(config));
  const adam = new Adam(model.params, model.grads, { lr: config.lr });
  const all = [...batches(bookData(length).train, config.batchSize)];
  let started = 0;
  for (let i = 0; i < steps + 50; i++) {
    if (i === 50) started = performance.now();
    const batch = all[i % all.length]!;
    model.zeroGrad();
    model.lossAndBackward(batch.digits, batch.labels, batch.size, length);
    adam.step();
  }
  return (performance.now() - started) / steps;
}

(globalThis as unknown as { bareStepMs: typeof bareStepMs }).bareStepMs = bareStepMs;
