/**
 * `deno task gradflow`: the norm of the loss gradient with respect to the hidden state of every
 * time step, ‖∂ℓ/∂h_t‖ averaged over the test examples, at initialisation and after training —
 * the book's 6.2 view of vanishing and exploding gradients — as CSV and a figure.
 *
 * With `--run`, the jobs `{run}/<cell>-L<len>-s<seed>/` must be trained already; without it, the
 * jobs are trained (or resumed) into `{out}/run/` with the capacity study's preset, so the
 * command always works (and `--run runs/capacity` reuses the study's jobs).
 */
import { join } from "node:path";
import { runMain } from "../lib/cli.ts";
import { UsageError, UserError } from "../lib/errors.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { cellOptionsOf, INIT_FLAGS, TRAIN, trainOptions } from "../lib/flags/train.ts";
import { ensureBookData } from "../lib/io/book_data.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { CELL_KINDS, type CellKind } from "../lib/model/config.ts";
import { gradFlowSpec } from "../lib/plot/gradflow_spec.ts";
import { writeFigure } from "../lib/plot/render.ts";
import { isTrainedConfig, type JobConfig, parseJobConfig, sameConfig } from "../lib/run/config.ts";
import { jobName } from "../lib/run/job_name.ts";
import { runDataDir } from "../lib/run/read.ts";
import { CAPACITY_PRESET, jobConfigs } from "../lib/train/config.ts";
import {
  type GradFlow,
  gradFlowCsv,
  gradFlowRows,
  gradFlowTable,
  hiddenGradientNorms,
  initialModel,
} from "../lib/train/gradflow.ts";
import { readJobData } from "../lib/train/job_data.ts";
import type { PoolJob } from "../lib/train/pool.ts";
import { runJobsInTerminal } from "../lib/train/train_run.ts";

/** The declaration of `deno task gradflow`. */
const GRADFLOW = {
  name: "deno task gradflow",
  flags: declareFlags({
    length: {
      type: "int",
      required: true,
      min: 3,
      max: 100_000,
      arg: "L",
      help: "the sequence length (data: {data}/{L}/)",
    },
    cell: {
      type: "choices",
      choices: CELL_KINDS,
      default: CELL_KINDS,
      help: "the cells, each one job",
    },
    seed: { type: "int", default: 0, min: 0, max: 0xffffffff, help: "the jobs' seed" },
    run: {
      type: "path",
      arg: "runs/NAME",
      help: "read the jobs trained there (default: train them into {out}/run/)",
    },
    patience: { ...TRAIN.flags.patience, arg: String(CAPACITY_PRESET.patience) },
    ...INIT_FLAGS,
    data: { ...TRAIN.flags.data, default: undefined, arg: "datasets" },
    out: { type: "path", default: "runs/gradflow", help: "the output folder" },
  }),
} as const;

await runMain(GRADFLOW, async ({ flags }) => {
  const { cell: cells, length, seed, out } = flags;
  const givenRun = flags.run ?? null;
  for (const flag of ["patience", "gate-init", "chrono-tmax"] as const) {
    if (givenRun !== null && flags[flag] !== undefined) {
      throw new UsageError(`--${flag} applies when training here; drop it with --run`);
    }
  }
  const run = givenRun ?? join(out, "run");
  const dataDir = flags.data ?? (givenRun ? await runDataDir(givenRun) : "datasets");
  const dirOf = (cell: CellKind) => join(run, jobName({ cell, length, seed }));

  let configs: JobConfig[];
  if (givenRun) {
    configs = [];
    for (const cell of cells) configs.push(await trainedConfig(dirOf(cell), length));
  } else {
    const options = trainOptions(flags, CAPACITY_PRESET);
    configs = jobConfigs(cells, [length], [seed], options, cellOptionsOf(flags));
  }
  await ensureBookData(dataDir, [length], ({ written }) =>
    console.log(
      `generated ${
        join(dataDir, String(length))
      }/ (${written.length} files) with the book's generator`,
    ));
  const data = await readJobData(dataDir, length);

  if (!givenRun) {
    const jobs: PoolJob[] = [];
    for (const config of configs) {
      const dir = dirOf(config.cell);
      if (!exists(join(dir, "result.json"))) {
        jobs.push({ config, data, dir });
        continue;
      }
      const path = join(dir, "config.json");
      if (!sameConfig(parseJobConfig(await Deno.readTextFile(path), path), config)) {
        throw new UserError(
          `${dir} was trained with other settings (see its config.json); choose another --out, ` +
            "or pass --run with its run folder",
        );
      }
    }
    if (jobs.length > 0) {
      console.log(
        `training ${jobs.map((j) => jobName(j.config)).join(", ")} into ${run}/ ` +
          `(capacity preset, early stopping: patience ${configs[0]!.patience})`,
      );
      const { interrupted } = await runJobsInTerminal(jobs, {
        workers: Math.min(jobs.length, navigator.hardwareConcurrency),
        resume: true,
      });
      if (interrupted) {
        console.error(
          "error: interrupted; every running job saved its state. Run the same command again to " +
            "continue",
        );
        return 130;
      }
    }
  }

  const flows: GradFlow[] = [];
  // Each config equals its job's config.json (read from --run, or checked when resuming), so
  // the initialisation is drawn exactly as the job's training drew it.
  for (const config of configs) {
    const init = hiddenGradientNorms(initialModel(config), data.test);
    const best = join(dirOf(config.cell), "best.safetensors");
    const trained = hiddenGradientNorms((await loadCheckpoint(best)).model, data.test);
    flows.push({ cell: config.cell, init, trained });
  }
  const base = join(out, `gradflow-${cells.join("-")}-L${length}`);
  await writeFileAtomic(`${base}.csv`, gradFlowCsv(flows));
  const figure = await writeFigure(gradFlowSpec(gradFlowRows(flows)), base);
  for (const w of figure.warnings) console.error(`note: gradflow figure: ${w}`);
  console.log(gradFlowTable(flows));
  console.log(
    `wrote ${base}.csv and ${base}.svg/.png (from ${run}/, test set of ${dataDir}/${length})`,
  );
  return 0;
});

/** A trained job's config; a missing job or checkpoint is one clear error line. */
async function trainedConfig(dir: string, length: number): Promise<JobConfig> {
  const missing = ["config.json", "best.safetensors"].filter((f) => !exists(join(dir, f)));
  if (missing.length > 0) {
    throw new UserError(
      `${dir}: no trained job (${missing.join(" and ")} missing); train it first ` +
        "(deno task train or capacity with that --out), or leave out --run to train it here",
    );
  }
  const path = join(dir, "config.json");
  const config = parseJobConfig(await Deno.readTextFile(path), path);
  if (!isTrainedConfig(config)) {
    throw new UserError(`${path}: an imported model's job; expected a trained job's configuration`);
  }
  if (config.length !== length) {
    throw new UserError(`${path}: the job has length ${config.length}, expected ${length}`);
  }
  if (!exists(join(dir, "result.json"))) {
    console.error(`note: ${dir} has not finished training; using its best checkpoint so far`);
  }
  return config;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}
