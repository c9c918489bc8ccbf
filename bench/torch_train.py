"""The book's experiment with PyTorch's own nn.LSTM: the reference row of the README's table.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_train.py [--lengths 10,15,20,25,30,35]
                                                                [--epochs 500] [--seed 0]

nn.Embedding(10, 32) -> nn.LSTM(32, 32, batch_first=True) -> the last step's h -> nn.Linear(32, 19),
PyTorch's default initialisation after torch.manual_seed(seed); the book's protocol otherwise, as
lstm-lab's `--preset book` runs it: the training file in order (no shuffling), batches of 8 (the
last one of an epoch smaller), Adam lr 0.001, dev accuracy every 100 steps, and the test accuracy
of the parameters with the best dev accuracy (the first of equals). Prints one JSON line per length
and a table. A reference for the README, not a test: PyTorch is not a dependency of lstm-lab.
"""
import argparse
import copy
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(length, split):
    digits, labels = [], []
    with open(os.path.join(ROOT, "datasets", str(length), f"{split}.txt")) as f:
        for line in f:
            seq, label = line.rstrip("\n").split("\t")
            digits.append([int(d) for d in seq.split(" ")])
            labels.append(int(label))
    return torch.tensor(digits), torch.tensor(labels)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10, 32)
        self.rnn = nn.LSTM(32, 32, batch_first=True)
        self.linear = nn.Linear(32, 19)

    def forward(self, digits):
        out, _ = self.rnn(self.embedding(digits))
        return self.linear(out[:, -1, :])


def accuracy(model, digits, labels):
    with torch.no_grad():
        return (model(digits).argmax(1) == labels).float().mean().item()


def run(length, epochs, seed):
    torch.manual_seed(seed)
    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    train_x, train_y = read(length, "train")
    dev_x, dev_y = read(length, "dev")
    test_x, test_y = read(length, "test")
    best_dev, best_step, best_state, step = -1.0, 0, None, 0
    started = time.perf_counter()
    for _ in range(epochs):
        for at in range(0, len(train_x), 8):
            opt.zero_grad()
            F.cross_entropy(model(train_x[at:at + 8]), train_y[at:at + 8]).backward()
            opt.step()
            step += 1
            if step % 100 == 0:
                dev = accuracy(model, dev_x, dev_y)
                if dev > best_dev:
                    best_dev, best_step, best_state = dev, step, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return {
        "length": length,
        "steps": step,
        "best_dev_acc": round(best_dev, 4),
        "best_step": best_step,
        "test_acc": round(accuracy(model, test_x, test_y), 4),
        "wall_s": round(time.perf_counter() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lengths", default="10,15,20,25,30,35")
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"# torch {torch.__version__}, seed {args.seed}, {args.epochs} epochs", flush=True)
    for length in (int(v) for v in args.lengths.split(",")):
        print(json.dumps(run(length, args.epochs, args.seed)), flush=True)


if __name__ == "__main__":
    main()
