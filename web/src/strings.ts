/**
 * Every visible string of the web lab, in English and Simplified Chinese: the one table the page
 * reads its words from. The Chinese uses the terms of the book the experiment comes from (邱锡鹏,
 * 《神经网络与深度学习：案例与实践》, 6.3): 输入门, 遗忘门, 输出门, 内部状态, 隐状态, 数字求和任务.
 *
 * A string may hold `{name}` placeholders, filled by {@linkcode t}, and `` `code` `` spans, which
 * the page sets in `<code>`. The train form's labels are keyed by the flag of `deno task train`
 * they set (`flag.batch-size`), apart from the flags' declaration.
 * @module
 */

import { fillPlaceholders } from "../../lib/plot/labels.ts";

/** The page's languages. */
export const LANGS = ["en", "zh"] as const;
/** One of the page's languages. */
export type Lang = typeof LANGS[number];

/** The value of `<html lang>` for each language. */
export const HTML_LANG: Record<Lang, string> = { en: "en", zh: "zh-CN" };

const EN = {
  "page.title": "lstm-lab: the lab in the browser",
  "page.sub": "the lab in the browser",
  "page.lede":
    "Train a recurrent network on the book's digit-sum task and watch how it remembers the first two digits — with the toolkit's own kernels, the same numbers as `deno task train`.",
  "page.views": "Views",
  "page.footer":
    "lstm-lab — every number on this page comes from the toolkit's TypeScript kernels, running here.",
  "lang.switch": "中文",
  "tab.train": "Train",
  "tab.probe": "Probe",
  "tab.load": "Load and save",

  "flag.preset": "Preset",
  "flag.cells": "Cell",
  "flag.lengths": "Length",
  "flag.seeds": "Seed",
  "flag.epochs": "Epochs",
  "flag.lr": "Learning rate",
  "flag.batch-size": "Batch size",
  "flag.hidden": "Hidden size",
  "flag.forget-bias": "Forget bias",
  "flag.input-dropout": "Input dropout",
  "flag.clip": "Clip",
  "flag.eval-steps": "Eval steps",
  "flag.shuffle": "Shuffle every epoch",
  "preset.recommended": "recommended",
  "preset.book": "book",
  "preset.blog": "blog",

  "train.cli": "The same job on the command line:",
  "train.fixOptions": "(fix the options above)",
  "train.start": "Train",
  "train.pause": "Pause",
  "train.resume": "Resume",
  "train.stop": "Stop",
  "train.progress": "Progress",
  "train.notStarted": "Not started.",
  "train.outOfRange": "Some options are out of range; fix them first.",
  "train.training": "Training {job}…",
  "train.resuming": "Resuming {job}…",
  "train.error": "error: {message}",
  "train.workerFailed": "the training worker failed",
  "train.paused": "Paused; resuming continues from step {step}, the last evaluation.",
  "train.stopped": "Stopped at step {step} (the last evaluation).",
  "train.step": "Step {step} of {total}{best}; {rate} steps/s, about {eta} left.",
  "train.bestSoFar": ", best dev accuracy {acc}",
  "train.result":
    "{job}: {how} at step {steps}, best dev accuracy {best} (step {bestStep}), test accuracy {test}.",
  "status.done": "done",
  "status.early-stop": "stopped early",
  "status.interrupted": "interrupted",
  "status.diverged": "diverged",
  "time.unknown": "?",
  "time.s": "{s} s",
  "time.minS": "{m} min {s} s",
  "train.lossCaption":
    "Training loss of every step (light), its moving average over 50 steps, and the dev loss at each evaluation.",
  "train.accCaption": "Dev accuracy at each evaluation.",
  "train.tableSummary": "The evaluations as a table",
  "train.tableCaption": "Evaluations on the dev set",
  "col.step": "step",
  "col.epoch": "epoch",
  "col.trainLossAvg": "train loss (moving average)",
  "col.devLoss": "dev loss",
  "col.devAcc": "dev accuracy",
  "train.dlMetrics": "Download metrics.csv",
  "train.dlBest": "Download best.safetensors",
  "train.dlOnnx": "Download ONNX",
  "train.probeBest": "Probe the best model",
  "chart.trainLoss": "train loss",
  "chart.movingAverage": "moving average",
  "chart.devLoss": "dev loss",
  "chart.devAcc": "dev accuracy",
  "chart.step": "step",
  "chart.crossEntropy": "cross-entropy",
  "chart.accuracy": "accuracy",

  "probe.noModel": "No model yet: train one, or open a checkpoint under “Load and save”.",
  "probe.model": "Model: {model}",
  "probe.modelFromTraining": "Model: the best checkpoint of the training above — {model}",
  "probe.modelShort": "{name} ({cell}, hidden {hidden})",
  "probe.modelShortLength": "{name} ({cell}, hidden {hidden}, trained at length {length})",
  "probe.seq": "Digit sequence (3–200 digits)",
  "probe.example": "Test example (1–100)",
  "probe.useExample": "Use this test example",
  "probe.badDigits":
    "the sequence must be digits 0–9, written together or separated by spaces or commas",
  "probe.badLength": "the sequence must have 3–{max} digits, got {n}",
  "probe.right":
    "Predicted sum {pred} (probability {p}); the first two digits, {a} + {b}, sum to {sum} — right.",
  "probe.wrong":
    "Predicted sum {pred} (probability {p}); the first two digits, {a} + {b}, sum to {sum} — wrong.",
  "probe.probsCaption": "The probability of each sum 0–18.",
  "probe.probsSummary": "The 19 probabilities as a table",
  "probe.probsTableCaption": "Probability and logit of each sum",
  "col.sum": "sum",
  "col.probability": "probability",
  "col.logit": "logit",
  "probe.selectedStep": "Selected step",
  "probe.stepOut": "{t} of {T} (digit {digit})",
  "probe.stepOutRole": "{t} of {T} (digit {digit}, {role})",
  "probe.meansSummary": "Per step: the digits, the means over units and the saliency",
  "probe.meansCaption": "Each step's digit, the means over units, and the saliency",
  "probe.unitsAtSelected": "Every unit at the selected step",
  "probe.unitsAt": "Every unit at step {t}",
  "gate.input": "input gate i",
  "gate.forget": "forget gate f",
  "gate.output": "output gate o",
  "gate.reset": "reset gate r",
  "gate.update": "update gate z",
  "state.c": "cell state c",
  "state.h": "hidden state h",
  "role.first": "first digit",
  "role.second": "second digit",
  "role.noise": "noise",
  "probe.heatLabel": "{title}: {H} units by {T} steps; the numbers are in the tables below",
  "probe.meanLabel": "mean of the {title} over units, per step",
  "probe.heatSequential":
    "Units 1–{H} down, steps 1–{T} across: white 0, dark blue 1. Below: the mean over units.",
  "probe.heatDiverging":
    "Units 1–{H} down, steps 1–{T} across: blue −{m}, white 0, red +{m}. Below: the mean over units.",
  "chart.meanOverUnits": "mean over units",
  "chart.mean": "mean",
  "chart.sum": "sum",
  "chart.probability": "probability",
  "chart.saliency": "saliency",
  "probe.salTitle": "saliency |∂ logit of {pred} / ∂ input|",
  "probe.salLabel": "saliency of each input position",
  "probe.salCaption":
    "How much the predicted sum's logit changes with each input's embedding (the L2 norm of the gradient).",
  "col.digit": "digit",
  "col.role": "role",
  "col.mean": "mean {title}",
  "col.saliency": "saliency",
  "col.unit": "unit",

  "load.open": "Open a checkpoint (`best.safetensors` from `deno task train`)",
  "load.pick": "Choose a file…",
  "load.drop": "or drop the file here.",
  "load.jobs": "The jobs of the served run",
  "load.current": "The model being probed",
  "load.none": "None.",
  "load.dlModel": "Download safetensors",
  "load.dlOnnx": "Download ONNX",
  "load.loaded": "Loaded {model}.",
  "load.error": "{line}",
  "model.line": "{name}: {parts}",
  "model.sizes": "{cell}, embed {embed}, hidden {hidden}",
  "model.length": "trained at length {length}",
  "model.bestStep": "best step {step}",
  "model.devAcc": "dev accuracy {acc}",
  "model.testAcc": "test accuracy {acc}",
  "list.sep": ", ",
} as const;

