/**
 * The words of the figures, in English and Simplified Chinese (`deno task plot --lang zh`): titles,
 * axes, legends, panel labels, and the report's figure titles and captions. A label may hold
 * `{name}` placeholders, filled by {@linkcode fill}. The Chinese uses the book's terms (输入门,
 * 遗忘门, 输出门, 内部状态, 隐状态).
 * @module
 */

/** The languages of the figures. */
export const PLOT_LANGS = ["en", "zh"] as const;
/** One language of the figures. */
export type PlotLang = typeof PLOT_LANGS[number];

const EN = {
  cell: "cell",
  "accuracy.title": "Accuracy against sequence length",
  "accuracy.subtitleSeeds":
    "Mean over {seeds} seeds; the band spans the lowest to the highest seed.",
  "accuracy.subtitleOne": "Dev accuracy of the best checkpoint, and its test accuracy.",
  "task.title": "Dev loss against the memoryless baseline: {task}",
  "task.subtitle":
    "One line per job (cell and seed); dashed: the loss of a network that remembers nothing.",
  "task.x": "training step",
  "task.y": "dev loss (log scale)",
  "task.report": "Dev loss and the baseline",
  "task.caption": "Each job's dev loss at its evaluations, one panel per T, on a log scale; the " +
    "dashed line is the task's memoryless baseline (copy: 10 · ln 8 / (T + 20) nats a step; " +
    "adding: MSE 1/6).",
  "accuracy.x": "sequence length",
  "accuracy.y": "accuracy",
  "accuracy.dev": "dev (best checkpoint)",
  "accuracy.test": "test",
  "accuracy.report": "Accuracy against sequence length",
  "accuracy.caption":
    "Dev accuracy of the best checkpoint (dashed) and its test accuracy (solid) " +
    "against the sequence length, one colour per cell; with several seeds, the mean and a " +
    "band from the lowest to the highest seed (the book's Fig. 6.12).",
  "loss.title": "Training and dev loss",
  "loss.subtitle": "Cross-entropy, {seedNote}; the moving average is over {window} steps.",
  "loss.seedOf": "seed {seed} of {count} seeds",
  "loss.seed": "seed {seed}",
  "loss.x": "training step",
  "loss.y": "loss (log scale)",
  "loss.train": "train loss (per step)",
  "loss.average": "train loss (moving average)",
  "loss.dev": "dev loss (at evaluations)",
  "loss.report": "Loss curves",
  "loss.caption": "Training loss at every step (light), its moving average over " +
    "{window} steps (dark blue), and the dev loss at each evaluation (orange), " +
    "one panel per cell and length, on a log scale.{seeds}",
  "loss.captionSeed": " Seed {seed} of each (cell, length) is shown.",
  "gates.title": "Gate activations over one test sequence",
  "gates.subtitle": "Shaded: the two digits to add (t = 0, 1); red rule: the noise digit. ",
  "gates.subtitleGates": "Gates on the left axis, the state norm (dashed) on the right.",
  "gates.subtitleNorm": "The state norm is dashed.",
  "gates.panel": "{cell} · L={length} · {a} + {b} = {label}, predicted {pred}",
  "gates.x": "time step t",
  "gates.yGate": "gate activation (mean over units)",
  "gates.yNorm": "state norm (dashed)",
  "gates.digits": "digits",
  "gates.noise": "noise {digit}",
  "gates.report": "Gate dynamics",
  "gates.caption": "For one test sequence per length: gate activations (mean over hidden units) " +
    "and the state norm at each time step. The network should open its input (LSTM) or " +
    "close its update gate (GRU) on the two digits and keep the state through the noise.",
  "series.input gate": "input gate",
  "series.forget gate": "forget gate",
  "series.output gate": "output gate",
  "series.update gate": "update gate",
  "series.reset gate": "reset gate",
  "series.cell-state norm": "cell-state norm",
  "series.hidden-state norm": "hidden-state norm",
} as const;

/** A key of the figures' labels. */
export type PlotKey = keyof typeof EN;

