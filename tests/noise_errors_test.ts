import assert from "node:assert/strict";
import { parseDigitSum } from "../mod.ts";
import {
  errorsByNoisePosition,
  noiseErrorTable,
  noiseGroup,
  noisePosition,
} from "../lib/train/noise_errors.ts";

Deno.test("noisePosition: the first non-zero digit after the two addends, -1 for none", () => {
  const digits = new Int32Array([
    [3, 4, 0, 7, 0],
    [0, 0, 9, 0, 0],
    [5, 6, 0, 0, 0],
    [1, 2, 0, 0, 8],
  ].flat());
  assert.deepEqual([0, 1, 2, 3].map((row) => noisePosition(digits, row, 5)), [3, 2, -1, 4]);
});

Deno.test("errorsByNoisePosition: examples and errors per position, sorted", () => {
  const data = parseDigitSum(
    "1 2 5 0\t3\n1 2 0 5\t3\n4 0 0 0\t4\n0 0 3 0\t0\n",
    "mini.txt",
  );
  const counts = errorsByNoisePosition(data, new Int32Array([8, 3, 4, 3]));
  assert.deepEqual([...counts], [
    [-1, { n: 1, errors: 0 }],
    [2, { n: 2, errors: 2 }],
    [3, { n: 1, errors: 0 }],
  ]);
});

Deno.test("noiseErrorTable: positions grouped 2, 3, 4, 5, ≥6, none", () => {
  assert.deepEqual([2, 5, 6, 30, -1].map(noiseGroup), ["2", "5", "≥6", "≥6", "none"]);
  const row = new Map([
    [2, { n: 12, errors: 7 }],
    [6, { n: 40, errors: 1 }],
    [9, { n: 40, errors: 0 }],
    [-1, { n: 8, errors: 0 }],
  ]);
  assert.equal(
    noiseErrorTable([["LSTM L10", row], ["GRU L5", new Map()]]),
    [
      "test errors by the noise digit's position (errors/examples)",
      "job           2      3      4      5     ≥6   none",
      "LSTM L10   7/12      ·      ·      ·   1/80    0/8",
      "GRU L5        ·      ·      ·      ·      ·      ·",
    ].join("\n"),
  );
});
