/**
 * `deno bench bench/`: one training step (forward + backward + Adam, batch 8) of each cell at
 * length 35, and the LSTM's forward pass at batch 1, 8 and 100. `deno task bench` runs the
 * side-by-side comparison with PyTorch and onnxruntime.
 */
import { MT19937 } from "../lib/data/mt19937.ts";
import { BOOK_MODEL, type CellKind } from "../lib/model/config.ts";
import { initParams } from "../lib/model/init.ts";
import { SeqClassifier } from "../lib/model/seq_classifier.ts";
import { Adam } from "../lib/optim/adam.ts";

function batch(size: number, length: number) {
  const rng = new MT19937(1);
  const digits = Int32Array.from({ length: size * length }, () => rng.randint(0, 10));
  const labels = Int32Array.from({ length: size }, () => rng.randint(0, 19));
  return { digits, labels };
}

for (const cell of ["lstm", "gru", "srn"] as CellKind[]) {
  const model = new SeqClassifier({ ...BOOK_MODEL, cell });
  initParams(model, { init: "torch", seed: 0 });
  const adam = new Adam(model.params, model.grads);
  const { digits, labels } = batch(8, 35);
  Deno.bench(`${cell} training step, batch 8, length 35`, { group: "train" }, () => {
    model.zeroGrad();
    model.lossAndBackward(digits, labels, 8, 35);
    adam.step();
  });
}

const lstm = new SeqClassifier(BOOK_MODEL);
initParams(lstm, { init: "torch", seed: 0 });
for (const size of [1, 8, 100]) {
  const { digits } = batch(size, 35);
  Deno.bench(`lstm forward, batch ${size}, length 35`, { group: "forward" }, () => {
    lstm.infer(digits, size, 35);
  });
}
