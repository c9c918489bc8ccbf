import assert from "node:assert/strict";
import { BOOK_MODEL, fromBookLstm, initParams, SeqClassifier, toBookLstm } from "../mod.ts";
import { linearForward, lstmForward, matmulATB, matmulBT, sigmoid, tanh } from "../lib/nn/mod.ts";
import { MT19937 } from "../lib/data/mod.ts";
import { assertClose } from "./helpers.ts";

Deno.test("the blog's toy LSTM(2, 2) gives h = [0.0594368, 0.0952412]", () => {
  const W = [[0.1, 0.2], [0.1, 0.2]];
  const U = [[0.0, 0.1], [0.1, 0.0]];
  const b = [[0.1, 0.1]];
  const torch = fromBookLstm({
    W_i: W,
    W_f: W,
    W_o: W,
    W_c: W,
    U_i: U,
    U_f: U,
    U_o: U,
    U_c: U,
    b_i: b,
    b_f: b,
    b_o: b,
    b_c: b,
  });
  const [T, B, I, H] = [1, 1, 2, 2];
  const bias = torch.bias_ih_l0.map((v, k) => v + torch.bias_hh_l0[k]!);
  const xp = new Float32Array(T * B * 4 * H);
  linearForward(xp, new Float32Array([1, 0]), torch.weight_ih_l0, bias, T * B, I, 4 * H);
  const hs = new Float32Array((T + 1) * B * H);
  const cs = new Float32Array((T + 1) * B * H);
  lstmForward(
    hs,
    cs,
    new Float32Array(T * B * 4 * H),
    new Float32Array(T * B * H),
    xp,
    torch.weight_hh_l0,
    T,
    B,
    H,
  );
  assertClose(hs.subarray(B * H), [0.0594368, 0.0952412], { atol: 1e-6, what: "h" });
});

Deno.test("the blog's layout: a second step uses U, and the round trip is exact", () => {
  const rng = new MT19937(5);
  const rows = (n: number, m: number) =>
    Array.from(
      { length: n },
      () => Array.from({ length: m }, () => Math.fround(rng.random() - 0.5)),
    );
  const [I, H] = [3, 2];
  const book = {
    W_i: rows(I, H),
    W_f: rows(I, H),
    W_o: rows(I, H),
    W_c: rows(I, H),
    U_i: rows(H, H),
    U_f: rows(H, H),
    U_o: rows(H, H),
    U_c: rows(H, H),
    b_i: rows(1, H),
    b_f: rows(1, H),
    b_o: rows(1, H),
    b_c: rows(1, H),
  };
  assert.deepEqual(toBookLstm(fromBookLstm(book), I, H), book);
  // two steps by the book's equations, in float64, against the kernel
  const x = [[0.5, -1, 2], [1, 0.25, -0.5]];
  const mv = (v: number[], M: number[][]) =>
    M[0]!.map((_, j) => v.reduce((s, vi, k) => s + vi * M[k]![j]!, 0));
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  let h = [0, 0];
  let c = [0, 0];
  for (const xt of x) {
    const pre = (g: "i" | "f" | "o" | "c") =>
      mv(xt, book[`W_${g}`]).map((v, j) => v + mv(h, book[`U_${g}`])[j]! + book[`b_${g}`][0]![j]!);
    const [i, f, o] = [pre("i").map(sig), pre("f").map(sig), pre("o").map(sig)];
    const g = pre("c").map(Math.tanh);
    c = c.map((cj, j) => f[j]! * cj + i[j]! * g[j]!);
    h = c.map((cj, j) => o[j]! * Math.tanh(cj));
  }
  const torch = fromBookLstm(book);
  const xp = new Float32Array(2 * 4 * H);
  linearForward(xp, Float32Array.from(x.flat()), torch.weight_ih_l0, torch.bias_ih_l0, 2, I, 4 * H);
  const hs = new Float32Array(3 * H);
  lstmForward(
    hs,
    new Float32Array(3 * H),
    new Float32Array(8 * H),
    new Float32Array(2 * H),
    xp,
    torch.weight_hh_l0,
    2,
    1,
    H,
  );
  assertClose(hs.subarray(2 * H), h, { atol: 1e-6, what: "h_2" });
});

Deno.test("fast tanh and sigmoid are within float32 precision of Math's", () => {
  let worstTanh = 0;
  let worstSig = 0;
  for (let x = -20; x <= 20; x += 1e-3) {
    worstTanh = Math.max(worstTanh, Math.abs(tanh(x) - Math.tanh(x)));
    worstSig = Math.max(worstSig, Math.abs(sigmoid(x) - 1 / (1 + Math.exp(-x))));
  }
  assert.ok(worstTanh < 3e-7, `tanh error ${worstTanh}`);
  assert.ok(worstSig < 1.5e-7, `sigmoid error ${worstSig}`);
  assert.equal(tanh(0), 0);
  assert.equal(tanh(100), -tanh(-100));
});

Deno.test("matmulBT handles odd rows and columns, offsets, and accumulates", () => {
  const rng = new MT19937(9);
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [2, 4, 3], [5, 6, 1], [
    8,
    128,
    32,
  ]];
  for (const [M, N, K] of shapes) {
    const a = Float32Array.from({ length: 2 + M * K }, () => rng.random() - 0.5);
    const b = Float32Array.from({ length: 3 + N * K }, () => rng.random() - 0.5);
    const out = Float32Array.from({ length: 1 + M * N }, () => 1);
    matmulBT(out, 1, a, 2, b, 3, M, N, K);
    const expected = [1];
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 1;
        for (let k = 0; k < K; k++) s += a[2 + m * K + k]! * b[3 + n * K + k]!;
        expected.push(s);
      }
    }
    assertClose(out, expected, { atol: 1e-6, what: `${M}x${N}x${K}` });
  }
});

