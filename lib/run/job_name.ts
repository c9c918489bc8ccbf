/**
 * A job's name, `<cell>-L<length>-s<seed>`: the name of its folder in a run.
 * @module
 */

import { CELL_KINDS, type CellKind } from "../model/config.ts";

/** What names a job: its cell, sequence length and seed. */
export interface JobKey {
  /** The recurrent cell. */
  cell: CellKind;
  /** The sequence length. */
  length: number;
  /** The seed. */
  seed: number;
}

const JOB_NAME = new RegExp(`^(${CELL_KINDS.join("|")})-L(\\d+)-s(\\d+)$`);

/**
 * The job's name, `<cell>-L<length>-s<seed>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobName } from "./job_name.ts";
 * assert.equal(jobName({ cell: "lstm", length: 35, seed: 2 }), "lstm-L35-s2");
 * ```
 */
export function jobName(job: JobKey): string {
  return `${job.cell}-L${job.length}-s${job.seed}`;
}

/**
 * The cell, length and seed a job name stands for, or null when `name` is not a job's name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJobName } from "./job_name.ts";
 * assert.deepEqual(parseJobName("gru-L10-s1"), { cell: "gru", length: 10, seed: 1 });
 * assert.equal(parseJobName("figures"), null);
 * ```
 */
export function parseJobName(name: string): JobKey | null {
  const match = JOB_NAME.exec(name);
  if (!match) return null;
  return { cell: match[1] as CellKind, length: Number(match[2]), seed: Number(match[3]) };
}

/**
 * Keys sorted by cell (in the order of {@linkcode CELL_KINDS}: lstm, gru, srn, irnn), then length,
 * then seed: the order of every table of a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sortJobs } from "./job_name.ts";
 * const rows = sortJobs([{ cell: "srn", length: 10, seed: 0 }, { cell: "lstm", length: 20, seed: 0 }]);
 * assert.deepEqual(rows.map((r) => r.cell), ["lstm", "srn"]);
 * ```
 */
export function sortJobs<T extends JobKey>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) =>
    CELL_KINDS.indexOf(a.cell) - CELL_KINDS.indexOf(b.cell) || a.length - b.length ||
    a.seed - b.seed
  );
}
