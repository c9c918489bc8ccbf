/**
 * The results of a generated task's run (`deno task train --task adding|copy`) as the report shows
 * them: `tasks.csv` read back — per job its best checkpoint's test loss beside the task's
 * memoryless baseline, their ratio and the task's score — and per (cell, T) the mean ± std over
 * seeds.
 * @module
 */

import { join } from "node:path";
import { UserError } from "../errors.ts";
import { CELL_KINDS, type CellKind } from "../model/config.ts";
import { numberCell, parseCsvTable } from "../run/csv_table.ts";
import { TASK_COLUMNS } from "../train/task_summary.ts";
import { type GroupStats, groupStats } from "./stats.ts";

/** One row of `tasks.csv`: one job (NaN where the file's field is empty). */
export interface TaskRow {
  /** `adding` or `copy`. */
  task: string;
  /** The cell. */
  cell: CellKind;
  /** The task's T. */
  length: number;
  /** The seed. */
  seed: number;
  /** The step of the best (lowest dev loss) checkpoint. */
  best_step: number;
  /** The best checkpoint's dev loss. */
  best_dev_loss: number;
  /** The best checkpoint's loss on the task's fixed test set. */
  test_loss: number;
  /** The memoryless baseline's loss at this T. */
  baseline: number;
  /** `test_loss / baseline`: below 1, the network remembers. */
  ratio: number;
  /** The task's score on the test set, a share. */
  test_score: number;
  /** Steps trained. */
  steps: number;
  /** Wall-clock seconds of training. */
  wall_s: number;
  /** How the job ended (`done`, `diverged`, …). */
  status: string;
}

/**
 * The rows of a `tasks.csv` text, checked column by column; `where` names the file in errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTasksCsv } from "./task_table.ts";
 * const text = "task,cell,length,seed,best_step,best_dev_loss,test_loss,baseline,ratio,test_score,steps,wall_s,status\n" +
 *   "copy,lstm,3,0,5,1.399593,1.399118,0.904105,1.547517,0.0684,5,0.8,done\n";
 * const [row] = parseTasksCsv(text, "tasks.csv");
 * assert.deepEqual([row!.task, row!.cell, row!.length, row!.test_loss, row!.status], ["copy", "lstm", 3, 1.399118, "done"]);
 * assert.throws(() => parseTasksCsv(text.replace(",lstm,", ",rnn,"), "tasks.csv"), {
 *   message: 'tasks.csv line 2: cell "rnn" is not one of lstm|gru|srn|irnn',
 * });
 * ```
 */
export function parseTasksCsv(text: string, where: string): TaskRow[] {
  return parseCsvTable(text, TASK_COLUMNS, where).map((row) => {
    const cell = row.cells.cell!.trim() as CellKind;
    if (!CELL_KINDS.includes(cell)) {
      throw new UserError(
        `${where} line ${row.line}: cell ${JSON.stringify(cell)} is not one of ${
          CELL_KINDS.join("|")
        }`,
      );
    }
    const int = { integer: true, min: 0 };
    const number = (name: string, rule = {}, optional = true) =>
      numberCell(row, name, where, rule, optional);
    return {
      task: row.cells.task!.trim(),
      cell,
      length: number("length", { integer: true, min: 1 }, false),
      seed: number("seed", int, false),
      best_step: number("best_step", int, false),
      best_dev_loss: number("best_dev_loss"),
      test_loss: number("test_loss"),
      baseline: number("baseline"),
      ratio: number("ratio"),
      test_score: number("test_score", { min: 0, max: 1 }),
      steps: number("steps", int, false),
      wall_s: number("wall_s", { min: 0 }, false),
      status: row.cells.status!.trim(),
    };
  });
}

/**
 * A task run's `tasks.csv`; a missing file is a {@linkcode UserError} of one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTasksCsv } from "./task_table.ts";
 * await assert.rejects(readTasksCsv("tests/fixtures/run_small"), {
 *   message: "tests/fixtures/run_small: tasks.csv is missing; deno task train --task writes it beside summary.csv",
 * });
 * ```
 */
export async function readTasksCsv(dir: string): Promise<TaskRow[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, "tasks.csv"));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(
        `${dir}: tasks.csv is missing; deno task train --task writes it beside summary.csv`,
      );
    }
    throw err;
  }
  return parseTasksCsv(text, `${dir}: tasks.csv`);
}

/** The jobs of one (cell, T) of a task run. */
export interface TaskResultRow {
  /** `adding` or `copy`. */
  task: string;
  /** The cell. */
  cell: CellKind;
  /** The task's T. */
  length: number;
  /** The seeds aggregated, ascending. */
  seeds: number[];
  /** The test loss over the seeds. */
  test_loss: GroupStats;
  /** The baseline at this T (the same for every seed). */
  baseline: number;
  /** The score over the seeds. */
  test_score: GroupStats;
}

/**
 * Aggregate a task run's rows per (cell, T), in their order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskResultRows } from "./task_table.ts";
 * const row = { task: "copy", cell: "lstm" as const, length: 100, best_step: 900, best_dev_loss: 0.1,
 *   baseline: 0.1733, ratio: NaN, steps: 1000, wall_s: 30, status: "done" };
 * const [lstm] = taskResultRows([
 *   { ...row, seed: 1, test_loss: 0.1, test_score: 0.5 },
 *   { ...row, seed: 0, test_loss: 0.2, test_score: 0.3 },
 * ]);
 * assert.deepEqual([lstm!.seeds, lstm!.test_loss.mean, lstm!.test_score.n], [[0, 1], 0.15, 2]);
 * ```
 */
export function taskResultRows(rows: readonly TaskRow[]): TaskResultRow[] {
  const groups = new Map<string, TaskRow[]>();
  for (const row of rows) {
    const key = `${row.cell}/${row.length}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => ({
    task: group[0]!.task,
    cell: group[0]!.cell,
    length: group[0]!.length,
    seeds: group.map((r) => r.seed).sort((a, b) => a - b),
    test_loss: groupStats(group.map((r) => r.test_loss)),
    baseline: group[0]!.baseline,
    test_score: groupStats(group.map((r) => r.test_score)),
  }));
}
