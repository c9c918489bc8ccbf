"""PyTorch's side of `deno task bench`: one thread, the same shapes and protocol as ours.

Usage: /usr/bin/python3 bench/torch_bench.py [--steps 200] [--warmup 50] [--rounds 5]
Prints one JSON object: {"torch_version", "train_step_ms": {"lstm"|"gru"|"srn": {"10","20","35"}},
"forward_ms": {"lstm": {"b1","b8","b100"}}} in milliseconds: the lowest of `rounds` medians over
`steps` timed calls, as `deno task bench` measures ours. A training step is forward
+ cross-entropy + backward + Adam (lr 1e-3) at batch 8, embed = hidden = 32, 19 classes; the
forward pass (no grad) is at length 35.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "srn": nn.RNN}


class SeqClassifier(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.embedding = nn.Embedding(10, 32)
        self.rnn = CELLS[cell](32, 32, batch_first=True)
        self.linear = nn.Linear(32, 19)

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()
    torch.manual_seed(0)
    result = {"torch_version": torch.__version__, "train_step_ms": {}, "forward_ms": {}}
    for cell in CELLS:
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
