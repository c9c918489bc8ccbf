import assert from "node:assert/strict";
import { UserError } from "../lib/errors.ts";
import {
  CheckpointError,
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type Tensor,
  writeSafetensors,
} from "../lib/io/safetensors.ts";
import {
  FIXTURE_METADATA,
  FIXTURE_URL,
  fixtureTensors,
} from "./fixtures/safetensors/make_fixture.ts";

const PATH = "ckpt.safetensors";

function t(shape: number[], values: number[]): Tensor {
  return { shape, data: new Float32Array(values) };
}

/** A file with the given header text (padded with spaces to 8 bytes unless `pad` is false). */
function craft(header: string, data: Uint8Array | number = 0, pad = true): Uint8Array {
  let text = new TextEncoder().encode(header);
  if (pad && text.length % 8 !== 0) {
    const padded = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(0x20);
    padded.set(text);
    text = padded;
  }
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + text.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(body, 8 + text.length);
  return out;
}

/** The header length and header text of an encoded file. */
function headerOf(bytes: Uint8Array): { n: number; text: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
}

function bits(data: Float32Array): number[] {
  return Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
}

function refuses(bytes: Uint8Array, message: string): void {
  assert.throws(() => decodeSafetensors(bytes, PATH), {
    name: "CheckpointError",
    message: `${PATH}: ${message}`,
  });
}

// -- Round trips and exact bytes -------------------------------------------------------------

Deno.test("round trip keeps names in order, shapes (0-d, empty), bits and metadata", () => {
  const tensors = new Map<string, Tensor>([
    ["z.weight", t([2, 3], [1, -2, 3.25, 1 / 3, 1e-45, 65504])],
    ["10", t([1], [7])],
    ["2", t([], [0.1])],
    ["empty", t([0], [])],
    ["wide_empty", t([4, 0, 2], [])],
    ["special", t([5], [NaN, -0, Infinity, -Infinity, 3.4e38])],
    ["ünï/β", t([1, 1, 1], [-1])],
  ]);
  const metadata = { format: "pt", config: '{"cell":"lstm"}', note: "two\nlines ✓", "0": "x" };
  const file = decodeSafetensors(encodeSafetensors(tensors, metadata), PATH);
  assert.deepEqual([...file.tensors.keys()], [...tensors.keys()]);
  for (const [name, want] of tensors) {
    const got = file.tensors.get(name)!;
    assert.deepEqual(got.shape, want.shape, name);
    assert.ok(got.data instanceof Float32Array, name);
    assert.deepEqual(bits(got.data), bits(want.data), name);
  }
  assert.deepEqual(file.metadata, metadata);
});

