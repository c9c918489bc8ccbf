/**
 * The bench's other processes: a fresh worker for each group of our timings (bench_worker.ts), and
 * PyTorch's script (torch_bench.py) with its BLAS on one thread.
 * @module
 */

const PYTHON = "/usr/bin/python3";
const TORCH_SCRIPT = new URL("./torch_bench.py", import.meta.url).pathname;

/**
 * One thread for PyTorch's BLAS too: `torch.set_num_threads(1)` leaves OpenBLAS's own thread pool
 * at one thread a core.
 */
const ONE_THREAD = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

/** Send `message` to a fresh bench_worker.ts and resolve with its one answer. */
export function benchWorker<T>(message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./bench_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (e) => {
      worker.terminate();
      resolve(e.data as T);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message));
    };
    worker.postMessage(message);
  });
}

/** Whether `/usr/bin/python3` can import torch. */
export async function hasTorch(): Promise<boolean> {
  try {
    const probe = await new Deno.Command(PYTHON, {
      args: ["-c", "import torch"],
      stderr: "null",
      stdout: "null",
    }).output();
    return probe.success;
  } catch {
    return false;
  }
}

/** bench/torch_bench.py with `args`, fed `stdin`, on one BLAS thread: its stdout. */
export async function torchBench(args: string[], stdin = ""): Promise<string> {
  const child = new Deno.Command(PYTHON, {
    args: [TORCH_SCRIPT, ...args],
    env: ONE_THREAD,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`bench/torch_bench.py ${args.join(" ")} failed`);
  return new TextDecoder().decode(out.stdout);
}
