/**
 * Question: are two runs really different? For every cell and length both runs trained, the
 * difference of their mean test accuracy, with a 95% bootstrap confidence interval that resamples
 * the seeds of each run and the test examples (the same examples for both runs: a paired
 * comparison).
 *
 * Command: deno run --allow-read examples/compare_runs.ts [runs/default] [runs/book]
 *
 * Answer on the default run against the book's protocol (`deno task train --preset book --out
 * runs/book`; one seed each, so the interval covers the test examples only; 2026-12-02): not at
 * lengths 10 and 15 (+0.01 [−0.04, 0.06], +0.02 [−0.04, 0.07]); yes from length 20 on, by 0.10
 * [0.04, 0.17] at 20 up to 0.28 [0.20, 0.37] at 30 and 0.21 [0.12, 0.30] at 35.
 */
import { argmaxRows, MT19937, type OpenedRun, openRun, predict } from "../mod.ts";

const [a, b] = [
  await openRun(Deno.args[0] ?? "runs/default"),
  await openRun(Deno.args[1] ?? "runs/book"),
];
const RESAMPLES = 2000;
const rng = new MT19937(0);

/** Per cell and length, one row per seed: 1 where the best checkpoint is right on that example. */
async function correctness(run: OpenedRun): Promise<Map<string, Uint8Array[]>> {
  const out = new Map<string, Uint8Array[]>();
  for (const job of run.jobs) {
    const { model } = await job.loadModel();
    const test = await job.data("test");
    const preds = argmaxRows(predict(model, test), model.config.classes);
    const key = `${job.config.cell} L${job.config.length}`;
    const rows = out.get(key) ?? [];
    rows.push(Uint8Array.from(preds, (p, i) => (p === test.labels[i] ? 1 : 0)));
    out.set(key, rows);
  }
  return out;
}

/** Mean accuracy over `seeds` (indices into rows) on the examples `examples`. */
function accuracy(rows: Uint8Array[], seeds: number[], examples: Int32Array): number {
  let sum = 0;
  for (const s of seeds) for (const i of examples) sum += rows[s]![i]!;
  return sum / (seeds.length * examples.length);
}

const [ca, cb] = [await correctness(a), await correctness(b)];
console.log(
  `test accuracy: ${a.name} − ${b.name}, 95% bootstrap interval (${RESAMPLES} resamples)`,
);
console.log("job        seeds  accuracy A  accuracy B  difference  95% interval      different?");
for (const [key, rowsA] of ca) {
  const rowsB = cb.get(key);
  const n = rowsA[0]!.length;
  if (rowsB?.[0]?.length !== n) continue; // not in both runs, or not on the same test set
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const seedsOf = (rows: Uint8Array[]) => rows.map((_, s) => s);
  const [accA, accB] = [accuracy(rowsA, seedsOf(rowsA), all), accuracy(rowsB, seedsOf(rowsB), all)];
  const draws = new Float64Array(RESAMPLES);
  for (let r = 0; r < RESAMPLES; r++) {
    const examples = Int32Array.from({ length: n }, () => rng.randint(0, n));
    const seeds = (rows: Uint8Array[]) => rows.map(() => rng.randint(0, rows.length));
    draws[r] = accuracy(rowsA, seeds(rowsA), examples) - accuracy(rowsB, seeds(rowsB), examples);
  }
  draws.sort();
  const [lo, hi] = [
    draws[Math.floor(0.025 * RESAMPLES)]!,
    draws[Math.ceil(0.975 * RESAMPLES) - 1]!,
  ];
  const seedCounts = `${rowsA.length}/${rowsB.length}`;
  const interval = `[${lo.toFixed(3)}, ${hi.toFixed(3)}]`;
  const verdict = lo > 0 || hi < 0 ? "yes" : "no";
  console.log(
    key.padEnd(9),
    seedCounts.padStart(6),
    accA.toFixed(3).padStart(11),
    accB.toFixed(3).padStart(11),
    (accA - accB).toFixed(3).padStart(11),
    interval.padStart(17),
    verdict.padStart(11),
  );
}
