/**
 * `deno task import --from model.safetensors (--out ckpt.safetensors | --run runs/NAME --length L)
 * [--cell lstm|gru|srn] [--prefix-map lstm.=rnn.,fc.=linear.] [--embedding emb.safetensors]`:
 * a PyTorch state dict (PyTorch's names under any module prefixes, or the book's per-gate LSTM)
 * as an lstm-lab checkpoint. With `--run`, the checkpoint becomes the best checkpoint of a
 * one-job run folder (`<cell>-L<L>-s0/`), evaluated on `--data` (default `datasets`), that
 * `deno task eval` and `deno task plot` read. Pickles are refused unread (see lib/io/import.ts).
 */
import { basename, join } from "node:path";
import { runMain } from "../lib/cli.ts";
import { UsageError } from "../lib/errors.ts";
import { declareFlags } from "../lib/flags/declare.ts";
import { writeFileAtomic } from "../lib/io/atomic.ts";
import { checkpointBytes } from "../lib/io/checkpoint.ts";
import { importStateDict, refusePickle } from "../lib/io/import.ts";
import { readSafetensors } from "../lib/io/safetensors.ts";
import { importedRun } from "../lib/train/imported_run.ts";

/** The declaration of `deno task import`: `--out`, or `--run` with `--length` and `--data`. */
const IMPORT = {
  name: "deno task import",
  flags: declareFlags({
    from: {
      type: "path",
      required: true,
      arg: "model.safetensors",
      help: "a PyTorch state dict as safetensors",
    },
    out: {
      type: "path",
      usage: "(--out ckpt.safetensors | --run runs/NAME --length L [--data DIR])",
      help: "write the checkpoint here",
    },
    run: { type: "path", usage: null, help: "or make it the best checkpoint of a run folder" },
    length: {
      type: "int",
      min: 1,
      max: 100_000,
      usage: null,
      help: "the run's sequence length (with --run)",
    },
    data: { type: "path", default: "datasets", usage: null, help: "the data folder (with --run)" },
    cell: {
      type: "choice",
      choices: ["lstm", "gru", "srn"],
      help: "the cell the state dict must hold",
    },
    "prefix-map": {
      type: "path",
      arg: "lstm.=rnn.,fc.=linear.",
      help: "rename module prefixes, FROM=TO pairs",
    },
    embedding: {
      type: "path",
      arg: "emb.safetensors",
      help: "the embedding from another state dict",
    },
  }),
} as const;

/** `a.=b.,c.=d.` as pairs; a rule without `=` is a usage error. */
function prefixMapOf(raw: string | undefined): [string, string][] {
  if (raw === undefined) return [];
  return raw.split(",").map((rule) => {
    const at = rule.indexOf("=");
    if (at <= 0) {
      throw new UsageError(`--prefix-map expects FROM=TO pairs separated by commas, got "${rule}"`);
    }
    return [rule.slice(0, at), rule.slice(at + 1)];
  });
}

/** Read a safetensors state dict, refusing a pickle before reading more than its first bytes. */
async function readStateDict(path: string) {
  let head = new Uint8Array(0);
  try {
    using file = await Deno.open(path);
    head = new Uint8Array(8);
    head = head.subarray(0, (await file.read(head)) ?? 0);
  } catch { /* readSafetensors says what is wrong with a missing or unreadable file */ }
  refusePickle(path, head);
  return await readSafetensors(path);
}

await runMain(IMPORT, async ({ flags }) => {
  const { from, cell, embedding: embeddingPath } = flags;
  if ((flags.out === undefined) === (flags.run === undefined)) {
    throw new UsageError("give --out FILE.safetensors or --run runs/NAME --length L");
  }
  const prefixMap = prefixMapOf(flags["prefix-map"]);
  const stateDict = await readStateDict(from);
  const embedding = embeddingPath === undefined
    ? undefined
    : { tensors: (await readStateDict(embeddingPath)).tensors, path: embeddingPath };
  const { model, layout } = importStateDict(stateDict.tensors, from, {
    cell,
    prefixMap,
    embedding,
  });
  const metadata = {
    lstm_lab_import: {
      from: basename(from),
      layout,
      embedding: embeddingPath && basename(embeddingPath),
    },
  };
  const { cell: kind, vocab, embed, hidden, classes } = model.config;
  const sizes = `${kind}, vocab ${vocab}, embed ${embed}, hidden ${hidden}, classes ${classes}`;
  if (flags.out !== undefined) {
    const out = flags.out;
    if (!out.endsWith(".safetensors")) throw new UsageError("--out must end with .safetensors");
    await writeFileAtomic(out, checkpointBytes(model, { metadata }));
    console.log(`wrote ${out} (${sizes}; ${layout} layout)`);
    return;
  }
  const { run, length, data: dataDir } = flags;
  if (run === undefined) throw new UsageError("--run names the run folder");
  if (length === undefined) throw new UsageError("--run needs --length L");
  const { jobDir, devAcc, testAcc } = await importedRun(run, model, { length, dataDir, metadata });
  console.log(
    `wrote ${join(jobDir, "best.safetensors")} (${sizes}; ${layout} layout): ` +
      `dev accuracy ${devAcc.toFixed(4)}, test accuracy ${testAcc.toFixed(4)}`,
  );
});