Deno.test("matmulATB: each element is one in-order float64 sum over n, however many passes", () => {
  const rng = new MT19937(11);
  // [N, I, J]: one pass; 3 passes of 477 rows (65,536 / (I + J)) with odd edges; rows [2, 7) only
  const cases: [number, number, number, number, number][] = [
    [5, 4, 3, 0, 4],
    [1000, 130, 7, 0, 130],
    [1000, 130, 7, 2, 7],
  ];
  for (const [N, I, J, i0, i1] of cases) {
    const a = Float32Array.from({ length: 2 + N * I }, () => rng.random() - 0.5);
    const b = Float32Array.from({ length: 3 + N * J }, () => rng.random() - 0.5);
    const out = Float32Array.from({ length: I * J }, () => 1);
    matmulATB(out, a, 2, b, 3, N, I, J, i0, i1);
    const expected = new Float32Array(I * J).fill(1);
    for (let i = i0; i < i1; i++) {
      for (let j = 0; j < J; j++) {
        let s = 0;
        for (let n = 0; n < N; n++) s += a[2 + n * I + i]! * b[3 + n * J + j]!;
        expected[i * J + j]! += s;
      }
    }
    assert.deepEqual(out, expected, `${N}x${I}x${J} rows [${i0}, ${i1})`);
  }
});

Deno.test("initParams: seeded, deterministic, and within each scheme's bounds", () => {
  const make = (init: "torch" | "xavier" | "zeros", seed: number, forgetBias = 0) => {
    const model = new SeqClassifier(BOOK_MODEL);
    initParams(model, { init, seed, forgetBias });
    return model;
  };
  assert.deepEqual(make("xavier", 3).params, make("xavier", 3).params);
  assert.notDeepEqual(make("xavier", 3).params, make("xavier", 4).params);
  const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const xavier = make("xavier", 0);
  const bound = (fanIn: number, fanOut: number) => Math.sqrt(6 / (fanIn + fanOut));
  for (
    const [name, b] of [["embedding.weight", bound(10, 32)], ["rnn.weight_ih_l0", bound(32, 32)], [
      "rnn.bias_ih_l0",
      bound(1, 32),
    ], ["linear.weight", bound(32, 19)]] as const
  ) {
    const m = maxAbs(xavier.p[name]);
    assert.ok(m <= b && m > 0.9 * b, `${name}: max |w| ${m} against bound ${b}`);
  }
  assert.equal(maxAbs(xavier.p["rnn.bias_hh_l0"]), 0);
  assert.equal(maxAbs(xavier.p["linear.bias"]), 0);
  const torch = make("torch", 0);
  const emb = torch.p["embedding.weight"];
  const std = Math.sqrt(emb.reduce((s, v) => s + v * v, 0) / emb.length);
  assert.ok(std > 0.8 && std < 1.2, `embedding std ${std}`);
  assert.ok(maxAbs(torch.p["rnn.weight_hh_l0"]) <= 1 / Math.sqrt(32));
  const zeros = make("zeros", 0);
  assert.equal(maxAbs(zeros.p["rnn.weight_hh_l0"]) + maxAbs(zeros.p["rnn.bias_ih_l0"]), 0);
  const withBias = make("zeros", 0, 1.5);
  assert.deepEqual(Array.from(withBias.p["rnn.bias_ih_l0"].subarray(0, 96)), [
    ...Array(32).fill(0),
    ...Array(32).fill(1.5),
    ...Array(32).fill(0),
  ]);
  // the GRU's "forget" gate is its update gate z (gates r, z, n)
  const gru = new SeqClassifier({ ...BOOK_MODEL, cell: "gru" });
  initParams(gru, { init: "zeros", seed: 0, forgetBias: 2 });
  assert.deepEqual(Array.from(gru.p["rnn.bias_ih_l0"]), [
    ...Array(32).fill(0),
    ...Array(32).fill(2),
    ...Array(32).fill(0),
  ]);
  assert.throws(
    () => initParams(gru, { init: "torch", seed: 0, inputBias: 1 }),
    { message: "inputBias applies to the LSTM only, not gru" },
  );
  assert.throws(
    () =>
      initParams(new SeqClassifier({ ...BOOK_MODEL, cell: "srn" }), {
        init: "torch",
        seed: 0,
        forgetBias: 1,
      }),
    { message: "forgetBias applies to the LSTM and GRU, not srn" },
  );
});

Deno.test("SeqClassifier: a batch's logits do not depend on the other examples in it", () => {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell: "gru" });
  initParams(model, { init: "torch", seed: 2 });
  const digits = new Int32Array([1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 9, 0]);
  const all = Array.from(model.forward(digits, 3, 4));
  const second = Array.from(model.forward(digits.subarray(4, 8), 1, 4));
  assertClose(second, all.slice(19, 38), { atol: 1e-7, what: "row 2" });
  assert.throws(() => model.forward(digits, 4, 4), /forward needs B·T = 4·4 digits, got 12/);
});