const ZH: Record<PlotKey, string> = {
  cell: "循环单元",
  "accuracy.title": "准确率与序列长度",
  "accuracy.subtitleSeeds": "{seeds} 个随机种子的平均值；色带从最低到最高的种子。",
  "accuracy.subtitleOne": "最佳检查点在验证集上的准确率，及其测试集准确率。",
  "task.title": "验证集损失与无记忆基线：{task}",
  "task.subtitle": "每个任务（循环单元与随机种子）一条线；虚线：什么都不记得的网络的损失。",
  "task.x": "训练步数",
  "task.y": "验证集损失（对数坐标）",
  "task.report": "验证集损失与基线",
  "task.caption":
    "每个任务在各次评估时的验证集损失，每个 T 一幅子图，对数坐标；虚线是该任务的无记忆基线" +
    "（复制任务：每步 10 · ln 8 / (T + 20) 奈特；加法问题：均方误差 1/6）。",
  "accuracy.x": "序列长度",
  "accuracy.y": "准确率",
  "accuracy.dev": "验证集（最佳检查点）",
  "accuracy.test": "测试集",
  "accuracy.report": "准确率与序列长度",
  "accuracy.caption": "最佳检查点的验证集准确率（虚线）和测试集准确率（实线）随序列长度的变化，" +
    "每种循环单元一种颜色；有多个随机种子时画平均值，色带从最低到最高的种子（即书中图 6.12）。",
  "loss.title": "训练损失与验证集损失",
  "loss.subtitle": "交叉熵，{seedNote}；滑动平均取 {window} 步。",
  "loss.seedOf": "{count} 个随机种子中的种子 {seed}",
  "loss.seed": "随机种子 {seed}",
  "loss.x": "训练步数",
  "loss.y": "损失（对数坐标）",
  "loss.train": "训练损失（每一步）",
  "loss.average": "训练损失（滑动平均）",
  "loss.dev": "验证集损失（每次评估）",
  "loss.report": "损失曲线",
  "loss.caption": "每一步的训练损失（浅色）、它在 {window} 步上的滑动平均（深蓝）和每次评估时的" +
    "验证集损失（橙色），每种循环单元和长度一幅小图，对数坐标。{seeds}",
  "loss.captionSeed": "每个（循环单元，长度）画的是随机种子 {seed}。",
  "gates.title": "一条测试序列上的门控激活",
  "gates.subtitle": "阴影：要相加的两个数字（t = 0, 1）；红线：噪声数字。",
  "gates.subtitleGates": "门的值看左轴，状态范数（虚线）看右轴。",
  "gates.subtitleNorm": "状态范数为虚线。",
  "gates.panel": "{cell} · L={length} · {a} + {b} = {label}，预测 {pred}",
  "gates.x": "时刻 t",
  "gates.yGate": "门控激活（各单元的平均值）",
  "gates.yNorm": "状态范数（虚线）",
  "gates.digits": "数字",
  "gates.noise": "噪声 {digit}",
  "gates.report": "门控的动态",
  "gates.caption": "每个长度取一条测试序列：每个时刻的门控激活（各隐藏单元的平均值）与状态范数。" +
    "网络应在两个数字处打开输入门（LSTM）或关闭更新门（GRU），并在噪声中保持状态。",
  "series.input gate": "输入门",
  "series.forget gate": "遗忘门",
  "series.output gate": "输出门",
  "series.update gate": "更新门",
  "series.reset gate": "重置门",
  "series.cell-state norm": "内部状态范数",
  "series.hidden-state norm": "隐状态范数",
};

/** The figures' labels: language → key → text. */
export const PLOT_LABELS: Record<PlotLang, Record<PlotKey, string>> = { en: EN, zh: ZH };

/**
 * The label `key` in `lang`, its `{name}` placeholders filled from `params`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fill } from "./labels.ts";
 * assert.equal(fill("en", "loss.seed", { seed: 0 }), "seed 0");
 * assert.equal(fill("zh", "loss.seed", { seed: 0 }), "随机种子 0");
 * ```
 */
export function fill(
  lang: PlotLang,
  key: PlotKey,
  params: Record<string, string | number> = {},
): string {
  return fillPlaceholders(PLOT_LABELS[lang][key], params);
}

/**
 * `text` with each `{name}` replaced by `params[name]` (left as it is when absent); the figures'
 * labels and the web page's strings share it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillPlaceholders } from "./labels.ts";
 * assert.equal(fillPlaceholders("step {step} of {n}", { step: 3 }), "step 3 of {n}");
 * ```
 */
export function fillPlaceholders(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/**
 * How a gate-trace series (named in English by `gateSeries`) is written in `lang`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesLabel } from "./labels.ts";
 * assert.equal(seriesLabel("zh", "forget gate"), "遗忘门");
 * assert.equal(seriesLabel("zh", "something else"), "something else");
 * ```
 */
export function seriesLabel(lang: PlotLang, name: string): string {
  const key = `series.${name}`;
  return key in EN ? PLOT_LABELS[lang][key as PlotKey] : name;
}
