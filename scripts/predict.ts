/**
 * `deno task predict --checkpoint FILE --data FILE [--out preds.csv]`: the logits of every line
 * of a digit-sum file (with or without labels) as CSV `index,label,pred,logit_0,…,logit_18`.
 */
import { runMain } from "../lib/cli.ts";
import { readDigitSum } from "../lib/data/reader.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { UserError } from "../lib/errors.ts";
import { loadCheckpoint } from "../lib/io/checkpoint.ts";
import { argmaxRows, predict } from "../lib/train/evaluate.ts";

/** The declaration of `deno task predict`. */
const PREDICT = {
  name: "deno task predict",
  flags: declareFlags({
    checkpoint: { type: "path", required: true, arg: "FILE", help: "the checkpoint" },
    data: { type: "path", required: true, arg: "FILE", help: "a digit-sum file" },
    out: { type: "path", arg: "preds.csv", help: "the CSV file (default: standard output)" },
  }),
} as const;

await runMain(PREDICT, async ({ flags }) => {
  const { checkpoint: checkpointPath, data: dataPath, out } = flags;
  const { model } = await loadCheckpoint(checkpointPath);
  if (model.config.input === "dense" || model.config.head === "every") {
    throw new UserError(
      `${checkpointPath} is a model of the adding or copy task; predict reads digit-sum data ` +
        `(deno task eval --run gives a task run's test loss)`,
    );
  }
  const C = model.config.classes;
  const data = await readDigitSum(dataPath, { numClasses: C, labels: "optional" });
  const logits = predict(model, data);
  const preds = argmaxRows(logits, C);
  const header = ["index", "label", "pred", ...Array.from({ length: C }, (_, c) => `logit_${c}`)];
  const lines = [header.join(",")];
  for (let i = 0; i < data.n; i++) {
    const row = logits.subarray(i * C, (i + 1) * C);
    const label = data.hasLabels ? String(data.labels[i]) : "";
    // 9 significant digits: every float32 logit round-trips exactly
    lines.push([i, label, preds[i], ...Array.from(row, (v) => Number(v.toPrecision(9)))].join(","));
  }
  const text = lines.join("\n") + "\n";
  if (out === undefined) {
    await Deno.stdout.write(new TextEncoder().encode(text));
  } else {
    await writeFileAtomic(out, text);
    const correct = data.hasLabels ? preds.filter((p, i) => p === data.labels[i]).length : NaN;
    const accuracy = data.hasLabels ? `, accuracy ${(correct / data.n).toFixed(4)}` : "";
    console.error(`wrote ${data.n} predictions to ${out}${accuracy}`);
  }
});
