import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Class labels given as numbers, strings, rows of numbers (`[n, k]`, e.g. one-hot), or a tensor (`[n]`, `[n, 1]`, or `[n, k]`). */
export type LabelsLike = ArrayLike<number | string> | ReadonlyArray<ArrayLike<number>> | tf.Tensor;

/** Nested number arrays of rank 2 (`[n, k]`), as a plain-JS one-hot or multi-column label matrix. */
function nestedRows(fn: string, labels: LabelsLike): number[][] | null {
  if (labels instanceof tf.Tensor || labels.length === 0) return null;
  const first = (labels as ArrayLike<unknown>)[0];
  if (typeof first !== 'object' || first === null) return null;
  const rows = Array.from(labels as ArrayLike<unknown>, (r) =>
    typeof r === 'object' && r !== null && typeof (r as ArrayLike<number>).length === 'number'
      ? Array.from(r as ArrayLike<unknown>)
      : null,
  );
  const k = rows[0]?.length ?? 0;
  rows.forEach((r, i) => {
    if (!r || r.length !== k || !r.every((v) => typeof v === 'number'))
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${fn}: label rows must all be arrays of ${k} numbers (one-hot [n, k]); row ${i} is not.`,
      );
  });
  return rows as number[][];
}

/**
 * Reads labels into a plain array; a one-hot / probability `[n, k]` tensor or nested array gives each row's
 * argmax (the first largest), `[n, 1]` gives its values.
 */
export function readLabels(fn: string, labels: LabelsLike): Array<number | string> {
  const rows = nestedRows(fn, labels);
  if (rows) {
    if (rows[0]?.length === 1) return rows.map((r) => r[0] as number);
    return rows.map((r) => r.reduce((best, v, j) => (v > (r[best] as number) ? j : best), 0));
  }
  if (!(labels instanceof tf.Tensor)) return Array.from(labels as ArrayLike<number | string>);
  if (labels.rank === 1 || (labels.rank === 2 && labels.shape[1] === 1)) return Array.from(labels.dataSync());
  if (labels.rank !== 2) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `${fn}: labels must be [n], [n, 1] or one-hot [n, k], got shape [${labels.shape.join(', ')}].`,
    );
  }
  const [n, k] = labels.shape as [number, number];
  const v = labels.dataSync();
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if ((v[i * k + j] as number) > (v[i * k + best] as number)) best = j;
    out[i] = best;
  }
  return out;
}

/** The shortest digits that round-trip `v` at float32 (`float32: true`) or float64 precision. */
function shortest(v: number, float32: boolean): number {
  if (!float32) return v;
  for (let p = 1; p < 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return d;
  }
  return Number(v.toPrecision(9));
}

/**
 * numpy's `str` of one element (`arr.astype(str)`): integers plainly; floats in Python's repr form (`1.0`,
 * `1e-05`, `1e+16`), switching to exponent form outside [1e-4, 1e16) for float64 and [1e-4, 1e6) for float32.
 */
export function numpyStr(v: number, dtype: 'int' | 'float32' | 'float64'): string {
  if (dtype === 'int') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const d = shortest(v, dtype === 'float32');
  const a = Math.abs(v);
  if (a >= 1e-4 && a < (dtype === 'float32' ? 1e6 : 1e16)) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  return d.toExponential().replace(/e([+-])(\d)$/, (_, sign: string, digit: string) => `e${sign}0${digit}`);
}

/**
 * scikit-learn's class keys for stratifying (`StratifiedShuffleSplit`): 1-D labels (and `[n, 1]`, read as 1-D)
 * as they are; a 2-D `y` of k > 1 columns (one-hot, multi-label rows; tensor or nested arrays) as one string per
 * row, its values joined by spaces as numpy prints them (`"0.0 1.0 0.0"`), so every distinct row is a class
 * and classes sort as those strings do.
 */
export function stratifyKeys(fn: string, labels: LabelsLike): Array<number | string> {
  let rows: ArrayLike<number>;
  let n: number;
  let k: number;
  let dtype: 'int' | 'float32' | 'float64';
  const nested = nestedRows(fn, labels);
  // [n, 1] is betterdl's shape for class labels (the generators return y so): read as 1-D labels
  if (
    nested?.[0]?.length === 1 ||
    (labels instanceof tf.Tensor && labels.rank === 2 && labels.shape[1] === 1)
  )
    return readLabels(fn, labels);
  if (nested) {
    n = nested.length;
    k = nested[0]?.length ?? 0;
    rows = nested.flat();
    dtype = Array.prototype.every.call(rows, (v: number) => Number.isInteger(v)) ? 'int' : 'float64';
  } else if (labels instanceof tf.Tensor && labels.rank === 2) {
    [n, k] = labels.shape as [number, number];
    rows = labels.dataSync();
    dtype = labels.dtype === 'float32' ? 'float32' : 'int';
  } else {
    if (labels instanceof tf.Tensor && labels.rank !== 1)
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${fn}: stratify labels must be [n] or [n, k], got shape [${labels.shape.join(', ')}].`,
      );
    return readLabels(fn, labels);
  }
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const parts = new Array<string>(k);
    for (let j = 0; j < k; j++) parts[j] = numpyStr(rows[i * k + j] as number, dtype);
    keys[i] = parts.join(' ');
  }
  return keys;
}

/**
 * numpy's `unique(y, return_inverse=True)`: the sorted distinct labels and each sample's index into them.
 * Numbers sort numerically, strings lexicographically.
 */
export function encodeLabels(labels: Array<number | string>): {
  classes: Array<number | string>;
  inverse: Int32Array;
} {
  const classes = Array.from(new Set(labels)).sort((a, b) =>
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
  const pos = new Map(classes.map((c, i) => [c, i]));
  const inverse = Int32Array.from(labels, (l) => pos.get(l) as number);
  return { classes, inverse };
}
