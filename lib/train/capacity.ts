/**
 * The memory-capacity study's results (`deno task capacity`): `capacity.csv`, the mean and spread
 * of test accuracy per (cell, length), each cell's two capacities, and the markdown tables.
 *
 * A capacity of a cell is the longest length L of the study such that the mean of an accuracy over
 * seeds is ≥ 0.9 at L *and at every shorter length studied* — how far the memory still reaches
 * before it first fails. Two accuracies give two capacities:
 * - **memory capacity**: `test_acc_memory`, the accuracy on the test examples whose noise digit is
 *   at position ≥ 4 or absent, which only memory can answer;
 * - **overall capacity**: `test_acc`, the whole test set, which also counts telling the second digit from a noise digit right after it (position 2 or 3,
 *   `test_acc_adjacent`) — interference, not forgetting.
 *
 * A length that climbs back above 0.9 after a failure does not count (the tables name it
 * instead); none at all is "< shortest length". A mean within 1e-9 of the threshold counts as
 * reaching it (accuracies are counts over 100, and their float mean is not exact: the mean of 0.85
 * and 0.95 is 0.8999999999999999).
 * @module
 */

import { CELL_KINDS, type CellKind } from "../model/config.ts";
import type { GateInit } from "../model/init.ts";
import type { GeneratedTaskName } from "../tasks/task.ts";
import { sortJobs } from "../run/job_name.ts";
import { hasMemorySplit } from "../run/migrate.ts";
import { inputSpaceSize } from "../data/input_space.ts";
import type { JobResult } from "../run/result.ts";
import type { CapacityRow } from "../run/summary.ts";
import { meanStd } from "./summary.ts";

/** The accuracies a capacity can be measured on. */
export type AccuracyField = "test_acc" | "test_acc_memory" | "test_acc_adjacent";

/** What the statistics of a capacity need of a row: the job, and the accuracies it has. */
export type StatsRow =
  & Pick<CapacityRow, "cell" | "length" | "seed">
  & Partial<Pick<CapacityRow, AccuracyField>>;

/** Mean test accuracy a cell must keep for its memory to reach a length. */
export const CAPACITY_THRESHOLD = 0.9;

/**
 * What a capacity is measured on: an accuracy field of the rows, or a value computed from a row
 * (a task's test loss over its baseline, say).
 */
export type CapacityMeasure<R extends StatsRow = StatsRow> = AccuracyField | ((row: R) => number);

/**
 * Which side of the threshold passes: `at-least` for an accuracy (the digit sum's ≥ 0.9),
 * `at-most` for a loss ratio (a task's test loss ≤ a tenth of its baseline's).
 */
export type CapacityDirection = "at-least" | "at-most";

/**
 * A study's grid: its cells, lengths and seeds, its gate-bias initialisation and, for a study of a
 * generated task, the task and its training steps.
 */
export interface CapacityStudy {
  /** Cells. */
  cells: readonly CellKind[];
  /** Sequence lengths. */
  lengths: readonly number[];
  /** Seeds. */
  seeds: readonly number[];
  /** The gate biases of the LSTM and GRU (`--gate-init`). */
  gateInit: GateInit;
  /** The run folder. */
  out: string;
  /** A generated task (absent: the book's digit sum); its lengths are the task's T. */
  task?: GeneratedTaskName;
  /** Training steps of each job of a `task` study. */
  steps?: number;
}

/** The lengths and seeds of the default and chrono studies. */
const STUDY_GRID = {
  lengths: [10, 20, 35, 50, 75, 100, 150, 200],
  seeds: [0, 1, 2],
} as const;

/** The cells of the task studies with constant gate biases (forget or update gate bias 1). */
const TASK_CELLS = ["lstm", "gru", "irnn"] as const;

/** The copy studies' T (Arjovsky et al. 2016 ran 100, 200, 300 and 500), seeds and steps. */
const COPY_GRID = { lengths: [100, 200, 500], seeds: [0, 1, 2], steps: 3000 } as const;

/** The adding studies' T (Arjovsky et al.: 100, 200, 400, 750; the TCN paper: 600). */
const ADDING_GRID = {
  lengths: [100, 200, 400, 600, 750],
  seeds: [0, 1, 2],
  steps: 2000,
} as const;