Deno.test("a Map and an array of pairs encode the same bytes; no metadata, no __metadata__", () => {
  const pairs: [string, Tensor][] = [["b", t([1], [1])], ["a", t([2], [2, 3])]];
  const fromArray = encodeSafetensors(pairs);
  assert.deepEqual(encodeSafetensors(new Map(pairs)), fromArray);
  assert.deepEqual(encodeSafetensors(pairs, {}), fromArray);
  assert.ok(!headerOf(fromArray).text.includes("__metadata__"));
  assert.deepEqual(decodeSafetensors(fromArray, PATH).metadata, {});
  // given order, not sorted: "b" first
  assert.match(headerOf(fromArray).text, /^\{"b":.*"a":/);
});

Deno.test("exact bytes of a tiny file: u64 length, compact JSON, space padding, LE floats", () => {
  const bytes = encodeSafetensors([["w", t([2], [1, -2])]], { format: "pt" });
  const json = '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],' +
    '"data_offsets":[0,8]}}';
  assert.equal(json.length, 85);
  const { n, text } = headerOf(bytes);
  assert.equal(n, 88);
  assert.deepEqual([...bytes.subarray(0, 8)], [88, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(text, json + "   ");
  assert.equal((8 + n) % 8, 0);
  // 1.0 = 0x3f800000, -2.0 = 0xc0000000, little-endian
  assert.deepEqual([...bytes.subarray(8 + n)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  assert.equal(bytes.length, 8 + 88 + 8);
});

Deno.test("matches the bytes of the reference (Rust) writer's own test vectors", () => {
  // From huggingface/safetensors safetensors/src/tensor.rs tests: test_serialization,
  // test_serialization_forced_alignement and test_empty (one tensor, so no ordering question).
  const floats = [0, 1, 2, 3, 4, 5];
  const data = [0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64];
  const attn = encodeSafetensors([["attn.0", t([1, 2, 3], floats)]]);
  const attnJson = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  assert.deepEqual([...attn], [
    64,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...new TextEncoder().encode(attnJson),
    ...data,
  ]);
  const aligned = encodeSafetensors([["attn0", t([1, 1, 2, 3], floats)]]);
  const alignedJson = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}' +
    " ".repeat(7);
  assert.deepEqual(
    [...aligned],
    [72, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode(alignedJson), ...data],
  );
  assert.deepEqual([...encodeSafetensors([])], [
    8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    123,
    125,
    ...Array(6).fill(32),
  ]);
  const meta = encodeSafetensors([], { framework: "pt" });
  assert.deepEqual(headerOf(meta), {
    n: 40,
    text: '{"__metadata__":{"framework":"pt"}}' + " ".repeat(5),
  });
  assert.equal(meta.length, 48);
});

Deno.test("the committed fixture decodes to its values, and the encoder still writes its bytes", async () => {
  const committed = await Deno.readFile(FIXTURE_URL);
  const want = fixtureTensors();
  assert.deepEqual(encodeSafetensors(want, FIXTURE_METADATA), committed);
  const file = await readSafetensors(FIXTURE_URL.pathname);
  assert.deepEqual(file.metadata, FIXTURE_METADATA);
  assert.deepEqual([...file.tensors.keys()], want.map(([name]) => name));
  for (const [name, tensor] of want) {
    assert.deepEqual(file.tensors.get(name)!.shape, tensor.shape);
    assert.deepEqual(bits(file.tensors.get(name)!.data), bits(tensor.data));
  }
});

Deno.test("decoded tensors are aligned copies, also from unpadded headers and odd offsets", () => {
  const bytes = encodeSafetensors([["a", t([3], [1, 2, 3])], ["b", t([1], [4])]]);
  const file = decodeSafetensors(bytes, PATH);
  const a = file.tensors.get("a")!.data;
  assert.notEqual(a.buffer, bytes.buffer);
  bytes.fill(0);
  assert.deepEqual([...a], [1, 2, 3]);
  // An unpadded header (allowed by the format) puts the data at byte 8 + 53 = 61.
  const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const data = new Uint8Array(new Float32Array([5, 6]).buffer);
  const unpadded = craft(header, data, false);
  assert.equal(unpadded.length, 8 + header.length + 8);
  // ...and the whole file starts at an odd offset of its buffer.
  const shifted = new Uint8Array(unpadded.length + 1);
  shifted.set(unpadded, 1);
  const w = decodeSafetensors(shifted.subarray(1), PATH).tensors.get("w")!.data;
  assert.equal(w.byteOffset, 0);
  assert.deepEqual([...w], [5, 6]);
});

Deno.test("the encoder refuses misuse with RangeError/TypeError (bugs, not user errors)", () => {
  assert.throws(() => encodeSafetensors([["w", t([2, 2], [1, 2, 3])]]), {
    name: "RangeError",
    message: 'tensor "w": shape [2,2] holds 4 elements but data has 3',
  });
  assert.throws(() => encodeSafetensors([["w", t([-1], [])]]), RangeError);
  assert.throws(() => encodeSafetensors([["w", t([1.5], [1])]]), RangeError);
  assert.throws(() => encodeSafetensors([["w", t([1], [1])], ["w", t([1], [2])]]), {
    name: "RangeError",
    message: 'tensor "w" is given twice',
  });
  assert.throws(() => encodeSafetensors([["__metadata__", t([1], [1])]]), RangeError);
  const notFloat32 = { shape: [1], data: new Float64Array([1]) } as unknown as Tensor;
  assert.throws(() => encodeSafetensors([["w", notFloat32]]), TypeError);
  const badMeta = { epoch: 3 } as unknown as Record<string, string>;
  assert.throws(() => encodeSafetensors([], badMeta), TypeError);
});

// -- Corrupt files: one clear line each --------------------------------------------------------

const F32 = (n: number) => new Uint8Array(new Float32Array(n).buffer);

const corrupt: { what: string; bytes: () => Uint8Array; message: string }[] = [
  {
    what: "empty file",
    bytes: () => new Uint8Array(0),
    message: "file is 0 bytes, too short for a safetensors file " +
      "(expected an 8-byte header length, a JSON header and data)",
  },
  {
    what: "file shorter than 8 bytes",
    bytes: () => new Uint8Array([16, 0, 0, 0, 0]),
    message: "file is 5 bytes, too short for a safetensors file " +
      "(expected an 8-byte header length, a JSON header and data)",
  },
  {
    what: "header length beyond the end of the file",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4).subarray(0, 30),
    message: "header length says 56 bytes but only 22 follow the 8-byte length (truncated file?)",
  },
  {
    what: "absurd header length",
    bytes: () => {
      const bytes = craft("{}");
      new DataView(bytes.buffer).setBigUint64(0, 2n ** 40n, true);
      return bytes;
    },
    message: "header length 1099511627776 is over the 100000000-byte limit; " +
      "the file is corrupt or not a safetensors file",
  },
  {
    what: "header that is not UTF-8",
    bytes: () => {
      const bytes = craft('{"x":{}}');
      bytes[10] = 0xff;
      return bytes;
    },
    message: "header is not valid UTF-8; expected a UTF-8 JSON object",
  },
  {
    what: "header that is not JSON",
    bytes: () => craft('{"w":{"dtype":'),
    message: "header is not valid JSON; expected a JSON object of tensor entries",
  },
  {
    what: "header that is a JSON array",
    bytes: () => craft("[1,2,3]"),
    message: "header is an array; expected a JSON object of tensor entries",
  },
  {
    what: "header that is a JSON string",
    bytes: () => craft('"weights"'),
    message: "header is a string; expected a JSON object of tensor entries",
  },
  {
    what: "header that is null",
    bytes: () => craft("null"),
    message: "header is null; expected a JSON object of tensor entries",
  },
  {
    what: "header with leading whitespace",
    bytes: () => craft("  {}"),
    message: 'header starts with " "; expected "{" as its first byte',
  },
  {
    what: "__metadata__ that is an array",
    bytes: () => craft('{"__metadata__":["pt"]}'),
    message: "__metadata__ is an array; expected an object of string values",
  },
  {
    what: "__metadata__ with a non-string value",
    bytes: () => craft('{"__metadata__":{"format":"pt","epoch":3}}'),
    message: '__metadata__["epoch"] is a number; expected a string',
  },
  {
    what: "tensor entry that is not an object",
    bytes: () => craft('{"w":[0,4]}'),
    message: 'tensor "w" is an array; expected an object with dtype, shape and data_offsets',
  },
  {
    what: "tensor entry without dtype",
    bytes: () => craft('{"w":{"shape":[1],"data_offsets":[0,4]}}', 4),
    message: 'tensor "w" has no dtype; expected dtype, shape and data_offsets',
  },
  {
    what: "tensor entry without shape",
    bytes: () => craft('{"w":{"dtype":"F32","data_offsets":[0,4]}}', 4),
    message: 'tensor "w" has no shape; expected dtype, shape and data_offsets',
  },
  {
    what: "tensor entry without data_offsets",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[1]}}', 4),
    message: 'tensor "w" has no data_offsets; expected dtype, shape and data_offsets',
  },
  {
    what: "tensor entry with an unknown key",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"grad":1}}', 4),
    message: 'tensor "w" has an unexpected key "grad"; expected only dtype, shape and data_offsets',
  },
  {
    what: "dtype that is not a string",
    bytes: () => craft('{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}', 4),
    message: 'tensor "w" dtype is a number; expected "F32"',
  },
  {
    what: "dtype F16",
    bytes: () => craft('{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', 4),
    message: 'tensor "x" has dtype F16; expected F32',
  },
  {
    what: "dtype with odd characters (quoted)",
    bytes: () => craft('{"x":{"dtype":"f 32","shape":[1],"data_offsets":[0,4]}}', 4),
    message: 'tensor "x" has dtype "f 32"; expected F32',
  },
  {
    what: "a bad tensor whose name holds a newline (quoted, one line)",
    bytes: () => craft('{"a\\nb":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', 8),
    message: 'tensor "a\\nb" has dtype F64; expected F32',
  },
  {
    what: "shape that is not an array",
    bytes: () => craft('{"w":{"dtype":"F32","shape":"2x3","data_offsets":[0,24]}}', 24),
    message: 'tensor "w" shape is a string; expected an array of non-negative integers',
  },
  {
    what: "negative shape entry",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}}', 8),
    message: 'tensor "w" shape[1] is -1; expected a non-negative integer',
  },
  {
    what: "fractional shape entry",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}', 4),
    message: 'tensor "w" shape[0] is 1.5; expected a non-negative integer',
  },
  {
    what: "string shape entry",
    bytes: () => craft('{"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}', 8),
    message: 'tensor "w" shape[0] is "2"; expected a non-negative integer',
  },
  {
    what: "data_offsets with one number",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4]}}', 4),
    message: 'tensor "w" data_offsets is [4]; expected [begin, end], two non-negative integers',
  },
  {
    what: "data_offsets with a string",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,"4"]}}', 4),
    message: 'tensor "w" data_offsets is [0,"4"]; expected [begin, end], two non-negative integers',
  },
  {
    what: "data_offsets that end before they begin",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}', 8),
    message: 'tensor "w" data_offsets [8,4] end before they begin; expected begin <= end',
  },
  {
    what: "span that does not fit the shape",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}', 20),
    message: 'tensor "w" has shape [2,3] (24 bytes as F32) but data_offsets [0,20] span 20 bytes',
  },
  {
    what: "overlapping tensors",
    bytes: () =>
      craft(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
          '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}',
        12,
      ),
    message: 'tensors "a" [0,8] and "b" [4,12] overlap; expected each data byte to belong to ' +
      "one tensor",
  },
  {
    what: "an empty tensor inside another",
    bytes: () =>
      craft(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
          '"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}',
        8,
      ),
    message: 'tensors "a" [0,8] and "e" [4,4] overlap; expected each data byte to belong to ' +
      "one tensor",
  },
  {
    what: "a gap between tensors",
    bytes: () =>
      craft(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
          '"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}',
        20,
      ),
    message: "data bytes 8..12 belong to no tensor; expected the tensors to cover the data " +
      "buffer without gaps",
  },
  {
    what: "a gap at the start",
    bytes: () => craft('{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', 16),
    message: "data bytes 0..8 belong to no tensor; expected the tensors to cover the data " +
      "buffer without gaps",
  },
  {
    what: "data shorter than the header says",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[32],"data_offsets":[0,128]}}', 100),
    message: "data buffer holds 100 bytes but the header's tensors need 128 (truncated file?)",
  },
  {
    what: "trailing bytes after the last tensor",
    bytes: () => craft('{"w":{"dtype":"F32","shape":[32],"data_offsets":[0,128]}}', F32(34)),
    message: "data buffer holds 136 bytes but the header's tensors cover only 128; " +
      "expected no trailing bytes",
  },
];

