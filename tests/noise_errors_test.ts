import assert from "node:assert/strict";
import { parseDigitSum } from "../mod.ts";
import {
  errorsByNoisePosition,
  memorySplit,
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

Deno.test("memorySplit: memory is noise at position >= 4 or none, adjacent is 2 or 3", () => {
  // rows: noise at 2 (wrong), 3 (right), 4 (wrong), 6 (right), none (right), none (wrong)
  const data = parseDigitSum(
    "1 2 5 0 0 0 0\t3\n1 2 0 5 0 0 0\t3\n1 2 0 0 5 0 0\t3\n" +
      "1 2 0 0 0 0 5\t3\n4 4 0 0 0 0 0\t8\n4 0 0 0 0 0 0\t4\n",
    "mini.txt",
  );
  const split = memorySplit(errorsByNoisePosition(data, new Int32Array([9, 3, 0, 3, 8, 7])));
  assert.deepEqual(split, {
    test_acc_memory: 0.5, // positions 4 (wrong), 6 (right), none (right, wrong)
    test_acc_adjacent: 0.5, // positions 2 (wrong), 3 (right)
    n_memory: 4,
    n_adjacent: 2,
  });
  const none = memorySplit(
    errorsByNoisePosition(parseDigitSum("1 2 0\t3\n", "x"), new Int32Array([3])),
  );
  assert.ok(
    Number.isNaN(none.test_acc_adjacent) && none.n_adjacent === 0,
    "no adjacent examples: NaN",
  );
  assert.equal(none.test_acc_memory, 1);
});