/** A key of the strings table. */
export type Key = keyof typeof EN;

const ZH: Record<Key, string> = {
  "page.title": "lstm-lab：浏览器里的实验室",
  "page.sub": "浏览器里的实验室",
  "page.lede":
    "在书中的数字求和任务上训练一个循环神经网络，看它怎样记住开头的两个数字——用的是工具包自己的计算核，结果与 `deno task train` 分毫不差。",
  "page.views": "视图",
  "page.footer": "lstm-lab——本页的每个数字都来自工具包的 TypeScript 计算核，就在这个页面里运行。",
  "lang.switch": "English",
  "tab.train": "训练",
  "tab.probe": "探查",
  "tab.load": "载入与保存",

  "flag.preset": "预设",
  "flag.cells": "循环单元",
  "flag.lengths": "序列长度",
  "flag.seeds": "随机种子",
  "flag.epochs": "训练轮数",
  "flag.lr": "学习率",
  "flag.batch-size": "批大小",
  "flag.hidden": "隐状态维度",
  "flag.forget-bias": "遗忘门偏置",
  "flag.input-dropout": "输入丢弃率",
  "flag.clip": "梯度裁剪",
  "flag.eval-steps": "评估间隔步数",
  "flag.shuffle": "每轮打乱训练数据",
  "preset.recommended": "推荐设置",
  "preset.book": "书中设置",
  "preset.blog": "博客设置",

  "train.cli": "同一个任务的命令行：",
  "train.fixOptions": "（请先修正上面的选项）",
  "train.start": "开始训练",
  "train.pause": "暂停",
  "train.resume": "继续",
  "train.stop": "停止",
  "train.progress": "进度",
  "train.notStarted": "尚未开始。",
  "train.outOfRange": "有些选项超出了范围，请先修正。",
  "train.training": "正在训练 {job}…",
  "train.resuming": "正在继续训练 {job}…",
  "train.error": "出错：{message}",
  "train.workerFailed": "训练线程出错",
  "train.paused": "已暂停；继续时从第 {step} 步（最近一次评估）接着训练。",
  "train.stopped": "已停止于第 {step} 步（最近一次评估）。",
  "train.step": "第 {step} / {total} 步{best}；每秒 {rate} 步，大约还需 {eta}。",
  "train.bestSoFar": "，验证集最高准确率 {acc}",
  "train.result":
    "{job}：{how}，共 {steps} 步；验证集最高准确率 {best}（第 {bestStep} 步），测试集准确率 {test}。",
  "status.done": "训练完成",
  "status.early-stop": "提前停止",
  "status.interrupted": "被中断",
  "status.diverged": "发散",
  "time.unknown": "？",
  "time.s": "{s} 秒",
  "time.minS": "{m} 分 {s} 秒",
  "train.lossCaption":
    "每一步的训练损失（浅色）、它在 50 步上的滑动平均，以及每次评估时的验证集损失。",
  "train.accCaption": "每次评估时的验证集准确率。",
  "train.tableSummary": "以表格列出各次评估",
  "train.tableCaption": "验证集上的各次评估",
  "col.step": "步",
  "col.epoch": "轮",
  "col.trainLossAvg": "训练损失（滑动平均）",
  "col.devLoss": "验证集损失",
  "col.devAcc": "验证集准确率",
  "train.dlMetrics": "下载 metrics.csv",
  "train.dlBest": "下载 best.safetensors",
  "train.dlOnnx": "下载 ONNX 模型",
  "train.probeBest": "探查最佳模型",
  "chart.trainLoss": "训练损失",
  "chart.movingAverage": "滑动平均",
  "chart.devLoss": "验证集损失",
  "chart.devAcc": "验证集准确率",
  "chart.step": "步",
  "chart.crossEntropy": "交叉熵",
  "chart.accuracy": "准确率",

  "probe.noModel": "还没有模型：先训练一个，或者在“载入与保存”里打开一个检查点。",
  "probe.model": "模型：{model}",
  "probe.modelFromTraining": "模型：上面训练得到的最佳检查点——{model}",
  "probe.modelShort": "{name}（{cell}，隐状态维度 {hidden}）",
  "probe.modelShortLength": "{name}（{cell}，隐状态维度 {hidden}，训练序列长度 {length}）",
  "probe.seq": "数字序列（3–200 个数字）",
  "probe.example": "测试样本（1–100）",
  "probe.useExample": "使用这个测试样本",
  "probe.badDigits": "序列只能包含数字 0–9，可以连写，也可以用空格或逗号分开",
  "probe.badLength": "序列须有 3–{max} 个数字，现在是 {n} 个",
  "probe.right": "预测的和为 {pred}（概率 {p}）；开头两个数字 {a} + {b} 的和是 {sum}——预测正确。",
  "probe.wrong": "预测的和为 {pred}（概率 {p}）；开头两个数字 {a} + {b} 的和是 {sum}——预测错误。",
  "probe.probsCaption": "和为 0–18 中每个值的概率。",
  "probe.probsSummary": "以表格列出 19 个概率",
  "probe.probsTableCaption": "每个和的概率与 logit",
  "col.sum": "和",
  "col.probability": "概率",
  "col.logit": "logit",
  "probe.selectedStep": "选中的时刻",
  "probe.stepOut": "第 {t} / {T} 步（数字 {digit}）",
  "probe.stepOutRole": "第 {t} / {T} 步（数字 {digit}，{role}）",
  "probe.meansSummary": "每一步：数字、各单元的平均值与显著性",
  "probe.meansCaption": "每一步的数字、各单元的平均值与显著性",
  "probe.unitsAtSelected": "选中时刻的每个单元",
  "probe.unitsAt": "第 {t} 步的每个单元",
  "gate.input": "输入门 i",
  "gate.forget": "遗忘门 f",
  "gate.output": "输出门 o",
  "gate.reset": "重置门 r",
  "gate.update": "更新门 z",
  "state.c": "内部状态 c",
  "state.h": "隐状态 h",
  "role.first": "第一个数字",
  "role.second": "第二个数字",
  "role.noise": "噪声",
  "probe.heatLabel": "{title}：{H} 个单元 × {T} 步；具体数值见下方表格",
  "probe.meanLabel": "{title} 在各单元上的平均值，逐步列出",
  "probe.heatSequential":
    "纵向为单元 1–{H}，横向为第 1–{T} 步：白色为 0，深蓝为 1。下方是各单元的平均值。",
  "probe.heatDiverging":
    "纵向为单元 1–{H}，横向为第 1–{T} 步：蓝色为 −{m}，白色为 0，红色为 +{m}。下方是各单元的平均值。",
  "chart.meanOverUnits": "各单元的平均值",
  "chart.mean": "平均值",
  "chart.sum": "和",
  "chart.probability": "概率",
  "chart.saliency": "显著性",
  "probe.salTitle": "显著性 |∂ logit({pred}) / ∂ 输入|",
  "probe.salLabel": "每个输入位置的显著性",
  "probe.salCaption": "预测之和的 logit 随每个输入的嵌入向量变化的程度（梯度的 L2 范数）。",
  "col.digit": "数字",
  "col.role": "角色",
  "col.mean": "{title} 的平均值",
  "col.saliency": "显著性",
  "col.unit": "单元",

  "load.open": "打开一个检查点（`deno task train` 写出的 `best.safetensors`）",
  "load.pick": "选择文件…",
  "load.drop": "或者把文件拖到这里。",
  "load.jobs": "所提供运行中的各个任务",
  "load.current": "正在探查的模型",
  "load.none": "无。",
  "load.dlModel": "下载 safetensors",
  "load.dlOnnx": "下载 ONNX 模型",
  "load.loaded": "已载入 {model}。",
  "load.error": "无法载入（以下是命令行的报错原文）：{line}",
  "model.line": "{name}：{parts}",
  "model.sizes": "{cell}，嵌入维度 {embed}，隐状态维度 {hidden}",
  "model.length": "训练序列长度 {length}",
  "model.bestStep": "最佳步 {step}",
  "model.devAcc": "验证集准确率 {acc}",
  "model.testAcc": "测试集准确率 {acc}",
  "list.sep": "，",
};

