/**
 * `deno task import`: PyTorch state dicts made by tests/fixtures/import/make_import_fixtures.py
 * (torch's names under other prefixes, an untrained GRU, and the blog's per-gate LSTM trained the
 * blog's way) predict PyTorch's logits within 1e-5; the imported checkpoint goes through
 * predict, export, verify, eval and plot; pickles and inconsistent state dicts get one message.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadCheckpoint, predict, readDigitSum } from "../mod.ts";
import { importStateDict } from "../lib/io/import.ts";
import { readSafetensors, type Tensor } from "../lib/io/safetensors.ts";
import { assertClose, runScript } from "./helpers.ts";

const F = "tests/fixtures/import";
const TEST5 = "datasets/5/test.txt";
const expected = JSON.parse(await Deno.readTextFile("tests/fixtures/torch_import.json")) as Record<
  string,
  number[]
>;
const test5 = await readDigitSum(TEST5);
const dir = await Deno.makeTempDir({ prefix: "import_test_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const tensorsOf = async (name: string) => (await readSafetensors(join(F, name))).tensors;
const blogEmbedding = async () => ({
  tensors: await tensorsOf("blog_embedding.safetensors"),
  path: "emb.safetensors",
});

Deno.test("import: torch names under emb./lstm./fc. give PyTorch's logits within 1e-5", async () => {
  const tensors = await tensorsOf("torch_lstm.safetensors");
  const { model, layout } = importStateDict(tensors, "torch_lstm.safetensors");
  assert.equal(layout, "torch");
  assert.deepEqual(model.config, { cell: "lstm", vocab: 10, embed: 32, hidden: 32, classes: 19 });
  assertClose(predict(model, test5), expected.torch_lstm!, { atol: 1e-5, what: "logits" });
  // the same weights, named with --prefix-map instead of found by their shapes
  const mapped = importStateDict(tensors, "torch_lstm.safetensors", {
    prefixMap: [["emb.", "embedding."], ["lstm.", "rnn."], ["fc.", "linear."]],
  });
  assert.deepEqual(mapped.model.params, model.params);
  assert.deepEqual(model.p["rnn.bias_hh_l0"], tensors.get("lstm.bias_hh_l0")!.data);
});

Deno.test("import: a GRU under encoder.embed/encoder.gru/head; --cell must agree", async () => {
  const tensors = await tensorsOf("torch_gru.safetensors");
  const { model } = importStateDict(tensors, "g.safetensors", { cell: "gru" });
  assert.equal(model.config.cell, "gru");
  assertClose(predict(model, test5), expected.torch_gru!, { atol: 1e-5, what: "logits" });
  assert.throws(() => importStateDict(tensors, "g.safetensors", { cell: "lstm" }), {
    name: "CheckpointError",
    message: 'g.safetensors: --cell lstm, but "encoder.gru.weight_hh_l0" [96,32] is that of a GRU',
  });
});

Deno.test("import: the blog's per-gate LSTM trained its way, with its embedding file", async () => {
  const tensors = await tensorsOf("blog_lstm.safetensors");
  const { model, layout } = importStateDict(tensors, "blog.safetensors", {
    embedding: await blogEmbedding(),
  });
  assert.equal(layout, "book");
  assertClose(predict(model, test5), expected.blog_lstm!, { atol: 1e-5, what: "logits" });
  // the book's single bias becomes bias_ih; bias_hh is zero; W_f lands in rows H..2H-1 as W_fᵀ
  const H = 32;
  assert.deepEqual(
    model.p["rnn.bias_ih_l0"].subarray(H, 2 * H),
    tensors.get("rnn_model.b_f")!.data,
  );
  assert.ok(model.p["rnn.bias_hh_l0"].every((v) => v === 0));
  const W_f = tensors.get("rnn_model.W_f")!.data; // [I, H]
  assert.equal(model.p["rnn.weight_ih_l0"][(H + 5) * 32 + 7], W_f[7 * H + 5]);
  assert.throws(() => importStateDict(tensors, "blog.safetensors"), {
    message:
      "blog.safetensors: no embedding [vocab, 32]; the blog's Embedding is a plain tensor missing from its state dict: pass it with --embedding FILE",
  });
});

Deno.test("import: inconsistent state dicts are refused with one line", async () => {
  const base = await tensorsOf("torch_lstm.safetensors");
  const t = (shape: number[], fill = 0): Tensor => ({
    shape,
    data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill),
  });
  const variant = (edit: (m: Map<string, Tensor>) => void) => {
    const m = new Map(base);
    edit(m);
    return m;
  };
  const cases: [Map<string, Tensor>, string][] = [
    [
      variant((m) => m.set("lstm.weight_ih_l1", t([128, 32]))),
      'x: tensor "lstm.weight_ih_l1": lstm-lab models have one layer, one direction',
    ],
    [
      variant((m) => m.set("fc.weight", t([19, 31]))),
      'x: unexpected tensors "fc.weight", "fc.bias"; expected an embedding [vocab, 32], one recurrent layer and a linear layer [classes, 32] with its bias',
    ],
    [
      variant((m) => m.set("lstm.bias_ih_l0", t([127]))),
      'x: tensor "lstm.bias_ih_l0" has shape [127]; "lstm.weight_hh_l0" [128,32] implies [128]',
    ],
    [
      variant((m) => m.set("lstm.weight_hh_l0", t([64, 32]))),
      'x: tensor "lstm.weight_hh_l0" has shape [64,32]; expected [G·H, H] with G = 4 (LSTM), 3 (GRU) or 1 (RNN)',
    ],
    [
      variant((m) => m.delete("lstm.bias_hh_l0")),
      'x: tensor "lstm.bias_hh_l0" is missing (bias=False is not supported)',
    ],
    [
      variant((m) => m.set("head.weight", t([19, 32])).set("head.bias", t([19]))),
      'x: cannot tell which of "fc.", "head." is the linear layer [classes, 32] with its bias; name them with --prefix-map',
    ],
    [
      variant((m) => m.set("fc.bias", t([19], NaN))),
      'x: tensor "fc.bias" holds 19 non-finite values (NaN or ±Inf)',
    ],
    [
      new Map([["w", t([2, 2])]]),
      "x: no recurrent layer: expected PyTorch's <module>.weight_ih_l0 (nn.LSTM/GRU/RNN) or the book's <module>.W_i",
    ],
  ];
  for (const [tensors, message] of cases) {
    assert.throws(() => importStateDict(tensors, "x"), { name: "CheckpointError", message });
  }
  const blog = await tensorsOf("blog_lstm.safetensors");
  blog.delete("rnn_model.U_c");
  const embedding = await blogEmbedding();
  assert.throws(() => importStateDict(blog, "b", { embedding }), {
    message:
      'b: tensor "rnn_model.U_c" is missing; the book\'s LSTM has W_*, U_*, b_* for gates i, f, c, o',
  });
});

Deno.test("deno task import → predict → export → verify, and --run → eval → plot", async () => {
  const ckpt = join(dir, "blog.safetensors");
  const blogArgs = [
    "--from",
    join(F, "blog_lstm.safetensors"),
    "--embedding",
    join(F, "blog_embedding.safetensors"),
  ];
  const imported = await runScript("import.ts", [...blogArgs, "--out", ckpt]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(
    imported.stdout,
    `wrote ${ckpt} (lstm, vocab 10, embed 32, hidden 32, classes 19; book layout)\n`,
  );
  const { metadata } = await loadCheckpoint(ckpt);
  assert.deepEqual(JSON.parse(metadata.lstm_lab_import!), {
    from: "blog_lstm.safetensors",
    layout: "book",
    embedding: "blog_embedding.safetensors",
  });

  const predicted = await runScript("predict.ts", ["--checkpoint", ckpt, "--data", TEST5]);
  assert.equal(predicted.code, 0, predicted.stderr);
  const logits = predicted.stdout.trim().split("\n").slice(1).flatMap((line) =>
    line.split(",").slice(3).map(Number)
  );
  assertClose(logits, expected.blog_lstm!, { atol: 1e-5, what: "predict's logits" });

  const onnx = join(dir, "blog.onnx");
  const exported = await runScript("export.ts", ["--checkpoint", ckpt, "--out", onnx]);
  assert.equal(exported.code, 0, exported.stderr);
  const verified = await runScript(
    "verify.ts",
    ["--onnx", onnx, "--checkpoint", ckpt, "--data", TEST5],
    ["--allow-read", "--allow-ffi=node_modules"],
  );
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /equal predictions: 100\/100 \(100\.00%\)/);

  const run = join(dir, "blog_run");
  const runImport = await runScript("import.ts", [...blogArgs, "--run", run, "--length", "5"]);
  assert.equal(runImport.code, 0, runImport.stderr);
  const preds = expected.blog_lstm!;
  let correct = 0;
  for (let i = 0; i < test5.n; i++) {
    const row = preds.slice(i * 19, (i + 1) * 19);
    if (row.indexOf(Math.max(...row)) === test5.labels[i]) correct++;
  }
  assert.match(runImport.stdout, new RegExp(`test accuracy ${(correct / 100).toFixed(4)}\\n$`));
  const evaluated = await runScript("eval.ts", ["--run", run]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  assert.match(evaluated.stdout, new RegExp(`test_score: ${(correct / 100).toFixed(5)}`));
  const plotted = await runScript("plot.ts", ["--run", run, "--scale", "1"]);
  assert.equal(plotted.code, 0, plotted.stderr);
  assert.match(plotted.stdout, /note: loss: skipped — no job has training metrics/);
  for (const figure of ["accuracy", "gates"]) {
    assert.ok((await Deno.stat(join(run, "figures", `${figure}.png`))).size > 1000);
  }
  // a second import into the same run folder loses nothing
  const again = await runScript("import.ts", [...blogArgs, "--run", run, "--length", "5"]);
  assert.deepEqual([again.code, again.stderr], [
    1,
    `error: ${run} already holds files; choose another --run\n`,
  ]);
});

Deno.test("import: a pickle is refused unread, with the two lines of Python that convert it", async () => {
  const out = join(dir, "never.safetensors");
  const pt = join(F, "blog_toy.pt");
  // a zip pickle renamed .safetensors is recognised by its first bytes
  const renamed = join(dir, "toy.safetensors");
  await Deno.copyFile(pt, renamed);
  for (
    const [from, converted] of [[pt, join(F, "blog_toy.safetensors")], [
      renamed,
      `${renamed}.safetensors`,
    ]]
  ) {
    const run = await runScript("import.ts", ["--from", from!, "--out", out]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `error: ${from}: a pickle (PyTorch .pt/.pth, Paddle .pdparams) is never unpickled here, since loading one runs its code; convert it to safetensors with Python (pip install safetensors):\n` +
        `  import torch, safetensors.torch\n` +
        `  safetensors.torch.save_file({k: v.float().contiguous() for k, v in torch.load("${from}", map_location="cpu").items()}, "${converted}")\n`,
    );
  }
  await assert.rejects(Deno.stat(out));
  const flags = await runScript("import.ts", ["--from", pt]);
  assert.equal(flags.code, 2);
  assert.match(
    flags.stderr,
    /^error: give --out FILE\.safetensors or --run runs\/NAME --length L\n/,
  );
});