for (const c of corrupt) {
  Deno.test(`refuses ${c.what}`, () => refuses(c.bytes(), c.message));
}

// -- Foreign files -----------------------------------------------------------------------------

const EXPECTED_LAYOUT = "expected an 8-byte little-endian header length followed by a JSON header";

const foreign: { what: string; bytes: Uint8Array; looksLike: string }[] = [
  {
    what: "a zip archive (PyTorch .pt since 1.6)",
    bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0x08, 0, 0, 0, 0, 0, 0, 0]),
    looksLike: "a zip archive, such as a PyTorch .pt/.pth file",
  },
  {
    what: "a pickle (legacy PyTorch .pt)",
    bytes: new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8]),
    looksLike: "a Python pickle, such as an old PyTorch .pt file",
  },
  {
    what: "a NumPy .npy file",
    bytes: new Uint8Array([0x93, ...new TextEncoder().encode("NUMPY\x01\x00v\x00{'descr'")]),
    looksLike: "a NumPy .npy file",
  },
  {
    what: "a gzip file",
    bytes: new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0, 0]),
    looksLike: "a gzip file",
  },
  {
    what: "a text file",
    bytes: new TextEncoder().encode("step,loss,dev_acc\n100,2.94,0.05\n"),
    looksLike: "a text file",
  },
  {
    what: "a JSON file",
    bytes: new TextEncoder().encode('{"cell": "lstm", "hidden": 32}\n'),
    looksLike: "a text file",
  },
  {
    what: "random binary data",
    bytes: new Uint8Array([1, 2, 3, 0xfe, 0, 0xff, 0x10, 0x99, 0, 1, 2, 3]),
    looksLike: "some other binary file",
  },
];

