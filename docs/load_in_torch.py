"""Load an lstm-lab checkpoint into PyTorch and check its logits against lstm-lab's.

Usage: /usr/bin/python3 docs/load_in_torch.py CHECKPOINT DATA [PREDICTIONS.csv]
       /usr/bin/python3 docs/load_in_torch.py CHECKPOINT          (a model of the adding or copy task)

CHECKPOINT is a best.safetensors (PyTorch's names and layouts); DATA a digit-sum file. The
safetensors header is read with json + numpy (the `safetensors` package works too:
`safetensors.torch.load_file(path)`). With PREDICTIONS (the CSV of `deno task predict`), it prints
the largest logit difference between PyTorch and lstm-lab.

A model of a generated task loads the same way: the adding problem's has no embedding (its two
channels go straight into nn.LSTM(input_size=2)), the copy task's reads its head at every step. Its
data is generated, so the script runs a batch of random inputs of the task's kind and prints the
outputs' shape; tests/task_parity_test.ts checks such models against PyTorch on fixed weights.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "srn": nn.RNN, "irnn": nn.RNN}


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, meta


class SeqClassifier(nn.Module):
    """lstm-lab's model: embedding (or, for a dense input, none) -> cell -> linear head."""

    def __init__(self, cell, vocab, embed, hidden, classes, dense=False, every=False):
        super().__init__()
        self.dense, self.every = dense, every
        if not dense:
            self.embedding = nn.Embedding(vocab, embed)
        relu = {"nonlinearity": "relu"} if cell == "irnn" else {}  # the IRNN: nn.RNN with ReLU
        self.rnn = CELLS[cell](vocab if dense else embed, hidden, batch_first=True, **relu)
        self.linear = nn.Linear(hidden, classes)

    def forward(self, inputs):
        out, _ = self.rnn(inputs if self.dense else self.embedding(inputs))
        return self.linear(out if self.every else out[:, -1, :])


def main():
    checkpoint = sys.argv[1]
    tensors, meta = read_safetensors(checkpoint)
    config = json.loads(meta["lstm_lab_config"])
    dense, every = config.get("input") == "dense", config.get("head") == "every"
    model = SeqClassifier(config["cell"], config["vocab"], config["embed"], config["hidden"],
                          config["classes"], dense, every)
    model.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("optim.")})
    if dense or every:  # a generated task's model: random inputs of its kind
        torch.manual_seed(0)
        inputs = torch.rand(4, 50, config["vocab"]) if dense else torch.randint(0, 10, (4, 50))
        with torch.no_grad():
            outputs = model(inputs)
        print(f"{config['cell']}: {'dense' if dense else 'embedding'} input, head at "
              f"{'every step' if every else 'the last step'}; outputs {list(outputs.shape)}")
        return
    data = sys.argv[2]
    lines = [line.split("\t")[0].split() for line in open(data) if line.strip()]
    digits = torch.tensor([[int(d) for d in line] for line in lines])
    with torch.no_grad():
        logits = model(digits)
    print(f"{config['cell']}: {len(lines)} sequences, predictions {logits.argmax(1)[:10].tolist()} ...")
    if len(sys.argv) > 3:
        ours = np.loadtxt(sys.argv[3], delimiter=",", skiprows=1, usecols=range(3, 3 + config["classes"]))
        print(f"max |logit difference| PyTorch vs lstm-lab: {np.abs(ours - logits.numpy()).max():.2e}")


if __name__ == "__main__":
    main()