/**
 * The named studies of `deno task capacity --study NAME` (explicit `--cells`, `--lengths`,
 * `--seeds`, `--gate-init` and `--out` override them); every job uses the `capacity` preset,
 * {@linkcode CAPACITY_PRESET}: at most 300 epochs with early stopping.
 * - `default`: the four cells at lengths 10–200 with the constant gate biases (the IRNN's jobs
 *   cost about what the SRN's do; docs/capacity.md gives the study's time).
 * - `chrono`: the LSTM and GRU on the same grid with chrono gate biases (T_max = the length);
 *   their jobs stop by patience or at dev accuracy 1.0, earlier than with constant biases.
 * - `extended`: the LSTM and GRU with chrono at lengths 300, 500 and 1,000 — hours on two cores,
 *   not part of CI.
 *
 * The task studies train each job for a fixed number of steps on fresh batches, with the task
 * options (`TASK_OPTIONS`, lib/train/config.ts: hidden 40, batch 20, Adam lr 0.01, clipping 1; the IRNN
 * its own lr and clipping) — the papers' settings at this machine's size (docs/tasks.md):
 * - `copy`: the LSTM and GRU (forget or update gate bias 1) and the IRNN on the copy task at
 *   T = 100, 200 and 500, 3,000 steps; `copy-chrono`: the LSTM with chrono (T_max = 3T/2).
 * - `adding`: the same cells on the adding problem at T = 100, 200, 400, 600 and 750, 2,000
 *   steps; `adding-chrono`: the LSTM with chrono (T_max = T).
 */
export const CAPACITY_STUDIES = {
  default: {
    cells: ["lstm", "gru", "srn", "irnn"],
    ...STUDY_GRID,
    gateInit: "constant",
    out: "runs/capacity",
  },
  chrono: {
    cells: ["lstm", "gru"],
    ...STUDY_GRID,
    gateInit: "chrono",
    out: "runs/capacity-chrono",
  },
  extended: {
    cells: ["lstm", "gru"],
    lengths: [300, 500, 1000],
    seeds: STUDY_GRID.seeds,
    gateInit: "chrono",
    out: "runs/capacity-extended",
  },
  copy: { task: "copy", cells: TASK_CELLS, ...COPY_GRID, gateInit: "constant", out: "runs/copy" },
  "copy-chrono": {
    task: "copy",
    cells: ["lstm"],
    ...COPY_GRID,
    gateInit: "chrono",
    out: "runs/copy-chrono",
  },
  adding: {
    task: "adding",
    cells: TASK_CELLS,
    ...ADDING_GRID,
    gateInit: "constant",
    out: "runs/adding",
  },
  "adding-chrono": {
    task: "adding",
    cells: ["lstm"],
    ...ADDING_GRID,
    gateInit: "chrono",
    out: "runs/adding-chrono",
  },
} as const satisfies Record<string, CapacityStudy>;

/** A study's name. */
export type CapacityStudyName = keyof typeof CAPACITY_STUDIES;

/** The default study's cells, lengths and seeds. */
export const CAPACITY_DEFAULTS: Pick<CapacityStudy, "cells" | "lengths" | "seeds"> =
  CAPACITY_STUDIES.default;

const TOLERANCE = 1e-9;

/** One accuracy of one (cell, length) over its seeds. */
export interface LengthStats {
  /** The cell. */
  cell: CellKind;
  /** The length. */
  length: number;
  /** Mean accuracy over the seeds with a finite one (NaN when none has). */
  mean: number;
  /** Sample standard deviation (n − 1; 0 for one seed). */
  std: number;
  /** Lowest test accuracy. */
  min: number;
  /** Highest test accuracy. */
  max: number;
  /** Seeds with a finite test accuracy. */
  n: number;
}

/** A cell's capacity (memory or overall) and how its accuracies got there. */
export interface CellCapacity {
  /** The cell. */
  cell: CellKind;
  /** The capacity (see the module doc), or null when the shortest length already fails. */
  capacity: number | null;
  /** The shortest length studied. */
  shortest: number;
  /** True when every length studied reaches the threshold (the capacity may be longer still). */
  allPass: boolean;
  /** Lengths beyond the first failure whose mean is ≥ the threshold again. */
  recovered: number[];
}

/**
 * One accuracy (`field`, default `test_acc`) per (cell, length) over its seeds, sorted by cell
 * then length. Seeds whose value is NaN or missing (a job with no checkpoint, or one trained before
 * the memory split) are left out of the statistics.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lengthStats } from "./capacity.ts";
 * const r = { cell: "gru" as const, length: 20 };
 * const [s] = lengthStats([{ ...r, seed: 0, test_acc: 0.9 }, { ...r, seed: 1, test_acc: 1 }]);
 * assert.deepEqual([s!.mean.toFixed(2), s!.min, s!.max, s!.n], ["0.95", 0.9, 1, 2]);
 * ```
 */
