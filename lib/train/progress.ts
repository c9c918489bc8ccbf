/**
 * Progress of running jobs: on a terminal one live bar per running job (step, loss, best dev
 * accuracy, ETA) drawn with `cli-progress`; otherwise (CI, pipes) plain log lines — a job's
 * start, every fifth of it, and its end.
 * @module
 */

import cliProgress from "cli-progress";
import process from "node:process";
import type { JobResult } from "../run/result.ts";
import type { JobProgress } from "./job.ts";

/** What the training script tells a progress display. */
export interface ProgressDisplay {
  /** A job started. */
  start(name: string, totalSteps: number): void;
  /** A job reported progress. */
  update(name: string, progress: JobProgress): void;
  /** A job ended. */
  done(name: string, result: JobResult): void;
  /** Print a line without breaking the bars. */
  log(line: string): void;
  /** Remove the bars (at the end or on Ctrl-C). */
  stop(): void;
}

function percent(x: number): string {
  return Number.isNaN(x) ? "—" : x.toFixed(2);
}

function endLine(name: string, r: JobResult): string {
  const what = r.status === "done" ? "done" : r.status;
  return `${name}: ${what} at step ${r.steps}, best dev ${
    percent(r.best_dev_acc)
  } (step ${r.best_step}), ` +
    `test ${percent(r.test_acc)}, ${r.wall_s.toFixed(1)} s`;
}

/** Bars on a terminal (stdout). */
class BarDisplay implements ProgressDisplay {
  #multi = new cliProgress.MultiBar({
    stream: process.stdout,
    format:
      "{job} |{bar}| {percentage}% {value}/{total} loss {loss} best dev {best} ETA {eta_formatted}",
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    gracefulExit: false,
    etaBuffer: 2000,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  #bars = new Map<string, cliProgress.SingleBar>();

  start(name: string, totalSteps: number): void {
    this.#bars.set(
      name,
      this.#multi.create(totalSteps, 0, { job: name.padEnd(14), loss: "—", best: "—" }),
    );
  }
  update(name: string, p: JobProgress): void {
    this.#bars.get(name)?.update(p.step, {
      loss: Number.isNaN(p.trainLoss) ? "—" : p.trainLoss.toFixed(4),
      best: percent(p.bestDevAcc),
    });
  }
  done(name: string, result: JobResult): void {
    const bar = this.#bars.get(name);
    if (bar) {
      bar.update(result.steps);
      this.#multi.remove(bar);
      this.#bars.delete(name);
    }
    this.#multi.log(endLine(name, result) + "\n");
  }
  log(line: string): void {
    this.#multi.log(line + "\n");
  }
  stop(): void {
    this.#multi.stop();
  }
}

/** Plain lines when stdout is not a terminal. */
class LineDisplay implements ProgressDisplay {
  #nextReport = new Map<string, number>();
  #total = new Map<string, number>();

  start(name: string, totalSteps: number): void {
    this.#total.set(name, totalSteps);
    this.#nextReport.set(name, 0.2);
    console.log(`${name}: started (${totalSteps} steps)`);
  }
  update(name: string, p: JobProgress): void {
    const share = p.step / (this.#total.get(name) ?? p.totalSteps);
    const next = this.#nextReport.get(name) ?? 1;
    if (share + 1e-9 < next || share >= 1) return;
    this.#nextReport.set(name, next + 0.2);
    const eta = p.step > 0 ? (p.elapsedS * (p.totalSteps - p.step)) / p.step : NaN;
    console.log(
      `${name}: step ${p.step}/${p.totalSteps}, loss ${
        Number.isNaN(p.trainLoss) ? "—" : p.trainLoss.toFixed(4)
      }, ` +
        `best dev ${percent(p.bestDevAcc)}, ETA ${
          Number.isNaN(eta) ? "—" : `${Math.round(eta)} s`
        }`,
    );
  }
  done(name: string, result: JobResult): void {
    console.log(endLine(name, result));
  }
  log(line: string): void {
    console.log(line);
  }
  stop(): void {}
}

/**
 * Bars when stdout is a terminal, plain lines otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeProgressDisplay } from "./progress.ts";
 * const display = makeProgressDisplay(false);
 * const lines: string[] = [];
 * const log = console.log;
 * console.log = (line: string) => lines.push(line);
 * display.log("plain line");
 * display.stop();
 * console.log = log;
 * assert.deepEqual(lines, ["plain line"]); // not a terminal: plain lines, no bars
 * ```
 */
export function makeProgressDisplay(terminal: boolean = Deno.stdout.isTerminal()): ProgressDisplay {
  return terminal ? new BarDisplay() : new LineDisplay();
}
