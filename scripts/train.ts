/**
 * `deno task train`: the book's memory-capacity experiment — every (cell, length, seed) job
 * trained under the book's protocol across Web Workers, with resumable checkpoints, and the
 * book's results table at the end.
 */
import { join } from "node:path";
import {
  choiceFlag,
  choiceListFlag,
  floatFlag,
  intFlag,
  intListFlag,
  parseFlags,
  pathFlag,
  runMain,
} from "../lib/cli.ts";
import { UsageError } from "../lib/errors.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { CELL_KINDS } from "../lib/model/config.ts";
import { INIT_KINDS } from "../lib/model/init.ts";
import { jobConfigs, PRESETS } from "../lib/train/config.ts";
import { formatConfig, type RunConfig } from "../lib/run/config.ts";
import { checkRunFolder } from "../lib/run/read.ts";
import { type JobData, readJobData } from "../lib/train/job_data.ts";
import { parseShard, shardJobs } from "../lib/train/shard.ts";
import { trainRun } from "../lib/train/train_run.ts";
import { endShard, endTrainRun } from "./run_end.ts";
import {
  cellOptionsOf,
  INIT_FLAG_SPECS,
  INIT_FLAG_USAGE,
  initFlagOptions,
} from "../lib/train/init_flags.ts";

const USAGE = "deno task train [--preset recommended|book|blog] [--lengths 10,15,20,25,30,35] " +
  "[--cells lstm,gru,srn,irnn] [--seeds 0,1,2] [--epochs 500] [--lr 0.001] [--batch-size 8] [--embed 32] " +
  "[--hidden 32] [--init torch|xavier|zeros] [--forget-bias F] [--input-bias I] [--weight-decay W] [--clip C] " +
  "[--input-dropout P] " + INIT_FLAG_USAGE + " " +
  "[--shuffle | --no-shuffle] [--eval-steps 100] [--patience N] [--min-epochs M] [--data datasets] [--out runs/NAME] " +
  "[--workers N] [--resume] [--shard K/N]";

const BOOK_LENGTHS = [10, 15, 20, 25, 30, 35];

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, {
    preset: { type: "string" },
    lengths: { type: "string" },
    cells: { type: "string" },
    seeds: { type: "string" },
    epochs: { type: "string" },
    lr: { type: "string" },
    "batch-size": { type: "string" },
    embed: { type: "string" },
    hidden: { type: "string" },
    init: { type: "string" },
    "forget-bias": { type: "string" },
    "input-bias": { type: "string" },
    "weight-decay": { type: "string" },
    clip: { type: "string" },
    "input-dropout": { type: "string" },
    shuffle: { type: "boolean" },
    "no-shuffle": { type: "boolean" },
    "eval-steps": { type: "string" },
    patience: { type: "string" },
    "min-epochs": { type: "string" },
    data: { type: "string" },
    out: { type: "string" },
    workers: { type: "string" },
    resume: { type: "boolean" },
    shard: { type: "string" },
    ...INIT_FLAG_SPECS,
  });
  const presetName = choiceFlag(
    flags,
    "preset",
    ["recommended", "book", "blog"] as const,
    "recommended",
  );
  const preset = PRESETS[presetName];
  if (flags.shuffle && flags["no-shuffle"]) {
    throw new UsageError("--shuffle and --no-shuffle contradict each other");
  }
  const options = {
    epochs: intFlag(flags, "epochs", preset.epochs, 1, 1_000_000),
    batchSize: intFlag(flags, "batch-size", preset.batchSize, 1, 100_000),
    lr: floatFlag(flags, "lr", preset.lr, 0, 10),
    embed: intFlag(flags, "embed", preset.embed, 1, 4096),
    hidden: intFlag(flags, "hidden", preset.hidden, 1, 4096),
    init: choiceFlag(flags, "init", INIT_KINDS, preset.init),
    forgetBias: floatFlag(flags, "forget-bias", preset.forgetBias, -100, 100),
    inputBias: floatFlag(flags, "input-bias", preset.inputBias, -100, 100),
    weightDecay: floatFlag(flags, "weight-decay", preset.weightDecay, 0, 100),
    clip: floatFlag(flags, "clip", preset.clip, 0),
    inputDropout: floatFlag(flags, "input-dropout", preset.inputDropout, 0, 0.99),
    shuffle: flags.shuffle ? true : flags["no-shuffle"] ? false : preset.shuffle,
    evalSteps: intFlag(flags, "eval-steps", preset.evalSteps, 1),
    freezeEmbedding: preset.freezeEmbedding,
    patience: intFlag(flags, "patience", preset.patience, 0),
    minEpochs: intFlag(flags, "min-epochs", preset.minEpochs, 0),
    ...initFlagOptions(flags),
  };
  const lengths = intListFlag(flags, "lengths", BOOK_LENGTHS, 3, 100_000);
  const cells = choiceListFlag(flags, "cells", CELL_KINDS, ["lstm"]);
  const seeds = intListFlag(flags, "seeds", [0], 0, 0xffffffff);
  const dataDir = pathFlag(flags, "data", "datasets");
  const out = pathFlag(flags, "out", defaultOut());
  const workers = intFlag(flags, "workers", navigator.hardwareConcurrency, 1, 256);
  const resume = flags.resume === true;
  const shard = flags.shard === undefined ? undefined : parseShard(pathFlag(flags, "shard"));

  // Read every data set first: a bad file stops the run before anything is written.
  const data = new Map<number, JobData>();
  for (const length of lengths) data.set(length, await readJobData(dataDir, length));

  const runConfig: RunConfig = {
    preset: presetName,
    ...options,
    cells,
    lengths,
    seeds,
    data: dataDir,
  };
  // shards may share one folder: the run's config.json is the same for all of them
  await checkRunFolder(out, runConfig, resume || shard !== undefined);
  await writeFileAtomic(join(out, "config.json"), formatConfig(runConfig));

  const configs = jobConfigs(cells, lengths, seeds, options, cellOptionsOf(flags));
  const mine = shard ? shardJobs(configs, shard) : configs;
  const note = shard ? `shard ${shard.index}/${shard.count} of ${configs.length} jobs` : "";
  const { finished, interrupted } = await trainRun(mine, data, out, { workers, resume }, note);
  if (interrupted) return 130;
  if (shard) return endShard(shard, out, finished);
  return await endTrainRun(out, finished);
});

function defaultOut(): string {
  const now = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return join("runs", `train-${now}`);
}