export function lengthStats<R extends StatsRow>(
  rows: readonly R[],
  field: CapacityMeasure<R> = "test_acc",
): LengthStats[] {
  const groups = new Map<string, { cell: CellKind; length: number; values: number[] }>();
  for (const row of sortJobs(rows)) {
    const key = `${row.cell}/${row.length}`;
    const group = groups.get(key) ?? { cell: row.cell, length: row.length, values: [] };
    const value = typeof field === "function" ? field(row) : row[field];
    if (typeof value === "number" && Number.isFinite(value)) group.values.push(value);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ cell, length, values }) => {
    const { mean, std, n } = meanStd(values);
    return {
      cell,
      length,
      mean,
      std,
      min: n > 0 ? Math.min(...values) : NaN,
      max: n > 0 ? Math.max(...values) : NaN,
      n,
    };
  });
}

/**
 * Whether a mean test accuracy reaches the threshold (within 1e-9; NaN never does); with
 * `at-most`, whether a mean is at most the threshold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reaches } from "./capacity.ts";
 * assert.deepEqual([reaches((0.85 + 0.95) / 2), reaches(0.899), reaches(NaN)], [true, false, false]);
 * assert.deepEqual([reaches(0.05, 0.1, "at-most"), reaches(0.2, 0.1, "at-most")], [true, false]);
 * ```
 */
export function reaches(
  mean: number,
  threshold = CAPACITY_THRESHOLD,
  direction: CapacityDirection = "at-least",
): boolean {
  return direction === "at-least" ? mean >= threshold - TOLERANCE : mean <= threshold + TOLERANCE;
}

/**
 * One cell's capacity from its per-length statistics (any order; other cells' stats are ignored):
 * the longest length whose mean, and every shorter length's mean, reaches the threshold (see the
 * module doc). It is the memory or the overall capacity as the statistics are of `test_acc_memory`
 * or `test_acc` ({@linkcode lengthStats}' `field`).
 *
 * @example A dip at 35 ends the memory at 20, although 50 climbs back
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellCapacity } from "./capacity.ts";
 * const at = (length: number, mean: number) => ({ cell: "lstm" as const, length, mean, std: 0, min: mean, max: mean, n: 1 });
 * const c = cellCapacity("lstm", [at(10, 1), at(20, 0.9), at(35, 0.85), at(50, 0.95)]);
 * assert.equal(c.capacity, 20);
 * assert.deepEqual(c.recovered, [50]);
 * ```
 */
export function cellCapacity(
  cell: CellKind,
  stats: readonly LengthStats[],
  threshold = CAPACITY_THRESHOLD,
  direction: CapacityDirection = "at-least",
): CellCapacity {
  const mine = stats.filter((s) => s.cell === cell).sort((a, b) => a.length - b.length);
  if (mine.length === 0) throw new RangeError(`cellCapacity: no lengths for ${cell}`);
  let capacity: number | null = null;
  let failed = false;
  const recovered: number[] = [];
  for (const s of mine) {
    const ok = reaches(s.mean, threshold, direction);
    if (!failed && ok) capacity = s.length;
    else if (!ok) failed = true;
    else recovered.push(s.length);
  }
  return { cell, capacity, shortest: mine[0]!.length, allPass: !failed, recovered };
}

/**
 * Every cell's capacity on one accuracy (`field`: `test_acc` gives the overall capacity,
 * `test_acc_memory` the memory capacity), or on any measure of the rows with a `direction`, in
 * the order of {@linkcode CELL_KINDS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { capacities } from "./capacity.ts";
 * const r = { length: 10, seed: 0 };
 * const list = capacities([{ ...r, cell: "srn", test_acc: 0.5 }, { ...r, cell: "lstm", test_acc: 1 }]);
 * assert.deepEqual(list.map((c) => `${c.cell}:${c.capacity}`), ["lstm:10", "srn:null"]);
 * ```
 */
export function capacities<R extends StatsRow>(
  rows: readonly R[],
  threshold = CAPACITY_THRESHOLD,
  field: CapacityMeasure<R> = "test_acc",
  direction: CapacityDirection = "at-least",
): CellCapacity[] {
  const stats = lengthStats(rows, field);
  const cells = CELL_KINDS.filter((cell) => stats.some((s) => s.cell === cell));
  return cells.map((cell) => cellCapacity(cell, stats, threshold, direction));
}

