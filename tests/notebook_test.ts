/**
 * notebooks/memory.ipynb: stored without outputs; its code cells, extracted to a .ts with a
 * stand-in for `Deno.jupyter`, pass `deno check` and `deno lint`; it runs on Deno's Jupyter kernel
 * (through tests/run_notebook.py, nbclient) on the fixture run and shows what the library computes
 * here; and a cell that throws fails the runner.
 *
 * Needs Debian's jupyter-nbconvert, python3-nbclient, jupyter-client, jupyter-core and the kernel
 * (`deno jupyter --install --force`): `.ci/run` installs them when missing.
 */
import assert from "node:assert/strict";
import {
  ablateUnits,
  bookTable,
  evaluate,
  inputSaliency,
  openRun,
  traceForward,
  withHooks,
} from "../mod.ts";

const NOTEBOOK = "notebooks/memory.ipynb";
const FIXTURE = "tests/fixtures/run_analysis/default";

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}
const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");

async function readCells(path: string): Promise<Cell[]> {
  return (JSON.parse(await Deno.readTextFile(path)) as { cells: Cell[] }).cells;
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Run a notebook with tests/run_notebook.py; the executed notebook's cells. */
async function execute(notebook: string, env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/executed.ipynb`;
    const result = await run("/usr/bin/python3", ["tests/run_notebook.py", notebook, out], env);
    return { ...result, cells: result.code === 0 ? await readCells(out) : [] };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("notebook: stored with its outputs stripped", async () => {
  const cells = await readCells(NOTEBOOK);
  const code = cells.filter((c) => c.cell_type === "code");
  assert.ok(code.length >= 6);
  for (const cell of code) {
    assert.deepEqual(cell.outputs, [], text(cell.source).slice(0, 60));
    assert.equal(cell.execution_count, null);
  }
});

Deno.test("notebook: its code cells pass deno check and deno lint", async () => {
  const cells = (await readCells(NOTEBOOK)).filter((c) => c.cell_type === "code");
  const extracted = "notebooks/memory.ipynb.ts"; // beside the notebook: same imports (gitignored)
  const standIn = [
    `// The code cells of ${NOTEBOOK}, extracted by tests/notebook_test.ts.`,
    "/** Stand-in for the kernel's Deno.jupyter (plain deno has none), with the real signature. */",
    'const jupyter: Pick<typeof Deno.jupyter, "display"> = {',
    "  display: (obj) => Promise.resolve(console.log(Object.keys(obj as object))),",
    "};",
  ];
  const body = cells.map((c) => text(c.source).replaceAll("Deno.jupyter.", "jupyter."));
  await Deno.writeTextFile(extracted, [...standIn, ...body].join("\n\n") + "\n");
  try {
    for (const tool of ["check", "lint"]) {
      const { code, stdout, stderr } = await run(Deno.execPath(), [tool, extracted]);
      assert.equal(code, 0, `deno ${tool} ${extracted}:\n${stdout}${stderr}`);
    }
  } finally {
    await Deno.remove(extracted);
  }
});

Deno.test("notebook: runs on Deno's Jupyter kernel and shows the fixture run", async () => {
  const { code, stderr, cells } = await execute(NOTEBOOK, { LSTM_LAB_RUN: `../${FIXTURE}` });
  assert.equal(code, 0, `run_notebook.py failed:\n${stderr}`);
  const outputs = cells.filter((c) => c.cell_type === "code").map((c) => c.outputs ?? []);
  const streams = outputs.map((o) =>
    o.filter((x) => x.output_type === "stream").map((x) => text(x.text)).join("")
  );
  const figures = outputs.map((o) =>
    o.filter((x) => x.output_type === "display_data").map((x) => x.data!)
  );
  const runData = await openRun(FIXTURE);
  assert.equal(
    streams[0],
    `../${FIXTURE}: 4 jobs (lstm-L5-s0, lstm-L5-s1, lstm-L10-s0, lstm-L10-s1)\n`,
  );
  assert.equal(streams[1], bookTable(runData.summary) + "\n");
  for (const k of [2, 3, 4]) {
    assert.equal(figures[k]!.length, 1, `cell ${k}: one figure`);
    assert.match(text(figures[k]![0]!["image/svg+xml"] as string | string[]), /^<svg[^]*<\/svg>$/);
    assert.ok(typeof figures[k]![0]!["application/vnd.vegalite.v5+json"] === "object");
  }
  // the sequence the notebook traces, "3 4 0 0 0 0 7 0 0 0", read by the length-10 job of seed 0
  const job = runData.job("lstm-L10-s0");
  const { model } = await job.loadModel();
  const digits = new Int32Array([3, 4, 0, 0, 0, 0, 7, 0, 0, 0]);
  const logits = traceForward(model, digits).logits;
  const pred = logits.indexOf(Math.max(...logits));
  assert.equal(streams[3], `lstm-L10-s0: 3 + 4 = 7; the network answers ${pred}\n`);
  const { saliency } = inputSaliency(model, digits);
  const line = [...saliency].map((s, t) => `${t}: ${digits[t]} ${s.toFixed(3)}`).join(", ");
  assert.equal(streams[4], line + "\n");
  const test = await job.data("test");
  const base = evaluate(model, test).accuracy;
  const lost = Array.from({ length: 32 }, (_, unit) => ({
    unit,
    lost: base - withHooks(model, ablateUnits([unit]), () => evaluate(model, test).accuracy),
  })).sort((a, b) => b.lost - a.lost);
  const top = lost.slice(0, 5).map((u) => `unit ${u.unit}: −${u.lost.toFixed(2)}`).join(", ");
  assert.equal(
    streams[5],
    `lstm-L10-s0: test accuracy ${base.toFixed(2)}; the units whose ablation costs most:\n${top}\n`,
  );
});

Deno.test("notebook: a cell that throws fails the run, and later cells do not run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cell = (source: string) => ({
      cell_type: "code",
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    });
    const notebook = {
      cells: [
        cell('console.log("first");'),
        cell('throw new Error("boom in cell 2");'),
        cell('console.log("third");'),
      ],
      metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    await Deno.writeTextFile(`${dir}/throws.ipynb`, JSON.stringify(notebook));
    const { code, stderr } = await execute(`${dir}/throws.ipynb`);
    assert.equal(code, 1);
    assert.match(stderr, /a cell failed/);
    assert.match(stderr, /boom in cell 2/);
    assert.doesNotMatch(stderr, /third/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
