/**
 * Flags declared once (lib/flags): every script's usage line is generated from its declaration
 * and says what it said when written by hand; `--help` lists each flag with its help; values are
 * validated by type and bounds; train's job options keep the preset's key order (config.json's
 * bytes), and the IRNN's own settings give way to a flag given.
 */
import assert from "node:assert/strict";
import { readFlags, usageLine } from "../lib/flags/declare.ts";
import { cellOptionsOf, OPTION_FLAGS, TRAIN, trainOptions } from "../lib/flags/train.ts";
import { UsageError } from "../lib/errors.ts";
import { BOOK_PRESET, CAPACITY_PRESET, RECOMMENDED_PRESET } from "../lib/train/config.ts";
import { runScript } from "./helpers.ts";

/** Each script's usage line as it was written by hand before the declarations generated it. */
const USAGE: Record<string, string> = {
  "capacity.ts":
    "deno task capacity [--study default|chrono|extended|copy|copy-chrono|adding|adding-chrono] [--task digit-sum|adding|copy] [--steps N] [--cells lstm,gru,srn,irnn] [--lengths 10,20,35,50,75,100,150,200] [--seeds 0,1,2] [--preset capacity|recommended|book|blog] [--epochs 300] [--patience 20] [--min-epochs 150] [--gate-init constant|chrono] [--chrono-tmax T] [--irnn-scale 1] [--data datasets] [--out runs/capacity] [--workers N] [--resume] [--shard K/N]",
  "eval.ts": "deno task eval --run runs/NAME [--data DIR] [--space-limit 10000] [--space-seed 0]",
  "export.ts": "deno task export --checkpoint FILE [--out model.onnx] [--opset 17]",
  "gen_data.ts":
    "deno task gen-data [--lengths 5,10,15,20,25,30,35] [--seed 0] [--k-train 3] [--k-eval 1] [--out datasets]",
  "gradflow.ts":
    "deno task gradflow --length L [--cell lstm,gru,srn,irnn] [--seed 0] [--run runs/NAME] [--patience 20] [--gate-init constant|chrono] [--chrono-tmax T] [--irnn-scale 1] [--data datasets] [--out runs/gradflow]",
  "import.ts":
    "deno task import --from model.safetensors (--out ckpt.safetensors | --run runs/NAME --length L [--data DIR]) [--cell lstm|gru|srn] [--prefix-map lstm.=rnn.,fc.=linear.] [--embedding emb.safetensors]",
  "merge.ts": "deno task merge [--out runs/ALL] RUN_FOLDER…",
  "memory_curve.ts":
    "deno task memory-curve (--checkpoint FILE | --run DIR | --cell lstm|gru|srn|irnn [--hidden 32] [--seed 0] [--gate-init constant|chrono]) [--length 100] [--delays K] [--sequences 4000] [--target one-hot|value] [--digit-seed 0] [--out DIR]",
  "plot.ts": "deno task plot --run runs/NAME [--out DIR] [--scale 2] [--lang en|zh]",
  "predict.ts":
    "deno task predict --checkpoint FILE (--data FILE | [--split dev|test]) [--out preds.csv]",
  "serve.ts": "deno task serve [--run runs/NAME] [--port 8000]",
  "setup_tests.ts":
    "deno run --allow-read --allow-run scripts/setup_tests.ts [--chromium PATH] [--python PATH]",
  "train.ts":
    "deno task train [--preset recommended|book|blog] [--task digit-sum|adding|copy] [--steps 1000] [--lengths 10,15,20,25,30,35] [--cells lstm,gru,srn,irnn] [--seeds 0,1,2] [--epochs 500] [--lr 0.001] [--batch-size 8] [--embed 32] [--hidden 32] [--init torch|xavier|zeros] [--forget-bias F] [--input-bias I] [--weight-decay W] [--clip C] [--input-dropout P] [--gate-init constant|chrono] [--chrono-tmax T] [--irnn-scale 1] [--shuffle | --no-shuffle] [--eval-steps 100] [--patience N] [--min-epochs M] [--data datasets] [--out runs/NAME] [--workers N] [--resume] [--shard K/N]",
  "verify.ts":
    "deno task verify --onnx FILE --checkpoint FILE [--data FILE | --length T] [--batch-size 100] [--tolerance 1e-4]",
  "web.ts": "deno task web",
};

