import assert from "node:assert/strict";
import { join } from "node:path";
import {
  batchCount,
  batches,
  DataError,
  generateBookDatasets,
  parseDigitSum,
  readDigitSum,
} from "../lib/data/mod.ts";
import { parseFlags } from "../lib/cli.ts";
import { assertUsageErrors, runScript } from "./helpers.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/numpy_mt19937.json", import.meta.url)),
) as { book_generator_sha256_alone: Record<string, string> };

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("gen-data regenerates the committed datasets/ byte for byte", async () => {
  const out = await Deno.makeTempDir();
  const result = await runScript("gen_data.ts", ["--out", out]);
  assert.equal(result.code, 0, result.stderr);
  let files = 0;
  for (const length of [5, 10, 15, 20, 25, 30, 35]) {
    for (const split of ["train", "dev", "test"]) {
      const path = `${length}/${split}.txt`;
      const got = await Deno.readFile(join(out, path));
      const committed = await Deno.readFile(join("datasets", path));
      assert.deepEqual(got, committed, `${path} differs from the committed file`);
      files++;
    }
  }
  assert.equal(files, 21);
  const first = (await Deno.readTextFile(join(out, "5/train.txt"))).split("\n")[0];
  assert.equal(first, "0 0 5 0 0\t0");
  await Deno.remove(out, { recursive: true });
});

Deno.test("a long length generated alone equals numpy's book generator (sha256)", async () => {
  for (const length of [50, 200]) {
    for (const file of generateBookDatasets({ lengths: [length] })) {
      assert.equal(
        await sha256(file.text),
        fixture.book_generator_sha256_alone[file.path],
        file.path,
      );
    }
  }
});

Deno.test("generated splits have 300/100/100 lines of L digits and the right labels", () => {
  const files = generateBookDatasets({ lengths: [12] });
  assert.deepEqual(files.map((f) => f.text.split("\n").length - 1), [300, 100, 100]);
  const train = parseDigitSum(files[0]!.text, "train");
  for (let i = 0; i < train.n; i++) {
    const row = train.digits.subarray(i * 12, (i + 1) * 12);
    assert.equal(train.labels[i], row[0]! + row[1]!);
    assert.ok(row.subarray(2).filter((d) => d !== 0).length <= 1, `line ${i + 1} has two noises`);
  }
});

Deno.test("readDigitSum reads the book's file as flat Int32Arrays", async () => {
  const data = await readDigitSum("datasets/10/train.txt");
  assert.equal(data.n, 300);
  assert.equal(data.length, 10);
  assert.equal(data.digits.length, 3000);
  assert.ok(data.digits instanceof Int32Array && data.labels instanceof Int32Array);
  // Line 1 of datasets/10/train.txt
  const line1 = (await Deno.readTextFile("datasets/10/train.txt")).split("\n")[0]!;
  assert.equal(Array.from(data.digits.subarray(0, 10)).join(" ") + "\t" + data.labels[0], line1);
  assert.equal(data.labels[299], 18);
});

Deno.test("the reader accepts CRLF, a BOM, and a final newline or none", () => {
  const plain = parseDigitSum("1 2 0\t3\n4 0 9\t4\n", "a.txt");
  for (
    const text of ["1 2 0\t3\r\n4 0 9\t4\r\n", "\ufeff1 2 0\t3\n4 0 9\t4\n", "1 2 0\t3\n4 0 9\t4"]
  ) {
    assert.deepEqual(parseDigitSum(text, "a.txt"), plain);
  }
});

