/**
 * `deno run --allow-read --allow-write bench/job_step.ts [LENGTH] [EPOCHS]`: one real training job
 * (the recommended preset, seed 0, default 35 and 100 epochs) in this process, into a temporary
 * folder, and its milliseconds per step — evaluations, checkpoints and all. Run two at once to
 * see whether jobs slow each other; add `--cpu-prof` to see where a step's time goes.
 */
import { jobConfigs, RECOMMENDED_PRESET } from "../lib/train/config.ts";
import { runJob } from "../lib/train/job.ts";
import { readJobData } from "../lib/train/job_data.ts";

const length = Number(Deno.args[0] ?? 35);
const epochs = Number(Deno.args[1] ?? 100);
const [config] = jobConfigs(["lstm"], [length], [0], { ...RECOMMENDED_PRESET, epochs });
const data = await readJobData("datasets", length);
const dir = await Deno.makeTempDir();
const started = performance.now();
const result = runJob(config!, data, dir);
const ms = (performance.now() - started) / result.steps;
console.log(`lstm-L${length}: ${result.steps} steps, ${ms.toFixed(2)} ms a step`);
await Deno.remove(dir, { recursive: true });