Deno.test("every script's --help: the usage line as written by hand, then one line per flag", async () => {
  for (const [script, usage] of Object.entries(USAGE)) {
    const { code, stdout } = await runScript(script, ["--help"], ["--allow-read"]);
    assert.equal(code, 0, script);
    const lines = stdout.trimEnd().split("\n");
    assert.equal(lines[0], `usage: ${usage}`, script);
    const flags = lines.slice(2).map((line) => /^ {2}(--[a-z-]+) {2,}\S/.exec(line)?.[1]);
    // the flags after the command (setup_tests' command itself holds deno's --allow-*)
    const shown = usage.replace(/^.*?\.ts |^deno task \S+/, "").match(/--[a-z-]+/g) ?? [];
    assert.deepEqual(new Set(flags), new Set(shown), script);
  }
});

Deno.test("usageLine: train's line comes from TRAIN, its defaults from the recommended preset", () => {
  const line = usageLine(TRAIN);
  assert.equal(line, USAGE["train.ts"]);
  assert.ok(line.includes(`[--epochs ${RECOMMENDED_PRESET.epochs}]`));
  assert.ok(line.includes(`[--lr ${RECOMMENDED_PRESET.lr}]`));
});

Deno.test("readFlags: each type's bounds, one line naming the flag; defaults are copies", () => {
  const flags = TRAIN.flags;
  const bad: [Record<string, string>, string][] = [
    [{ epochs: "0" }, '--epochs expects an integer in [1, 1000000], got "0"'],
    [{ epochs: "1.5" }, '--epochs expects an integer in [1, 1000000], got "1.5"'],
    [{ lr: "abc" }, '--lr expects a number in [0, 10], got "abc"'],
    [{ clip: "-1" }, '--clip expects a number >= 0, got "-1"'],
    [{ lengths: "10,,20" }, '--lengths expects a comma-separated list of integers, got "10,,20"'],
    [{ cells: "lstm,rnn" }, '--cells expects a list of lstm|gru|srn|irnn, got "lstm,rnn"'],
    [{ preset: "fast" }, '--preset expects one of recommended|book|blog, got "fast"'],
  ];
  for (const [raw, message] of bad) {
    assert.throws(() => readFlags(raw, flags), (err: Error) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.message, message);
      return true;
    });
  }
  const values = readFlags({ "forget-bias": "-3", resume: true }, flags);
  assert.equal(values["forget-bias"], -3);
  assert.equal(values.resume, true);
  assert.equal(values.shuffle, false);
  assert.equal(values.lr, undefined);
  assert.deepEqual(values.lengths, [10, 15, 20, 25, 30, 35]);
  values.lengths.push(40);
  assert.deepEqual(flags.lengths.default, [10, 15, 20, 25, 30, 35]);
  const required = { run: { type: "path", required: true, help: "" } } as const;
  assert.throws(() => readFlags({ run: "" }, required), { message: "--run is required" });
});

Deno.test("trainOptions: the preset's keys in its order, flags given replace its values", () => {
  const none = trainOptions(readFlags({}, TRAIN.flags), RECOMMENDED_PRESET);
  assert.equal(JSON.stringify(none), JSON.stringify(RECOMMENDED_PRESET));
  const given = trainOptions(
    readFlags({ lr: "0.01", "batch-size": "16", "no-shuffle": true }, TRAIN.flags),
    BOOK_PRESET,
  );
  assert.deepEqual(Object.keys(given), Object.keys(BOOK_PRESET));
  assert.deepEqual([given.lr, given.batchSize, given.shuffle], [0.01, 16, false]);
  assert.deepEqual(
    trainOptions({ "gate-init": "chrono", "chrono-tmax": 100 }, CAPACITY_PRESET),
    { ...CAPACITY_PRESET, gateInit: "chrono", chronoTmax: 100 },
  );
  assert.deepEqual(trainOptions({}, CAPACITY_PRESET, "chrono").gateInit, "chrono");
  assert.throws(
    () => trainOptions({ shuffle: true, "no-shuffle": true }, BOOK_PRESET),
    { message: "--shuffle and --no-shuffle contradict each other" },
  );
  for (const [flag, key] of Object.entries(OPTION_FLAGS)) {
    assert.ok(flag in TRAIN.flags, flag);
    assert.ok(key in BOOK_PRESET, key);
  }
});

Deno.test("cellOptionsOf: the IRNN's settings, but for those given as flags", () => {
  assert.deepEqual(cellOptionsOf({}), { irnn: { lr: 0.001, clip: 10, inputDropout: 0 } });
  assert.deepEqual(cellOptionsOf({ lr: 0.01, "input-dropout": 0.1 }), { irnn: { clip: 10 } });
  assert.deepEqual(cellOptionsOf({ lr: 1, clip: 1, "input-dropout": 0 }), { irnn: {} });
});
