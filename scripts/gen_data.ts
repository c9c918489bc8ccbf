/**
 * `deno task gen-data`: write the book's digit-sum datasets, byte for byte as its Python
 * generator does with `np.random.seed(0)`: a book length (5, 10, …, 35) from the generator's one
 * run over the seven book lengths, any other length from its run for that length alone
 * (`bookFiles`), whatever other lengths are asked for.
 */
import { join } from "node:path";
import { intFlag, intListFlag, parseFlags, pathFlag, runMain } from "../lib/cli.ts";
import { BOOK_LENGTHS, bookFiles } from "../lib/data/mod.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";

const USAGE =
  "deno task gen-data [--lengths 5,10,15,20,25,30,35] [--seed 0] [--k-train 3] [--k-eval 1] [--out datasets]";

await runMain(USAGE, async (args) => {
  const flags = parseFlags(args, {
    lengths: { type: "string" },
    seed: { type: "string" },
    "k-train": { type: "string" },
    "k-eval": { type: "string" },
    out: { type: "string" },
  });
  const lengths = intListFlag(flags, "lengths", BOOK_LENGTHS, 3, 100_000);
  const seed = intFlag(flags, "seed", 0, 0, 0xffffffff);
  const kTrain = intFlag(flags, "k-train", 3, 1, 100_000);
  const kEval = intFlag(flags, "k-eval", 1, 1, 100_000);
  const out = pathFlag(flags, "out", "datasets");
  // Draw everything first, so bad arguments never leave a half-written folder.
  const files = bookFiles(lengths, { seed, kTrain, kEval });
  for (const file of files) await writeFileAtomic(join(out, file.path), file.text);
  console.log(`wrote ${files.length} files for lengths ${lengths.join(",")} into ${out}/`);
});
