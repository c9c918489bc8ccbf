/**
 * How the training scripts end a run (not a task of its own): `train`, `capacity` and `merge`
 * write the run's closing files through lib/train/run_outputs.ts, then print the tables and the
 * files written, and exit 1 when a job diverged. Only `capacity` draws (its figure), so only it
 * loads the plotting stack.
 */
import { join } from "node:path";
import type { JobResult } from "../lib/run/result.ts";
import { sortJobs } from "../lib/run/job_name.ts";
import {
  type CapacitySettings,
  divergedMessages,
  writeCapacityOutputs,
  writeTrainOutputs,
} from "../lib/train/run_outputs.ts";
import type { Shard } from "../lib/train/shard.ts";
import { bookTable } from "../lib/train/summary.ts";
import { lossRatio, taskTable } from "../lib/train/task_summary.ts";

/** Print each diverged job's message on stderr; the exit code: 1 when any diverged. */
export function reportDiverged(results: readonly JobResult[]): number {
  const messages = divergedMessages(results);
  for (const message of messages) console.error(`error: ${message}`);
  return messages.length > 0 ? 1 : 0;
}

/**
 * summary.csv and summary.json (and a task run's tasks.csv), the book's table or the task's on
 * stdout; the exit code.
 */
export async function endTrainRun(out: string, finished: readonly JobResult[]): Promise<number> {
  const [csv, json, tasks] = await writeTrainOutputs(out, finished);
  const generated = finished.filter((r) => r.task !== undefined);
  console.log(generated.length > 0 ? taskTable(generated) : bookTable(sortJobs(finished)));
  console.log(`wrote ${csv}${tasks ? `, ${tasks}` : ""} and ${json}`);
  return reportDiverged(sortJobs(finished));
}

/**
 * capacity.csv (a task study's tasks.csv), the capacity figure and capacity.md, the markdown on
 * stdout; the exit code.
 */
export async function endCapacityRun(
  out: string,
  finished: readonly JobResult[],
  settings: CapacitySettings,
): Promise<number> {
  const { markdown, files } = await writeCapacityOutputs(out, finished, settings);
  // the renderer (Vega, resvg) loads here, when a figure is drawn: `train` never loads it
  const { capacitySpec, taskCapacitySpec } = await import("../lib/plot/capacity_spec.ts");
  const { writeFigure } = await import("../lib/plot/render.ts");
  const figureBase = join(out, "figures", "capacity");
  const rows = sortJobs(finished);
  const { task, gateInit } = settings;
  const spec = task
    ? taskCapacitySpec(rows.map((r) => ({ ...r, ratio: lossRatio(r) })), { task, gateInit })
    : capacitySpec(rows, { gateInit });
  const figure = await writeFigure(spec, figureBase);
  for (const w of figure.warnings) console.error(`note: capacity figure: ${w}`);
  console.log(markdown);
  console.log(`wrote ${files[0]}, ${files[1]} and ${figureBase}.svg/.png`);
  return reportDiverged(finished);
}

/**
 * What a shard prints when its jobs are done (no summary: that needs every shard); the exit code,
 * 1 when one of its jobs diverged.
 */
export function endShard(shard: Shard, out: string, finished: readonly JobResult[]): number {
  console.log(
    `shard ${shard.index}/${shard.count}: ${finished.length} job(s) finished in ${out}/; once every ` +
      `shard is done: deno task merge --out runs/NAME <the shards' folders> ` +
      `(or deno task merge ${out} when they share it)`,
  );
  return reportDiverged(finished);
}