/**
 * How the capacity table writes a cell's capacity: the length; `< 10` when the shortest length
 * already fails; `≥ 200 (every length passed)` when none fails; and any recovery after the first
 * failure in brackets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { capacityText } from "./capacity.ts";
 * assert.equal(capacityText({ cell: "srn", capacity: null, shortest: 10, allPass: false, recovered: [] }), "< 10");
 * assert.equal(
 *   capacityText({ cell: "lstm", capacity: 20, shortest: 10, allPass: false, recovered: [50] }),
 *   "20 (≥ 0.9 again at 50)",
 * );
 * ```
 */
export function capacityText(
  c: CellCapacity,
  threshold = CAPACITY_THRESHOLD,
  direction: CapacityDirection = "at-least",
): string {
  let text = c.capacity === null
    ? `< ${c.shortest}`
    : c.allPass
    ? `≥ ${c.capacity} (every length passed)`
    : String(c.capacity);
  const side = direction === "at-least" ? "≥" : "≤";
  if (c.recovered.length > 0) text += ` (${side} ${threshold} again at ${c.recovered.join(", ")})`;
  return text;
}

/** Options of {@linkcode capacityMarkdown}. */
export interface CapacityMarkdownOptions {
  /** The threshold (default 0.9). */
  threshold?: number;
  /** A line on how the study was run (preset, epochs, patience), printed under the heading. */
  settings?: string;
}

/** The three accuracy tables of capacity.md: the field and the table's heading. */
const ACCURACY_TABLES: readonly [AccuracyField, string][] = [
  ["test_acc", "Test accuracy"],
  ["test_acc_memory", "Memory accuracy (noise digit at position ≥ 4, or none)"],
  ["test_acc_adjacent", "Adjacent-noise accuracy (noise digit at position 2 or 3)"],
];

/** A job's accuracy over the input space, or on its memory sequences (NaN: not measured). */
const SPACE_MEASURES = {
  all: (r: CapacityRow & Partial<SpaceRow>) => r.space_acc ?? NaN,
  memory: (r: CapacityRow & Partial<SpaceRow>) => r.space_acc_memory ?? NaN,
};

/** The input-space fields of a row of a capacity study's jobs. */
type SpaceRow = Pick<
  JobResult,
  "space_n" | "space_acc" | "space_n_memory" | "space_acc_memory"
>;

/**
 * The half-width of the 95 % sampling interval of a mean over seeds of shares measured on
 * samples (normal approximation): 1.96 · √(Σ p(1 − p)/n) / k over the k seeds; 0 when every share
 * was measured on the whole space (`exhaustive`).
 *
 * @example 100 test examples per seed at 0.9, three seeds: ± 0.034
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanSamplingHalfWidth } from "./capacity.ts";
 * assert.equal(meanSamplingHalfWidth([[0.9, 100], [0.9, 100], [0.9, 100]]).toFixed(3), "0.034");
 * assert.equal(meanSamplingHalfWidth([[0.9, 100]], true), 0);
 * ```
 */
export function meanSamplingHalfWidth(
  shares: readonly (readonly [p: number, n: number])[],
  exhaustive = false,
): number {
  if (exhaustive || shares.length === 0) return 0;
  const variance = shares.reduce((sum, [p, n]) => sum + (p * (1 - p)) / n, 0);
  return (1.959964 * Math.sqrt(variance)) / shares.length;
}

/** One markdown table of a measure: mean (± std over seeds) per length and cell, ✗ below. */
function accuracyTable(
  rows: readonly CapacityRow[],
  measure: CapacityMeasure<CapacityRow>,
  heading: string,
  threshold: number,
): string[] {
  const stats = lengthStats(rows, measure);
  const cells = CELL_KINDS.filter((cell) => stats.some((s) => s.cell === cell));
  const lengths = [...new Set(stats.map((s) => s.length))].sort((a, b) => a - b);
  const seeds = new Set(rows.map((r) => r.seed)).size;
  const lines = [
    "",
    seeds > 1 ? `## ${heading}, mean ± std over ${seeds} seeds` : `## ${heading} (one seed)`,
    "",
    `| length | ${cells.map((c) => c.toUpperCase()).join(" | ")} |`,
    `|---:|${cells.map(() => "---:|").join("")}`,
  ];
  for (const length of lengths) {
    const cellsText = cells.map((cell) => {
      const s = stats.find((x) => x.cell === cell && x.length === length);
      if (!s || s.n === 0) return "—";
      const mark = reaches(s.mean, threshold) ? "" : " ✗";
      const spread = seeds > 1 ? ` ± ${s.std.toFixed(3)}` : "";
      return `${s.mean.toFixed(3)}${spread}${mark}`;
    });
    lines.push(`| ${length} | ${cellsText.join(" | ")} |`);
  }
  return lines;
}

