/**
 * `deno task eval --run runs/NAME`: recompute dev and test accuracy from every job's best
 * checkpoint, print the book's table and write `runs/NAME/results.csv`.
 */
import { join } from "node:path";
import { parseFlags, pathFlag, runMain } from "../lib/cli.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { evaluate } from "../lib/train/evaluate.ts";
import { listRunJobs, readJobData, runDataDir } from "../lib/train/run_dir.ts";
import { bookTable, sortRows } from "../lib/train/summary.ts";

const USAGE = "deno task eval --run runs/NAME [--data DIR]";

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, { run: { type: "string" }, data: { type: "string" } });
  const run = pathFlag(flags, "run");
  const jobs = await listRunJobs(run);
  const dataDir = pathFlag(flags, "data", await runDataDir(run));
  const rows = [];
  for (const job of jobs) {
    const data = await readJobData(dataDir, job.config.length);
    const { model, metadata } = await loadCheckpoint(join(job.dir, "best.safetensors"));
    const dev = evaluate(model, data.dev);
    const test = evaluate(model, data.test);
    rows.push({
      cell: job.config.cell,
      length: job.config.length,
      seed: job.config.seed,
      best_dev_acc: dev.accuracy,
      best_step: Number(metadata.step ?? NaN),
      test_acc: test.accuracy,
      dev_loss: dev.loss,
      test_loss: test.loss,
      steps: NaN,
      wall_s: NaN,
    });
  }
  const sorted = sortRows(rows);
  const header = "cell,length,seed,best_step,dev_acc,dev_loss,test_acc,test_loss";
  const lines = sorted.map((r) =>
    [
      r.cell,
      r.length,
      r.seed,
      r.best_step,
      r.best_dev_acc,
      r.dev_loss.toPrecision(7),
      r.test_acc,
      r.test_loss.toPrecision(7),
    ]
      .join(",")
  );
  await writeFileAtomic(join(run, "results.csv"), [header, ...lines].join("\n") + "\n");
  console.log(bookTable(sorted));
  console.log(`wrote ${join(run, "results.csv")}`);
});
