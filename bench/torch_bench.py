"""PyTorch's side of `deno task bench`: one thread, the same shapes and protocol as ours.

Usage: /usr/bin/python3 bench/torch_bench.py [--steps 200] [--warmup 50] [--rounds 5]
       /usr/bin/python3 bench/torch_bench.py --scaling [--rounds 3] [--round-ms 300] [--min-calls 3]
           < points.json   (for `deno task bench --scaling`)
       /usr/bin/python3 bench/torch_bench.py --rss HIDDEN LENGTH
Prints one JSON object: {"torch_version", "train_step_ms": {"lstm"|"gru"|"srn": {"10","20","35"}},
"forward_ms": {"lstm": {"b1","b8","b100"}}} in milliseconds: the lowest of `rounds` medians over
`steps` timed calls, as `deno task bench` measures ours. A training step is forward
+ cross-entropy + backward + Adam (lr 1e-3) at batch 8, embed = hidden = 32, 19 classes; the
forward pass (no grad) is at length 35.

--scaling reads a JSON list of points {"cell", "hidden", "length", "batch"} (embedding 32) and
prints {"torch_version", "blas", "threads", "rows": [[train_ms, forward_ms], ...]}: each the lowest of
`rounds` medians, a round calling until `round-ms` have passed and at least `min-calls` times.
"blas" names the BLAS library loaded into the process (Debian's python3-torch uses the system's
libblas.so.3, e.g. OpenBLAS with libopenblas0-pthread) and "threads" counts the process's threads
after a matrix product: torch.set_num_threads(1) does not stop OpenBLAS from starting one a core,
so the callers set OPENBLAS_NUM_THREADS=1.

--rss prints the peak resident memory (KiB) of 3 training steps at batch 8 and an evaluation
forward pass at batch 100, at that hidden size and length.
"""
import os
import resource
import sys
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
# the IRNN is nn.RNN with ReLU (its identity initialisation does not change the cost)
CELLS = {
    "lstm": nn.LSTM,
    "gru": nn.GRU,
    "srn": nn.RNN,
    "irnn": lambda i, h, **kw: nn.RNN(i, h, nonlinearity="relu", **kw),
}


class SeqClassifier(nn.Module):
    def __init__(self, cell, hidden=32):
        super().__init__()
        self.embedding = nn.Embedding(10, 32)
        self.rnn = CELLS[cell](32, hidden, batch_first=True)
        self.linear = nn.Linear(hidden, 19)

    def forward(self, digits):
        out, _ = self.rnn(self.embedding(digits))
        return self.linear(out[:, -1, :])


def median_ms(fn, steps, warmup, rounds):
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(rounds):
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        best = min(best, statistics.median(times))
    return best


def budget_ms(fn, rounds, round_ms, min_calls):
    fn()
    best = float("inf")
    for _ in range(rounds):
        times = []
        start = time.perf_counter()
        while len(times) < min_calls or (time.perf_counter() - start) * 1000 < round_ms:
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        best = min(best, statistics.median(times))
    return best


def blas_library():
    """The real path of the BLAS shared library mapped into this process, and the process's threads
    after a matrix product (OpenBLAS starts a pool of its own unless OPENBLAS_NUM_THREADS=1)."""
    torch.mm(torch.ones(512, 512), torch.ones(512, 512))
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    names = ", ".join(sorted({os.path.realpath(p) for p in paths})) or "none found"
    return names, len(os.listdir("/proc/self/task"))


def step_and_forward(cell, hidden, length, batch):
    model = SeqClassifier(cell, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    digits = torch.randint(0, 10, (batch, length))
    labels = torch.randint(0, 19, (batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(digits), labels).backward()
        opt.step()

    def forward():
        with torch.no_grad():
            model(digits)

    return step, forward


def scaling(args):
    points = json.load(sys.stdin)
    rows = []
    for p in points:
        step, forward = step_and_forward(p["cell"], p["hidden"], p["length"], p["batch"])
        budget = (args.rounds, args.round_ms, args.min_calls)
        rows.append([budget_ms(step, *budget), budget_ms(forward, *budget)])
    blas, threads = blas_library()
    print(json.dumps({"torch_version": torch.__version__, "blas": blas, "threads": threads, "rows": rows}))


def rss(hidden, length):
    torch.manual_seed(0)
    step, _ = step_and_forward("lstm", hidden, length, 8)
    for _ in range(3):
        step()
    _, forward = step_and_forward("lstm", hidden, length, 100)
    forward()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--round-ms", type=float, default=300)
    parser.add_argument("--min-calls", type=int, default=3)
    parser.add_argument("--rss", type=int, nargs=2, metavar=("HIDDEN", "LENGTH"))
    args = parser.parse_args()
    torch.manual_seed(0)
    if args.scaling:
        return scaling(args)
    if args.rss:
        return rss(*args.rss)
    result = {"torch_version": torch.__version__, "train_step_ms": {}, "forward_ms": {}}
    for cell in ("lstm", "gru", "srn"):  # the table of `deno task bench`
        result["train_step_ms"][cell] = {}
        for length in (10, 20, 35):
            model = SeqClassifier(cell)
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            digits = torch.randint(0, 10, (8, length))
            labels = torch.randint(0, 19, (8,))

            def step():
                opt.zero_grad()
                F.cross_entropy(model(digits), labels).backward()
                opt.step()

            result["train_step_ms"][cell][str(length)] = median_ms(step, args.steps, args.warmup, args.rounds)
    result["forward_ms"]["lstm"] = {}
    model = SeqClassifier("lstm").eval()
    for batch in (1, 8, 100):
        digits = torch.randint(0, 10, (batch, 35))

        def forward():
            with torch.no_grad():
                model(digits)

        result["forward_ms"]["lstm"][f"b{batch}"] = median_ms(forward, args.steps, args.warmup, args.rounds)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
