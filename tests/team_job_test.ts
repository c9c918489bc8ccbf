/**
 * A training job that finds an idle thread of the pool (`idleThreads`) runs its recurrences on two
 * threads, gives the thread back when done, and writes the same bytes as on one thread.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { jobConfigs, RECOMMENDED_PRESET } from "../lib/train/config.ts";
import { runJob } from "../lib/train/job.ts";
import { readJobData } from "../lib/train/job_data.ts";

for (const cell of ["lstm", "gru"] as const) {
  Deno.test(`runJob: a ${cell} job on an idle thread writes the same bytes as on one`, async () => {
    const base = await Deno.makeTempDir();
    const data = await readJobData("datasets", 5);
    const [config] = jobConfigs([cell], [5], [0], {
      ...RECOMMENDED_PRESET,
      epochs: 2,
      evalSteps: 25,
    });
    const one = runJob(config!, data, join(base, "one"));
    const idleThreads = new Int32Array(new SharedArrayBuffer(4));
    idleThreads[0] = 1;
    const seen: number[] = [];
    const two = runJob(config!, data, join(base, "two"), {
      idleThreads,
      hooks: { onProgress: () => seen.push(Atomics.load(idleThreads, 0)), progressEvery: 10 },
    });
    assert.ok(
      seen.length > 0 && seen.every((n) => n === 0),
      `idle threads during the job: ${seen}`,
    );
    assert.equal(idleThreads[0], 1, "the thread is given back");
    assert.deepEqual({ ...two, wall_s: 0 }, { ...one, wall_s: 0 });
    // (last.safetensors holds the wall time)
    for (const file of ["metrics.csv", "best.safetensors"]) {
      const [a, b] = [join(base, "one", file), join(base, "two", file)];
      assert.deepEqual(await Deno.readFile(b), await Deno.readFile(a), file);
    }
    await Deno.remove(base, { recursive: true });
  });
}