for (const f of foreign) {
  Deno.test(`says ${f.what} is not a safetensors file`, () => {
    refuses(f.bytes, `not a safetensors file (it looks like ${f.looksLike}); ${EXPECTED_LAYOUT}`);
  });
}

// -- Truncation --------------------------------------------------------------------------------

Deno.test("a file cut at any byte (or with a byte appended) is refused", () => {
  const whole = encodeSafetensors(fixtureTensors(), FIXTURE_METADATA);
  const { n } = headerOf(whole);
  for (let cut = 0; cut < whole.length; cut++) {
    assert.throws(
      () => decodeSafetensors(whole.slice(0, cut), PATH),
      (err: unknown) => err instanceof CheckpointError && !err.message.includes("\n"),
      `a file cut to ${cut} of ${whole.length} bytes was accepted`,
    );
  }
  const longer = new Uint8Array(whole.length + 1);
  longer.set(whole);
  assert.throws(() => decodeSafetensors(longer, PATH), CheckpointError);
  // the message at a few places: in the length, in the header, in the data
  refuses(
    whole.slice(0, 7),
    "file is 7 bytes, too short for a safetensors file " +
      "(expected an 8-byte header length, a JSON header and data)",
  );
  refuses(
    whole.slice(0, 8 + 100),
    `header length says ${n} bytes but only 100 follow the 8-byte length (truncated file?)`,
  );
  const data = whole.length - 8 - n;
  refuses(
    whole.slice(0, whole.length - 5),
    `data buffer holds ${data - 5} bytes but the header's tensors need ${data} (truncated file?)`,
  );
  refuses(
    whole.slice(0, 8 + n),
    `data buffer holds 0 bytes but the header's tensors need ${data} (truncated file?)`,
  );
});

