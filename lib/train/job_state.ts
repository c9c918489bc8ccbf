/**
 * A job's `last.safetensors`: the parameters, Adam's moments (`optim.exp_avg.<name>`,
 * `optim.exp_avg_sq.<name>`) and, as JSON in the metadata key `lstm_lab_state`, the step, the
 * generators' states, the best dev accuracy so far and the wall time — everything a killed job
 * needs to resume and end with the same bytes.
 * @module
 */

import type { MT19937, MT19937State } from "../data/mt19937.ts";
import { UserError } from "../errors.ts";
import { checkpointBytes, modelFromCheckpointBytes } from "../io/checkpoint.ts";
import type { SeqClassifier } from "../model/seq_classifier.ts";
import type { Adam } from "../optim/adam.ts";
import type { JobConfig } from "../run/config.ts";
import type { JobFolder } from "./job_folder.ts";

/** What `last.safetensors` stores besides the tensors, as JSON in `lstm_lab_state`. */
export interface JobState {
  step: number;
  adamStep: number;
  /** Generator state at the start of the epoch that holds step + 1. */
  epochRng: MT19937State;
  /** The input-dropout generator's state after `step`. */
  dropoutRng: MT19937State;
  bestDevAcc: number;
  bestStep: number;
  /** Evaluations since the best one (early stopping). */
  evalsWithoutGain: number;
  wallS: number;
}

const STATE_KEY = "lstm_lab_state";

/** The bytes of `last.safetensors`: `model`'s parameters, `adam`'s moments and `state`. */
export function lastCheckpointBytes(
  model: SeqClassifier,
  adam: Adam,
  trainable: number,
  state: JobState,
  config: JobConfig,
): Uint8Array {
  return checkpointBytes(model, {
    metadata: { [STATE_KEY]: state, lstm_lab_train: config },
    extra: optimizerTensors(model, adam, trainable),
  });
}

/** Adam's moments as extra tensors `optim.exp_avg.<name>` / `optim.exp_avg_sq.<name>`. */
function optimizerTensors(model: SeqClassifier, adam: Adam, trainable: number) {
  const tensors: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const spec of model.specs) {
    if (spec.offset < trainable) continue;
    const at = spec.offset - trainable;
    tensors.push([`optim.exp_avg.${spec.name}`, {
      shape: spec.shape,
      data: adam.m.subarray(at, at + spec.size),
    }]);
    tensors.push([`optim.exp_avg_sq.${spec.name}`, {
      shape: spec.shape,
      data: adam.v.subarray(at, at + spec.size),
    }]);
  }
  return tensors;
}

/** Load `last.safetensors` of `folder` into `model`, `adam` and `rng`; return the stored state. */
export function restoreLastCheckpoint(
  folder: JobFolder,
  model: SeqClassifier,
  adam: Adam,
  rng: MT19937,
): JobState {
  const path = folder.path("last.safetensors");
  const loaded = modelFromCheckpointBytes(folder.readBytes("last.safetensors")!, path);
  const raw = loaded.metadata[STATE_KEY];
  if (raw === undefined) {
    throw new UserError(
      `${path}: no ${STATE_KEY} in the metadata; expected a last.safetensors written by training`,
    );
  }
  const state = parseJobState(raw, path);
  model.params.set(loaded.model.params);
  const trainable = model.params.length - adam.m.length;
  for (const spec of model.specs) {
    if (spec.offset < trainable) continue;
    for (
      const [prefix, target] of [["optim.exp_avg.", adam.m], ["optim.exp_avg_sq.", adam.v]] as const
    ) {
      const tensor = loaded.extra.get(prefix + spec.name);
      if (!tensor || tensor.data.length !== spec.size) {
        throw new UserError(
          `${path}: tensor "${prefix}${spec.name}" is missing; expected Adam's state`,
        );
      }
      target.set(tensor.data, spec.offset - trainable);
    }
  }
  adam.t = state.adamStep;
  rng.setState(state.epochRng);
  return state;
}

/** The training state stored in `path`'s metadata, checked field by field. */
function parseJobState(raw: string, path: string): JobState {
  const bad = (what: string): never => {
    throw new UserError(`${path}: ${STATE_KEY} ${what}; expected the state written by training`);
  };
  let state: Record<string, unknown> = {};
  try {
    state = JSON.parse(raw);
  } catch {
    bad("is not valid JSON");
  }
  if (state === null || typeof state !== "object") bad("is not a JSON object");
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  for (const key of ["step", "adamStep", "bestStep", "evalsWithoutGain"]) {
    if (!count(state[key])) bad(`field "${key}" is not a whole number`);
  }
  // bestDevAcc is NaN (stored as null) before the first evaluation
  if (typeof state.bestDevAcc !== "number" && state.bestDevAcc !== null) {
    bad('field "bestDevAcc" is not a number');
  }
  if (typeof state.wallS !== "number") bad('field "wallS" is not a number');
  for (const key of ["epochRng", "dropoutRng"]) {
    const rng = state[key] as Partial<MT19937State> | null;
    const gauss = rng?.gauss;
    if (
      !Array.isArray(rng?.key) || rng.key.length !== 624 ||
      !rng.key.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) ||
      !(Number.isInteger(rng.pos) && rng.pos! >= 0 && rng.pos! <= 624) ||
      !(gauss === undefined || gauss === null || typeof gauss === "number")
    ) {
      bad(`field "${key}" is not a generator state`);
    }
  }
  return state as unknown as JobState;
}

/** The parameters of a checkpoint in `folder` (the best one, when resuming). */
export function loadParams(folder: JobFolder, name: string): Float32Array {
  const path = folder.path(name);
  const bytes = folder.readBytes(name);
  if (bytes === null) throw new UserError(`${path} is missing; expected the best checkpoint`);
  return modelFromCheckpointBytes(bytes, path).model.params;
}
