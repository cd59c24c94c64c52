import { checkArgument, checkOptions } from '@betterdl/runtime';
import { type ClassLabels, readPair } from './class-indices';

/** Precision, recall, F1 and support of one class (or an average). */
export interface ClassScores {
  /** Of the samples predicted as this class, the fraction that are (0 when none predicted). */
  precision: number;
  /** Of the samples of this class, the fraction predicted as it (0 when none present). */
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
  /** Number of true samples of this class. */
  support: number;
}

/** The result of {@link classificationReport}. */
export interface ClassificationReport {
  /** Per-class scores, in class-index order. */
  classes: Array<ClassScores & { label: string }>;
  /** Fraction of samples predicted correctly. */
  accuracy: number;
  /** Unweighted mean over classes. */
  macroAvg: ClassScores;
  /** Mean over classes weighted by support. */
  weightedAvg: ClassScores;
  /** The report as an aligned text table. */
  text: string;
}

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions {
  /** Class names, one per class index. Defaults to `'0'`, `'1'`, ... */
  labels?: string[];
  /** Decimal places in `text`. Defaults to `2`. */
  digits?: number;
}

/**
 * Precision, recall and F1 per class, with accuracy and macro / weighted averages, from labels and
 * predictions in any {@link ClassLabels} form.
 */
export function classificationReport(
  yTrue: ClassLabels,
  yPred: ClassLabels,
  opts: ClassificationReportOptions = {},
): ClassificationReport {
  checkOptions('classificationReport', opts, ['labels', 'digits']);
  const digits = opts.digits ?? 2;
  checkArgument(
    Number.isInteger(digits) && digits >= 0 && digits <= 10,
    'classificationReport',
    `digits must be an integer in [0, 10], got ${digits}.`,
  );
  const { t, p, numClasses } = readPair(yTrue, yPred, 'classificationReport', opts.labels);
  const tp = new Array<number>(numClasses).fill(0);
  const predicted = new Array<number>(numClasses).fill(0);
  const support = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < t.length; i++) {
    const ti = t[i] as number;
    const pi = p[i] as number;
    support[ti] = (support[ti] as number) + 1;
    predicted[pi] = (predicted[pi] as number) + 1;
    if (ti === pi) tp[ti] = (tp[ti] as number) + 1;
  }
  const labels = opts.labels ?? Array.from({ length: numClasses }, (_, i) => String(i));
  const classes = labels.map((label, c) => {
    const precision = predicted[c] ? (tp[c] as number) / (predicted[c] as number) : 0;
    const recall = support[c] ? (tp[c] as number) / (support[c] as number) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: support[c] as number };
  });
  const n = t.length;
  const avg = (weight: (c: ClassScores) => number, total: number): ClassScores => ({
    precision: classes.reduce((s, c) => s + weight(c) * c.precision, 0) / total,
    recall: classes.reduce((s, c) => s + weight(c) * c.recall, 0) / total,
    f1: classes.reduce((s, c) => s + weight(c) * c.f1, 0) / total,
    support: n,
  });
  const accuracy = tp.reduce((a, b) => a + b, 0) / n;
  const macroAvg = avg(() => 1, numClasses);
  const weightedAvg = avg((c) => c.support, n);
  const w = Math.max(12, ...labels.map((l) => l.length));
  const num = (v: number) => v.toFixed(digits).padStart(10);
  const row = (name: string, s: ClassScores) =>
    `${name.padStart(w)}${num(s.precision)}${num(s.recall)}${num(s.f1)}${String(s.support).padStart(10)}`;
  const text = [
    `${''.padStart(w)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'f1-score'.padStart(10)}${'support'.padStart(10)}`,
    '',
    ...classes.map((c) => row(c.label, c)),
    '',
    `${'accuracy'.padStart(w)}${''.padStart(20)}${num(accuracy)}${String(n).padStart(10)}`,
    row('macro avg', macroAvg),
    row('weighted avg', weightedAvg),
  ].join('\n');
  return { classes, accuracy, macroAvg, weightedAvg, text };
}