// -- Files on disk -----------------------------------------------------------------------------

Deno.test("readSafetensors: a missing file or a folder is a CheckpointError", async () => {
  const dir = await Deno.makeTempDir();
  const missing = `${dir}/none.safetensors`;
  await assert.rejects(readSafetensors(missing), {
    name: "CheckpointError",
    message: `${missing}: no such file; expected a safetensors checkpoint`,
  });
  await assert.rejects(readSafetensors(dir), {
    name: "CheckpointError",
    message: `${dir}: is a folder; expected a safetensors checkpoint file`,
  });
  await Deno.writeTextFile(`${dir}/notes.txt`, "not a checkpoint at all\n");
  await assert.rejects(readSafetensors(`${dir}/notes.txt`), {
    name: "CheckpointError",
    message: `${dir}/notes.txt: not a safetensors file (it looks like a text file); ` +
      EXPECTED_LAYOUT,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeSafetensors writes atomically, creates the folder, leaves no temp files", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/run/best.safetensors`;
  await writeSafetensors(path, [["w", t([2], [1, 2])]], { format: "pt" });
  await writeSafetensors(path, new Map([["w", t([3], [3, 4, 5])]]), { format: "pt", step: "7" });
  const names = [];
  for await (const entry of Deno.readDir(`${dir}/run`)) names.push(entry.name);
  assert.deepEqual(names, ["best.safetensors"]);
  const file = await readSafetensors(path);
  assert.deepEqual([...file.tensors.get("w")!.data], [3, 4, 5]);
  assert.deepEqual(file.metadata, { format: "pt", step: "7" });
  // a failed write (the target is a folder) keeps what was there and leaves no temp file
  await Deno.mkdir(`${dir}/run/taken.safetensors`);
  await assert.rejects(writeSafetensors(`${dir}/run/taken.safetensors`, []));
  const after = [];
  for await (const entry of Deno.readDir(`${dir}/run`)) after.push(entry.name);
  assert.deepEqual(after.sort(), ["best.safetensors", "taken.safetensors"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CheckpointError is a UserError with exit code 1 and its own name", () => {
  const err = new CheckpointError("x.safetensors: bad");
  assert.ok(err instanceof UserError);
  assert.equal(err.name, "CheckpointError");
  assert.equal(err.exitCode, 1);
});