/**
 * The largest 95 % sampling half-width of a (cell, length) mean of `acc` measured on `n`
 * sequences per job, and whether every job of those was measured on its whole space.
 */
function largestHalfWidth(
  rows: readonly (CapacityRow & Partial<SpaceRow>)[],
  acc: (r: CapacityRow & Partial<SpaceRow>) => number,
  n: (r: CapacityRow & Partial<SpaceRow>) => number,
): number {
  const groups = new Map<string, (CapacityRow & Partial<SpaceRow>)[]>();
  for (const r of rows) {
    if (!Number.isFinite(acc(r))) continue;
    const key = `${r.cell}/${r.length}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  let largest = 0;
  for (const group of groups.values()) {
    const exhaustive = group.every((r) => r.space_n === inputSpaceSize(r.length));
    const shares = group.map((r) => [acc(r), n(r)] as const);
    largest = Math.max(largest, meanSamplingHalfWidth(shares, exhaustive));
  }
  return largest;
}

/**
 * `capacity.md`: each cell's memory and overall capacity, then the mean ± sample std (over seeds)
 * per length (rows) and cell (columns) of the test accuracy, the memory accuracy and the
 * adjacent-noise accuracy, and each seed's steps to first learning; `—` where a (cell, length)
 * was not run or has no value. A run whose jobs predate the memory split shows `—` as the memory
 * capacity and says so. When the jobs were measured over the input space (`space_acc`, every job
 * trained since), the capacities are those of the input-space accuracies — no sampling error up
 * to length 12, a 10,000-sequence sample's beyond — with the book's 100 test examples' beside
 * them, and the input-space tables come first, with the largest 95 % sampling interval of their
 * means next to the one 100 test examples per seed would give.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { capacityMarkdown } from "./capacity.ts";
 * const r = { seed: 0, best_dev_acc: 1, steps: 100, wall_s: 1, n_memory: 80, n_adjacent: 20, first_learning_step: 300 };
 * const md = capacityMarkdown([
 *   { ...r, cell: "lstm", length: 10, test_acc: 0.97, test_acc_memory: 1, test_acc_adjacent: 0.85 },
 *   { ...r, cell: "srn", length: 10, test_acc: 0.4, test_acc_memory: 0.3, test_acc_adjacent: 0.8 },
 * ]);
 * assert.match(md, /^\| LSTM \| ≥ 10 \(every length passed\) \| ≥ 10 \(every length passed\) \|$/m);
 * ```
 */
export function capacityMarkdown(
  rows: readonly (CapacityRow & Partial<SpaceRow>)[],
  options: CapacityMarkdownOptions = {},
): string {
  const threshold = options.threshold ?? CAPACITY_THRESHOLD;
  const overall = capacities(rows, threshold, "test_acc");
  const memoryStats = lengthStats(rows, "test_acc_memory");
  const memory = capacities(rows, threshold, "test_acc_memory");
  const cells = overall.map((c) => c.cell);
  const lengths = [...new Set(lengthStats(rows).map((s) => s.length))].sort((a, b) => a - b);
  const seeds = new Set(rows.map((r) => r.seed)).size;
  const known = (cell: CellKind) => memoryStats.some((s) => s.cell === cell && s.n > 0);
  const spaced = rows.some((r) => Number.isFinite(r.space_acc ?? NaN));
  const lines = ["# Memory capacity", ""];
  if (options.settings) lines.push(options.settings, "");
  lines.push(
    spaced
      ? `Memory capacity: the longest length at which the cell's mean accuracy over the task's ` +
        `input space at that length (every digit pair, noise position and noise value — all ` +
        `${inputSpaceSize(10).toLocaleString("en-US")} sequences at length 10 — or a seeded ` +
        `sample of 10,000 where the space is larger) on its memory sequences (noise digit at ` +
        `position ≥ 4, or none) is still ≥ ${threshold} — at that length and at every shorter ` +
        `one studied. Overall capacity: the same with the accuracy on every sequence, which also ` +
        `counts telling the second digit from a noise digit right after it (position 2 or 3).`
      : `Memory capacity: the longest length at which the cell's mean accuracy on the memory ` +
        `examples (test examples whose noise digit is at position ≥ 4, or absent) is still ` +
        `≥ ${threshold} — at that length and at every shorter one studied. Overall capacity: the ` +
        `same with the accuracy on the whole test set, which also counts telling the second digit ` +
        `from a noise digit right after it (position 2 or 3).`,
    "",
  );
  if (spaced) {
    const spaceMemory = capacities(rows, threshold, SPACE_MEASURES.memory);
    const spaceOverall = capacities(rows, threshold, SPACE_MEASURES.all);
    lines.push(
      "| cell | memory capacity | overall capacity | memory, 100 test examples | overall, 100 test examples |",
      "|---|---|---|---|---|",
      ...overall.map((c, i) =>
        `| ${c.cell.toUpperCase()} | ${capacityText(spaceMemory[i]!, threshold)} | ${
          capacityText(spaceOverall[i]!, threshold)
        } | ${known(c.cell) ? capacityText(memory[i]!, threshold) : "—"} | ${
          capacityText(c, threshold)
        } |`
      ),
      ...accuracyTable(
        rows,
        SPACE_MEASURES.memory,
        "Memory accuracy over the input space",
        threshold,
      ),
      ...accuracyTable(rows, SPACE_MEASURES.all, "Accuracy over the input space", threshold),
    );
    const halfSpace = Math.max(
      largestHalfWidth(rows, SPACE_MEASURES.memory, (r) => r.space_n_memory ?? NaN),
      largestHalfWidth(rows, SPACE_MEASURES.all, (r) => r.space_n ?? NaN),
    );
    const halfBook = largestHalfWidth(
      rows.map((r) => ({ ...r, space_n: NaN })),
      (r) => r.test_acc,
      () => 100,
    );
    lines.push(
      "",
      `Sampling: the 95 % interval of each mean over the input space is at most ± ${
        halfSpace.toFixed(4)
      } (0 where the whole space was measured); of the same means on the book's 100 test ` +
        `examples per seed, below, up to ± ${halfBook.toFixed(3)}.`,
    );
  } else {
    lines.push(
      "| cell | memory capacity | overall capacity |",
      "|---|---|---|",
      ...overall.map((c, i) =>
        `| ${c.cell.toUpperCase()} | ${
          known(c.cell) ? capacityText(memory[i]!, threshold) : "—"
        } | ${capacityText(c, threshold)} |`
      ),
    );
  }
  if (!cells.every(known)) {
    lines.push(
      "",
      "—: jobs trained before training split the test accuracy into memory and adjacent noise; " +
        "`deno task eval --run <run>` recomputes the split from their checkpoints.",
    );
  }
  for (const [field, heading] of ACCURACY_TABLES) {
    const stats = lengthStats(rows, field);
    if (field !== "test_acc" && stats.every((s) => s.n === 0)) continue;
    const title = spaced ? `${heading}, the book's 100 test examples` : heading;
    lines.push(...accuracyTable(rows, field, title, threshold));
  }
  lines.push(
    "",
    `✗: ${seeds > 1 ? "mean " : ""}below ${threshold}.` +
      (seeds > 1 ? " Std: the sample standard deviation (n − 1) over seeds." : ""),
  );
  if (rows.some(hasMemorySplit)) {
    lines.push(
      "",
      "## Steps to first learning (dev accuracy ≥ 0.3), per seed",
      "",
      `| length | ${cells.map((c) => c.toUpperCase()).join(" | ")} |`,
      `|---:|${cells.map(() => "---:|").join("")}`,
    );
    for (const length of lengths) {
      const cellsText = cells.map((cell) => {
        const mine = sortJobs(rows.filter((r) => r.cell === cell && r.length === length));
        if (mine.length === 0) return "—";
        return mine.map((r) => {
          if (!hasMemorySplit(r)) return "—";
          const step = r.first_learning_step;
          return Number.isFinite(step) ? String(step) : "never";
        }).join(", ");
      });
      lines.push(`| ${length} | ${cellsText.join(" | ")} |`);
    }
    lines.push("", "never: dev accuracy stayed below 0.3 (three times chance) for the whole job.");
  }
  return lines.join("\n") + "\n";
}
