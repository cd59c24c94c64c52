import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Labels or predictions: a tensor or nested array of class indices `[n]` / `[n, 1]`, one-hot rows or
 * class probabilities `[n, classes]`, or binary probabilities `[n]` / `[n, 1]` in [0, 1] (class 1 when `> 0.5`, as
 * Keras's `BinaryAccuracy` and tfjs's `binaryAccuracy` decide).
 */
export type ClassLabels = tf.Tensor | ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

/** Class indices read from {@link ClassLabels}, plus the number of columns the input had (1 for indices). */
export interface ClassIndices {
  indices: Int32Array;
  columns: number;
}

function fromFlat(values: ArrayLike<number>, n: number, cols: number, who: string, name: string): Int32Array {
  const out = new Int32Array(n);
  if (cols > 1) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < cols; j++)
        if ((values[i * cols + j] as number) > (values[i * cols + best] as number)) best = j;
      out[i] = best;
    }
    return out;
  }
  let integral = true;
  let unit = true;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      throw new BetterDLError(
        'INVALID_DATA',
        `${who}: ${name}[${i}] is ${v}. Labels and predictions must be finite numbers.`,
      );
    }
    if (!Number.isInteger(v)) integral = false;
    if (v < 0 || v > 1) unit = false;
  }
  if (!integral && !unit) {
    throw new BetterDLError(
      'INVALID_DATA',
      `${who}: ${name} holds non-integer values outside [0, 1], so they are neither class indices nor probabilities. ` +
        'Pass class indices, one-hot rows or probabilities.',
    );
  }
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (integral && v < 0) {
      throw new BetterDLError('INVALID_DATA', `${who}: ${name}[${i}] is ${v}; class indices start at 0.`);
    }
    out[i] = integral ? v : v > 0.5 ? 1 : 0;
  }
  return out;
}

/** Reads class indices from any {@link ClassLabels} form, with errors that name `who` and `name`. */
export function toClassIndices(y: ClassLabels, who: string, name: string): ClassIndices {
  if (y instanceof tf.Tensor) {
    if (y.rank === 0 || y.rank > 2) {
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${who}: ${name} must be [samples] or [samples, classes], got shape [${y.shape}].`,
      );
    }
    const n = y.shape[0] as number;
    const cols = y.rank === 2 ? (y.shape[1] as number) : 1;
    if (cols > 1) {
      const idx = tf.tidy(() => tf.argMax(y, 1).dataSync());
      return { indices: Int32Array.from(idx), columns: cols };
    }
    return { indices: fromFlat(y.dataSync(), n, 1, who, name), columns: 1 };
  }
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<number>).length !== 'number') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${who}: ${name} must be a tensor or an array, got ${typeof y}.`,
    );
  }
  const rows = y as ArrayLike<unknown>;
  const n = rows.length;
  if (n > 0 && typeof rows[0] === 'object' && rows[0] !== null) {
    const cols = (rows[0] as ArrayLike<number>).length;
    const flat = new Float64Array(n * cols);
    for (let i = 0; i < n; i++) {
      const r = rows[i] as ArrayLike<number>;
      if (r?.length !== cols) {
        throw new BetterDLError(
          'SHAPE_MISMATCH',
          `${who}: ${name} row ${i} has ${r?.length} values but row 0 has ${cols}.`,
        );
      }
      for (let j = 0; j < cols; j++) flat[i * cols + j] = r[j] as number;
    }
    return { indices: fromFlat(flat, n, cols, who, name), columns: cols };
  }
  return { indices: fromFlat(rows as ArrayLike<number>, n, 1, who, name), columns: 1 };
}

/** Reads `yTrue` and `yPred` and checks they have as many samples (and classes, when both are one-hot). */
export function readPair(
  yTrue: ClassLabels,
  yPred: ClassLabels,
  who: string,
): { t: Int32Array; p: Int32Array } {
  const a = toClassIndices(yTrue, who, 'yTrue');
  const b = toClassIndices(yPred, who, 'yPred');
  if (a.indices.length !== b.indices.length) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `${who}: yTrue has ${a.indices.length} samples but yPred has ${b.indices.length}. Pass predictions for the same samples.`,
    );
  }
  if (a.indices.length === 0) throw new BetterDLError('INVALID_DATA', `${who}: yTrue and yPred are empty.`);
  if (a.columns > 1 && b.columns > 1 && a.columns !== b.columns) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `${who}: yTrue has ${a.columns} classes (columns) but yPred has ${b.columns}.`,
    );
  }
  return { t: a.indices, p: b.indices };
}

/** The class set options shared by {@link confusionMatrix} and {@link classificationReport}. */
export interface ClassSetOptions {
  /**
   * The class indices to report, in this order (scikit-learn's `labels=`): fixes the set, so classes that
   * never occur still get a row. Defaults to the sorted classes present in `yTrue` or `yPred`.
   */
  labels?: readonly number[];
  /** Display names, one per entry of `labels` (or per present class). Defaults to the class indices as text. */
  targetNames?: readonly string[];
}

/** The classes to report and their display names: `labels` if given, else the sorted classes present. */
export function classSet(
  t: Int32Array,
  p: Int32Array,
  who: string,
  opts: ClassSetOptions,
): { classes: number[]; names: string[]; given: boolean } {
  const { labels, targetNames } = opts;
  let classes: number[];
  if (labels === undefined) {
    classes = Array.from(new Set([...t, ...p])).sort((x, y) => x - y);
  } else {
    if (!Array.isArray(labels) || labels.length === 0)
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${who}: labels must be a non-empty array of class indices, got ${JSON.stringify(labels)}.`,
      );
    if (labels.some((l) => typeof l === 'string'))
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${who}: labels lists the class indices to include (scikit-learn's labels=), got names ${JSON.stringify(labels)}. ` +
          'Pass names as targetNames, e.g. { targetNames: ["cat", "dog"] } (add labels: [0, 1] to fix the set).',
      );
    const bad = labels.find((l) => !Number.isInteger(l) || l < 0);
    if (bad !== undefined)
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${who}: labels must be class indices (integers >= 0); ${bad} is not.`,
      );
    if (new Set(labels).size !== labels.length)
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${who}: labels ${JSON.stringify(labels)} repeats a class.`,
      );
    classes = [...labels];
  }
  if (targetNames !== undefined) {
    if (!Array.isArray(targetNames) || targetNames.some((n) => typeof n !== 'string'))
      throw new BetterDLError('INVALID_ARGUMENT', `${who}: targetNames must be an array of strings.`);
    if (targetNames.length !== classes.length)
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${who}: ${targetNames.length} targetNames for ${classes.length} classes (${classes.join(', ')}). ` +
          (labels === undefined
            ? 'Give one name per class present, or pass labels to fix the class set.'
            : 'Give one name per entry of labels.'),
      );
  }
  return {
    classes,
    names: targetNames ? [...targetNames] : classes.map(String),
    given: labels !== undefined,
  };
}
