/**
 * `deno task gen-data`: write the book's digit-sum datasets, byte for byte as its Python
 * generator does with `np.random.seed(0)`: a book length (5, 10, …, 35) from the generator's one
 * run over the seven book lengths, any other length from its run for that length alone
 * (`bookFiles`), whatever other lengths are asked for.
 */
import { join } from "node:path";
import { runMain } from "../lib/cli.ts";
import { BOOK_LENGTHS, bookFiles } from "../lib/data/mod.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";

/** The declaration of `deno task gen-data`. */
const GEN_DATA = {
  name: "deno task gen-data",
  flags: declareFlags({
    lengths: {
      type: "ints",
      default: BOOK_LENGTHS,
      min: 3,
      max: 100_000,
      help: "sequence lengths, each into {out}/{L}/",
    },
    seed: { type: "int", default: 0, min: 0, max: 0xffffffff, help: "the generator's seed" },
    "k-train": {
      type: "int",
      default: 3,
      min: 1,
      max: 100_000,
      help: "training examples: this times 100 per length",
    },
    "k-eval": {
      type: "int",
      default: 1,
      min: 1,
      max: 100_000,
      help: "dev and test examples: this times 100 per length",
    },
    out: { type: "path", default: "datasets", help: "the data folder" },
  }),
} as const;

await runMain(GEN_DATA, async ({ flags }) => {
  const { lengths, seed, "k-train": kTrain, "k-eval": kEval, out } = flags;
  // Draw everything first, so bad arguments never leave a half-written folder.
  const files = bookFiles(lengths, { seed, kTrain, kEval });
  for (const file of files) await writeFileAtomic(join(out, file.path), file.text);
  console.log(`wrote ${files.length} files for lengths ${lengths.join(",")} into ${out}/`);
});