const BAD_LINES: [string, string, string][] = [
  [
    "a missing TAB",
    "1 2 0\t3\n4 0 9 4\n",
    "f.txt:2: expected a TAB between the digits and the label",
  ],
  ["more than one TAB", "1 2 0\t3\t3\n", "f.txt:1: expected one TAB, found 2"],
  [
    "a token that is not an integer",
    "1 2 0\t3\n1 x 0\t1\n",
    'f.txt:2: expected a digit 0-9 separated by single spaces at position 2, found "x"',
  ],
  [
    "two spaces",
    "1  2\t3\n",
    'f.txt:1: expected a digit 0-9 separated by single spaces at position 2, found ""',
  ],
  [
    "a digit outside 0-9",
    "1 2 0\t3\n1 12 0\t13\n",
    "f.txt:2: expected a digit 0-9 at position 2, found 12",
  ],
  ["a negative digit", "1 -2 0\t3\n", "f.txt:1: expected a digit 0-9 at position 2, found -2"],
  [
    "a label that is not an integer",
    "1 2 0\t3.5\n",
    'f.txt:1: expected an integer label after the TAB, found "3.5"',
  ],
  ["an empty label", "1 2 0\t\n", 'f.txt:1: expected an integer label after the TAB, found ""'],
  ["a label of 19", "9 9 1\t19\n", "f.txt:1: expected a label in [0, 19), found 19"],
  ["a negative label", "0 0 1\t-1\n", "f.txt:1: expected a label in [0, 19), found -1"],
  ["a shorter line", "1 2 0\t3\n1 2\t3\n", "f.txt:2: expected 3 digits as on line 1, found 2"],
  ["a longer line", "1 2 0\t3\n1 2 0 0\t3\n", "f.txt:2: expected 3 digits as on line 1, found 4"],
  [
    "a blank line in the middle",
    "1 2 0\t3\n\n1 2 0\t3\n",
    "f.txt:2: blank line; expected digits, a TAB and a label",
  ],
  [
    "a blank CRLF line",
    "1 2 0\t3\r\n\r\n1 2 0\t3\r\n",
    "f.txt:2: blank line; expected digits, a TAB and a label",
  ],
  ["an empty file", "", "f.txt: file is empty; expected lines of digits, a TAB and a label"],
  ["a BOM alone", "\ufeff", "f.txt: file is empty; expected lines of digits, a TAB and a label"],
];

for (const [what, text, message] of BAD_LINES) {
  Deno.test(`the reader rejects ${what} with one DataError line`, () => {
    assert.throws(() => parseDigitSum(text, "f.txt"), (err: unknown) => {
      assert.ok(err instanceof DataError);
      assert.equal(err.message, message);
      return true;
    });
  });
}

Deno.test("the reader's label range follows numClasses", () => {
  assert.equal(parseDigitSum("9 9 0\t18\n", "f.txt", { numClasses: 19 }).labels[0], 18);
  assert.throws(() => parseDigitSum("9 9 0\t18\n", "f.txt", { numClasses: 10 }), {
    message: "f.txt:1: expected a label in [0, 10), found 18",
  });
});

Deno.test("optional labels: digits-only lines read with label -1, and mixing is an error", () => {
  const data = parseDigitSum("1 2 0\n3 4 0\n", "p.txt", { labels: "optional" });
  assert.equal(data.hasLabels, false);
  assert.deepEqual(Array.from(data.labels), [-1, -1]);
  assert.throws(() => parseDigitSum("1 2 0\n3 4 0\t7\n", "p.txt", { labels: "optional" }), {
    message: "p.txt:2: expected digits only, as on line 1 (no TAB and label)",
  });
  assert.equal(parseDigitSum("1 2 0\t3\n", "p.txt", { labels: "optional" }).hasLabels, true);
});

