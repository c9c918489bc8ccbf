/**
 * `deno task merge [--out runs/ALL] runs/part-1 runs/part-2 …`: one run folder from the folders
 * of a run's shards (`train`/`capacity --shard K/N`), or `deno task merge runs/shared` for shards
 * that shared one folder: checks that they are shards of one run and that every job finished,
 * copies the job folders into `--out` (default: the only folder given), and writes what the
 * unsharded run would have: `summary.csv`/`summary.json` and the book's table for `train`,
 * `capacity.csv`, `capacity.md` and the capacity figure for `capacity`.
 */
import { runMain } from "../lib/cli.ts";
import { UsageError } from "../lib/errors.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import type { CapacitySettings } from "../lib/train/run_outputs.ts";
import { mergeRuns } from "../lib/train/shard.ts";
import { endCapacityRun, endTrainRun } from "./run_end.ts";

/** The declaration of `deno task merge`. */
const MERGE = {
  name: "deno task merge",
  flags: declareFlags({
    out: {
      type: "path",
      arg: "runs/ALL",
      help: "the merged run folder (default: the only folder given)",
    },
  }),
  positionals: "RUN_FOLDER…",
} as const;

await runMain(MERGE, async ({ flags, positionals: inputs }) => {
  let out = flags.out;
  if (inputs.length === 0) throw new UsageError("name the shards' run folders to merge");
  if (out === undefined) {
    if (inputs.length > 1) throw new UsageError("--out is required to merge several folders");
    out = inputs[0]!;
  }
  const { config, results } = await mergeRuns(inputs, out);
  console.log(`merged ${results.length} job(s) from ${inputs.join(", ")} into ${out}/`);
  if (config.study === "capacity") {
    return await endCapacityRun(out, results, config as CapacitySettings);
  }
  return await endTrainRun(out, results);
});
