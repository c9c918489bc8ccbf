/// <reference lib="webworker" />
/**
 * The training worker: one job of lib/train's loop (`runJob`, the very function `deno task train`
 * runs) over the book's data for the job's length, generated here by lib/data, in a folder held in
 * memory whose every write is posted to the page.
 * @module
 */

import { runJob } from "../../lib/train/job.ts";
import { memoryFolder } from "../../lib/train/job_folder.ts";
import { jobName } from "../../lib/run/job_name.ts";
import { bookData } from "./data.ts";
import type { TrainRequest, WorkerMessage } from "./protocol.ts";

const post = (message: WorkerMessage, transfer: Transferable[] = []) =>
  self.postMessage(message, transfer);

self.onmessage = (event: MessageEvent<TrainRequest>) => {
  const { config, files, resume } = event.data;
  try {
    const folder = memoryFolder(jobName(config), new Map(files), (name, data, append) => {
      const copy = data.slice();
      post({ type: "file", name, data: copy, append }, [copy.buffer]);
    });
    const result = runJob(config, bookData(config.length), folder, {
      resume,
      hooks: {
        progressEvery: 25,
        onProgress: (progress) => post({ type: "progress", progress }),
      },
    });
    post({ type: "done", result });
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