/** The strings table: language → key → text. */
export const STRINGS: Record<Lang, Record<Key, string>> = { en: EN, zh: ZH };

let current: Lang = "en";

/** The language the page shows now. */
export function currentLang(): Lang {
  return current;
}

/** Show `lang` from now on ({@linkcode t} answers in it). */
export function setLang(lang: Lang): void {
  current = lang;
}

/**
 * The string `key` in the current language, its `{name}` placeholders filled from `params`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setLang, t } from "./strings.ts";
 * assert.equal(t("train.stopped", { step: 50 }), "Stopped at step 50 (the last evaluation).");
 * setLang("zh");
 * assert.equal(t("train.stopped", { step: 50 }), "已停止于第 50 步（最近一次评估）。");
 * setLang("en");
 * ```
 */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  return fillPlaceholders(STRINGS[current][key], params);
}

/**
 * The page's language for the reader's `navigator.languages`: the first of them that is Chinese
 * (`zh`, `zh-CN`, `zh-Hans`, …) or English decides; English otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { langFor } from "./strings.ts";
 * assert.equal(langFor(["zh-CN", "en-US"]), "zh");
 * assert.equal(langFor(["de-DE", "en-GB", "zh"]), "en");
 * assert.equal(langFor(["fr"]), "en");
 * ```
 */
export function langFor(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split("-")[0];
    if (primary === "zh") return "zh";
    if (primary === "en") return "en";
  }
  return "en";
}