Deno.test("readDigitSum: a missing file, a folder and non-UTF-8 bytes are DataErrors", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(readDigitSum(join(dir, "nope.txt")), {
    name: "DataError",
    message: `${join(dir, "nope.txt")}: file not found; expected a digit-sum data file`,
  });
  await assert.rejects(readDigitSum(dir), {
    message: `${dir}: is a directory; expected a digit-sum data file`,
  });
  await Deno.writeFile(join(dir, "bin.txt"), new Uint8Array([0xff, 0xfe, 0x00, 0x31]));
  await assert.rejects(readDigitSum(join(dir, "bin.txt")), {
    message: `${join(dir, "bin.txt")}: is not UTF-8 text; expected a digit-sum data file`,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("batches: 300 examples at B = 8 give 38 views in file order, the last of 4", async () => {
  const data = await readDigitSum("datasets/10/train.txt");
  const all = [...batches(data, 8)];
  assert.equal(all.length, 38);
  assert.equal(batchCount(300, 8), 38);
  assert.deepEqual(all.map((b) => b.size), [...Array(37).fill(8), 4]);
  // views share the data's buffer: no copy
  assert.equal(all[3]!.digits.buffer, data.digits.buffer);
  assert.equal(all[3]!.digits.byteOffset, 3 * 8 * 10 * 4);
  assert.deepEqual(Array.from(all[37]!.labels), Array.from(data.labels.subarray(296)));
});

Deno.test("batches in a given order gather those examples", () => {
  const data = parseDigitSum("1 1 0\t2\n2 2 0\t4\n3 3 0\t6\n", "o.txt");
  const [first, second] = [...batches(data, 2, new Int32Array([2, 0, 1]))];
  assert.deepEqual(Array.from(first!.digits), [3, 3, 0, 1, 1, 0]);
  assert.deepEqual(Array.from(first!.labels), [6, 2]);
  assert.deepEqual(Array.from(second!.labels), [4]);
  assert.throws(() => [...batches(data, 0)], /batch size must be a positive integer, got 0/);
});

Deno.test("gen-data: bad flags print a usage line and exit 2, writing nothing", async () => {
  const out = await Deno.makeTempDir();
  await assertUsageErrors("gen-data", [
    [["--lengths", "2,10"], 'error: --lengths expects an integer in [3, 100000], got "2"'],
    [
      ["--lengths", "10,,20"],
      'error: --lengths expects a comma-separated list of integers, got "10,,20"',
    ],
    [["--seed", "abc"], 'error: --seed expects an integer in [0, 4294967295], got "abc"'],
    [["--frobnicate"], "error: unknown flag --frobnicate"],
    [
      ["--k-train"],
      "error: --k-train expects a value (write --k-train=VALUE for one that starts with a dash)",
    ],
    [["10"], 'error: unexpected argument "10"; every value follows its --flag'],
  ], (args) => runScript("gen_data.ts", [...args, "--out", out]));
  assert.deepEqual([...Deno.readDirSync(out)], []);
  await Deno.remove(out, { recursive: true });
});

Deno.test("gen-data --lengths 7 --k-train 2 writes 200/100/100 lines", async () => {
  const out = await Deno.makeTempDir();
  const result = await runScript("gen_data.ts", ["--lengths", "7", "--k-train", "2", "--out", out]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), `wrote 3 files for lengths 7 into ${out}/`);
  const train = await readDigitSum(join(out, "7/train.txt"));
  assert.equal(train.n, 200);
  assert.equal(train.length, 7);
  await Deno.remove(out, { recursive: true });
});

Deno.test("gen-data: a length's files do not depend on the other lengths asked for", async () => {
  const out = await Deno.makeTempDir();
  const result = await runScript("gen_data.ts", ["--lengths", "12,10,40", "--out", out]);
  assert.equal(result.code, 0, result.stderr);
  for (const length of [12, 40]) {
    for (const file of generateBookDatasets({ lengths: [length] })) {
      assert.equal(await Deno.readTextFile(join(out, file.path)), file.text, file.path);
    }
  }
  for (const split of ["train", "dev", "test"]) {
    const committed = new URL(`../datasets/10/${split}.txt`, import.meta.url);
    assert.equal(
      await Deno.readTextFile(join(out, `10/${split}.txt`)),
      await Deno.readTextFile(committed),
    );
  }
  await Deno.remove(out, { recursive: true });
});

Deno.test("parseFlags: a negative number after a value flag is its value", () => {
  const spec = {
    bias: { type: "float", help: "" },
    on: { type: "switch", help: "" },
  } as const;
  assert.deepEqual({ ...parseFlags(["--bias", "-3", "--on"], spec).raw }, { bias: "-3", on: true });
  assert.deepEqual({ ...parseFlags(["--bias", "-.5"], spec).raw }, { bias: "-.5" });
  assert.throws(() => parseFlags(["--bias", "--on"], spec), {
    message: "--bias expects a value (write --bias=VALUE for one that starts with a dash)",
  });
});
