import { checkArgument, checkOptions, formatPython } from '@betterdl/runtime';
import { type ClassLabels, type ClassSetOptions, classSet, readPair } from './class-indices';
import { npAverage, npNanMean } from './np-average';

/** Precision, recall, F1 and support of one class (or an average). */
export interface ClassScores {
  /** Of the samples predicted as this class, the fraction that are (`zeroDivision` when none predicted). */
  precision: number;
  /** Of the samples of this class, the fraction predicted as it (`zeroDivision` when none present). */
  recall: number;
  /** F1 = 2·tp / (true + predicted), scikit-learn's form (`zeroDivision` when both are 0). */
  f1: number;
  /** Number of true samples of this class (for an average: of all reported classes). */
  support: number;
}

/** The result of {@link classificationReport}. */
export interface ClassificationReport {
  /** Per-class scores, in the order of the reported classes, with display name and class index. */
  classes: Array<ClassScores & { label: string; classIndex: number }>;
  /** Fraction of all samples predicted correctly. */
  accuracy: number;
  /** Micro average over the reported classes (equals `accuracy` when they include every class present). */
  microAvg: ClassScores;
  /** Unweighted mean over classes (NaN entries, from `zeroDivision: NaN`, left out). */
  macroAvg: ClassScores;
  /** Mean over classes weighted by support (NaN entries left out). */
  weightedAvg: ClassScores;
  /** The report as scikit-learn's `classification_report` prints it, character for character (ends in a newline). */
  text: string;
}

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions extends ClassSetOptions {
  /** Decimal places in `text`. Defaults to `2`. */
  digits?: number;
  /**
   * The value of a precision, recall or F1 whose denominator is 0: `0`, `1` or `NaN` (scikit-learn's
   * `zero_division`; its default `"warn"` gives 0 plus a warning). Defaults to `0`.
   */
  zeroDivision?: number;
}

const divide = (num: number, den: number, zero: number) => (den === 0 ? zero : num / den);

/**
 * Precision, recall and F1 per class, with accuracy and macro / weighted averages, from labels and
 * predictions in any {@link ClassLabels} form; numbers and `text` as scikit-learn's `classification_report`
 * gives them for the same class indices (classes: the sorted ones present in `yTrue` or `yPred`, or `labels`).
 *
 * @example
 * console.log(classificationReport(yTest, probabilities, { targetNames: ['cat', 'dog', 'bird'] }).text);
 */
export function classificationReport(
  yTrue: ClassLabels,
  yPred: ClassLabels,
  opts: ClassificationReportOptions = {},
): ClassificationReport {
  checkOptions('classificationReport', opts, ['labels', 'targetNames', 'digits', 'zeroDivision']);
  const digits = opts.digits ?? 2;
  checkArgument(
    Number.isInteger(digits) && digits >= 0 && digits <= 20,
    'classificationReport',
    `digits must be an integer in [0, 20], got ${digits}.`,
  );
  const zero = opts.zeroDivision ?? 0;
  checkArgument(
    zero === 0 || zero === 1 || Number.isNaN(zero),
    'classificationReport',
    `zeroDivision must be 0, 1 or NaN, got ${zero}.`,
  );
  const who = 'classificationReport';
  const { t, p } = readPair(yTrue, yPred, who);
  const { classes: ids, names, given } = classSet(t, p, who, opts);
  const pos = new Map(ids.map((c, i) => [c, i]));
  const k = ids.length;
  const tp = new Array<number>(k).fill(0);
  const predicted = new Array<number>(k).fill(0);
  const support = new Array<number>(k).fill(0);
  let correct = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = pos.get(t[i] as number);
    const pi = pos.get(p[i] as number);
    if (ti !== undefined) support[ti] = (support[ti] as number) + 1;
    if (pi !== undefined) predicted[pi] = (predicted[pi] as number) + 1;
    if (t[i] === p[i]) {
      correct++;
      if (ti !== undefined) tp[ti] = (tp[ti] as number) + 1;
    }
  }
  const scores = (tpc: number, pred: number, sup: number): ClassScores => ({
    precision: divide(tpc, pred, zero),
    recall: divide(tpc, sup, zero),
    f1: divide(2 * tpc, sup + pred, zero),
    support: sup,
  });
  const classes = ids.map((classIndex, c) => ({
    label: names[c] as string,
    classIndex,
    ...scores(tp[c] as number, predicted[c] as number, support[c] as number),
  }));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const total = sum(support);
  const microAvg = scores(sum(tp), sum(predicted), total);
  const pick = (f: keyof ClassScores) => classes.map((c) => c[f]);
  const macroAvg: ClassScores = {
    precision: npNanMean(pick('precision')),
    recall: npNanMean(pick('recall')),
    f1: npNanMean(pick('f1')),
    support: total,
  };
  const weightedAvg: ClassScores = {
    precision: npAverage(pick('precision'), support),
    recall: npAverage(pick('recall'), support),
    f1: npAverage(pick('f1'), support),
    support: total,
  };
  const present = new Set([...t, ...p]);
  const microIsAccuracy = !given || [...present].every((c) => pos.has(c));
  // scikit-learn's counts turn float (support printed `2.0`) when no sample at all is predicted right
  const text = reportText(
    classes,
    { microAvg, macroAvg, weightedAvg },
    microIsAccuracy,
    digits,
    correct === 0,
  );
  return { classes, accuracy: correct / t.length, microAvg, macroAvg, weightedAvg, text };
}

/** scikit-learn's text layout: names right-aligned to max(longest name, 12, digits), columns ` {:>9}`. */
function reportText(
  rows: Array<ClassScores & { label: string }>,
  avg: { microAvg: ClassScores; macroAvg: ClassScores; weightedAvg: ClassScores },
  microIsAccuracy: boolean,
  digits: number,
  floatCounts: boolean,
): string {
  const width = Math.max(...rows.map((r) => [...r.label].length), 'weighted avg'.length, digits);
  const name = (s: string) => formatPython(`>${width}s`, s);
  const col = (v: string) => ` ${formatPython('>9', v)}`;
  const num = (v: number) => ` ${formatPython(`>9.${digits}f`, v)}`;
  const int = (v: number) => ` ${formatPython('>9', floatCounts ? v : BigInt(v))}`;
  const row = (label: string, s: ClassScores) =>
    `${name(label)} ${num(s.precision)}${num(s.recall)}${num(s.f1)}${int(s.support)}\n`;
  let out = `${name('')} ${['precision', 'recall', 'f1-score', 'support'].map(col).join('')}\n\n`;
  for (const r of rows) out += row(r.label, r);
  out += '\n';
  out += microIsAccuracy
    ? `${name('accuracy')} ${col('')}${col('')}${num(avg.microAvg.f1)}${int(avg.microAvg.support)}\n`
    : row('micro avg', avg.microAvg);
  out += row('macro avg', avg.macroAvg);
  out += row('weighted avg', avg.weightedAvg);
  return out;
}
