/**
 * Question: where does the noise fool the network? For the test sequences whose noise digit sits
 * at position 2 or 3 (right after the two digits to add), the errors against those elsewhere, and
 * what the wrong answers were: d1 + noise (the noise added in place of the second digit),
 * d2 + noise (in place of the first), d1 + d2 + noise (on top), or something else; then the
 * commonest true→predicted pairs.
 *
 * Command: deno run --allow-read examples/noise_confusion.ts [runs/default]
 *
 * Answer on the default run (`deno task train`: LSTM, lengths 10–35, seed 0; 2026-12-02): the
 * errors sit where the noise follows the digits: 25 of the 64 test sequences with noise at
 * position 2–3 are wrong, against 3 of 536 elsewhere. Of those 25 answers, 7 are d1 + noise (the
 * noise added in place of the second digit), 2 are d2 + noise, 1 is d1 + d2 + noise and 15 are
 * something else, mostly one off (13→12 three times, 2→3, 13→14 twice each).
 */
import { argmaxRows, isAdjacentNoise, noisePosition, openRun, predict } from "../mod.ts";

const zero = () => ({ n: 0, errors: 0, nElse: 0, errorsElse: 0, d1: 0, d2: 0, both: 0, other: 0 });
type Counts = ReturnType<typeof zero>;
const run = await openRun(Deno.args[0] ?? "runs/default");
const confusion = new Map<string, number>(); // "true→predicted" → count
const total = zero();
const print = (name: string, c: Counts) =>
  console.log(
    name.padEnd(12),
    `${c.errors}/${c.n}`.padStart(12),
    `${c.errorsElse}/${c.nElse}`.padStart(10),
    ...[c.d1, c.d2, c.both, c.other].map((v) => String(v).padStart(9)),
  );

console.log(
  "test errors  noise at 2–3  elsewhere | wrong at 2–3: d1+noise d2+noise   +noise    other",
);
for (const job of run.jobs) {
  const { model } = await job.loadModel();
  const test = await job.data("test");
  const preds = argmaxRows(predict(model, test), model.config.classes);
  const c = zero();
  for (let i = 0; i < test.n; i++) {
    const p = noisePosition(test.digits, i, test.length);
    const [label, pred] = [test.labels[i]!, preds[i]!];
    if (!isAdjacentNoise(p)) {
      c.nElse++;
      if (pred !== label) c.errorsElse++;
      continue;
    }
    c.n++;
    if (pred === label) continue;
    c.errors++;
    const [d1, d2, noise] = [0, 1, p].map((t) => test.digits[i * test.length + t]!) as [
      number,
      number,
      number,
    ];
    if (pred === d1 + noise) c.d1++;
    else if (pred === d2 + noise) c.d2++;
    else if (pred === d1 + d2 + noise) c.both++;
    else c.other++;
    confusion.set(`${label}→${pred}`, (confusion.get(`${label}→${pred}`) ?? 0) + 1);
  }
  print(job.name, c);
  for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += c[key];
}
print("all jobs", total);
const top = [...confusion].sort((a, b) => b[1] - a[1]).slice(0, 8);
console.log(
  `commonest wrong answers at 2–3 (true→predicted: count): ${
    top.map(([k, v]) => `${k}: ${v}`).join(", ")
  }`,
);
