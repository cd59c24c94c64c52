import { BetterDLError, checkBoolean, checkOptions, npSum, requireBackend } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Data a scaler accepts: a `[n, f]` tensor or rows of numbers. */
export type ScalerInput = tf.Tensor | number[][];

/** The serialisable state of a fitted scaler (see {@link Scaler.toJSON}). */
export interface ScalerJSON {
  /** Which scaler: `'minMaxScaler'`, `'standardScaler'` or `'maxAbsScaler'`. */
  kind: 'minMaxScaler' | 'standardScaler' | 'maxAbsScaler';
  /** The options it was created with. */
  args: Record<string, unknown>;
  /** Per-feature value subtracted before dividing. */
  shift: number[];
  /** Per-feature divisor (zero-range / zero-variance features get 1, as in scikit-learn). */
  scale: number[];
  /** Added after dividing (the low end of `featureRange` for min–max scaling, else 0). */
  offset: number;
}

/** Per-column statistics of a `[n, f]` input, in float64. */
export interface ColumnStats {
  /** Number of rows. */
  n: number;
  /** Smallest value of each column. */
  min: Float64Array;
  /** Largest value of each column. */
  max: Float64Array;
  /** Mean of each column. */
  mean: Float64Array;
  /** Population variance (ddof = 0) of each column, as scikit-learn uses. */
  variance: Float64Array;
}

/** The row length of `rows`, after checking that every row has it (a ragged table is never re-split). */
function checkRows(fn: string, rows: number[][]): number {
  if (!Array.isArray(rows))
    throw new BetterDLError('INVALID_ARGUMENT', `${fn}: pass a [n, features] tensor or an array of rows.`);
  const f = Array.isArray(rows[0]) ? rows[0].length : 0;
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== f)
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${fn}: row ${i} has ${Array.isArray(row) ? row.length : 'no'} values but row 0 has ${f}; every row needs the same number of features.`,
      );
  });
  return f;
}

/** Reads a `[n, f]` input as float64 values (tensor data is float32 already; the widening itself is exact). */
function readMatrix(fn: string, x: ScalerInput): { values: Float64Array; n: number; f: number } {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2)
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${fn}: expected a [n, features] tensor, got shape [${x.shape.join(', ')}]. Reshape it first.`,
      );
    const [n, f] = x.shape as [number, number];
    return { values: Float64Array.from(x.dataSync()), n, f };
  }
  const n = x.length;
  const f = checkRows(fn, x);
  return { values: Float64Array.from(x.flat()), n, f };
}

/**
 * Column statistics in float64 the way scikit-learn takes them: sums row by row (a lone column pairwise, as
 * numpy does), the mean as sum / n and the
 * variance by the corrected two-pass formula of its `_incremental_mean_and_var`.
 */
function columnStats(fn: string, x: ScalerInput): ColumnStats {
  const { values, n, f } = readMatrix(fn, x);
  if (n < 1 || f < 1)
    throw new BetterDLError('INVALID_DATA', `${fn}: cannot fit on empty data (${n} x ${f}).`);
  const s: ColumnStats = {
    n,
    min: new Float64Array(f).fill(Infinity),
    max: new Float64Array(f).fill(-Infinity),
    mean: new Float64Array(f),
    variance: new Float64Array(f),
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const v = values[i * f + j] as number;
      if (!Number.isFinite(v))
        throw new BetterDLError(
          'INVALID_DATA',
          `${fn}: value at row ${i}, column ${j} is ${v}; remove or impute non-finite values before scaling.`,
        );
      if (v < (s.min[j] as number)) s.min[j] = v;
      if (v > (s.max[j] as number)) s.max[j] = v;
      s.mean[j] = (s.mean[j] as number) + v;
    }
  }
  const correction = new Float64Array(f);
  if (f === 1) {
    // numpy sums a single column as a contiguous vector: pairwise, not row by row
    s.mean[0] = npSum(values) / n;
    const d = values.map((v) => v - (s.mean[0] as number));
    correction[0] = npSum(d);
    s.variance[0] = npSum(d.map((v) => v * v));
  } else {
    for (let j = 0; j < f; j++) s.mean[j] = (s.mean[j] as number) / n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        const d = (values[i * f + j] as number) - (s.mean[j] as number);
        correction[j] = (correction[j] as number) + d;
        s.variance[j] = (s.variance[j] as number) + d * d;
      }
    }
  }
  for (let j = 0; j < f; j++) {
    const c = correction[j] as number;
    s.variance[j] = ((s.variance[j] as number) - (c * c) / n) / n;
  }
  return s;
}

const EPS = 2 ** -52;

/**
 * scikit-learn's `_is_constant_feature`: a variance this small is rounding noise of a constant column
 * (`var <= n·eps·var + (n·mean·eps)²`), not spread.
 */
function isConstantFeature(variance: number, mean: number, n: number): boolean {
  return variance <= n * EPS * variance + (n * mean * EPS) ** 2;
}

/** scikit-learn's `_handle_zeros_in_scale`: divisors below 10·eps (or flagged constant) become 1. */
function handleZerosInScale(scale: Float64Array, constant?: (j: number) => boolean): Float64Array {
  return scale.map((v, j) => ((constant ? constant(j) : v < 10 * EPS) ? 1 : v));
}

/**
 * A per-feature affine scaler: `transform(x) = (x − shift) / scale + offset`. Fit it on training data only,
 * then transform training, validation and test data with the same numbers. Statistics are float64 (tensor
 * input is read as its float32 values). `transform` / `inverseTransform` of arrays compute in float64 and round
 * once to the float32 output; tensors are transformed on their device in float32.
 */
export abstract class Scaler {
  protected shift: Float64Array | null = null;
  protected scale: Float64Array | null = null;
  protected offset = 0;

  protected abstract readonly kind: ScalerJSON['kind'];
  protected abstract readonly args: Record<string, unknown>;
  protected abstract fromStats(s: ColumnStats): void;

  /** Learns the per-feature statistics of `x` (`[n, f]`). Returns `this`. */
  fit(x: ScalerInput): this {
    this.fromStats(columnStats(`${this.kind}.fit`, x));
    return this;
  }

  /** True once {@link fit} or `fromJSON` has run. */
  get fitted(): boolean {
    return this.shift !== null;
  }

  private params(fn: string, x: ScalerInput): [Float64Array, Float64Array] {
    if (!this.shift || !this.scale) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${this.kind}.${fn}: call fit(x) first (or restore with fromJSON).`,
      );
    }
    const f = x instanceof tf.Tensor ? x.shape[x.rank - 1] : checkRows(`${this.kind}.${fn}`, x);
    if (f !== this.shift.length) {
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${this.kind}.${fn}: fitted on ${this.shift.length} features but got ${f}.`,
      );
    }
    return [this.shift, this.scale];
  }

  /**
   * Array input: `op` on every value in float64, then one rounding to float32. Tensor input stays on its
   * device: the same arithmetic in float32 with the float64 statistics rounded once.
   */
  private map(
    fn: string,
    x: ScalerInput,
    op: (v: number, shift: number, scale: number) => number,
    onDevice: (input: tf.Tensor, shift: tf.Tensor, scale: tf.Tensor) => tf.Tensor,
  ): tf.Tensor {
    const [shift, scale] = this.params(fn, x);
    if (x instanceof tf.Tensor)
      return tf.tidy(() =>
        onDevice(x, tf.tensor1d(Float32Array.from(shift)), tf.tensor1d(Float32Array.from(scale))),
      );
    const { values, n, f } = readMatrix(`${this.kind}.${fn}`, x);
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++)
      out[i] = op(values[i] as number, shift[i % f] as number, scale[i % f] as number);
    return tf.tensor2d(out, [n, f], 'float32');
  }

  /** Scales `x` with the fitted statistics; returns a new float32 tensor. */
  transform(x: ScalerInput): tf.Tensor {
    requireBackend('Scaler.transform');
    return this.map(
      'transform',
      x,
      (v, sh, sc) => (v - sh) / sc + this.offset,
      (input, sh, sc) => tf.add(tf.div(tf.sub(input, sh), sc), this.offset),
    );
  }

  /** Fits on `x`, then transforms it. */
  fitTransform(x: ScalerInput): tf.Tensor {
    return this.fit(x).transform(x);
  }

  /** Undoes {@link transform}: maps scaled values back to the original units. */
  inverseTransform(x: ScalerInput): tf.Tensor {
    requireBackend('Scaler.inverseTransform');
    return this.map(
      'inverseTransform',
      x,
      (v, sh, sc) => (v - this.offset) * sc + sh,
      (input, sh, sc) => tf.add(tf.mul(tf.sub(input, this.offset), sc), sh),
    );
  }

  /** Rebuilds a fitted scaler of any kind from {@link toJSON} output (same as {@link scalerFromJSON}). */
  static fromJSON(json: ScalerJSON): Scaler {
    return scalerFromJSON(json);
  }

  /** The fitted state as plain JSON, to save beside a model; restore with {@link scalerFromJSON}. */
  toJSON(): ScalerJSON {
    if (!this.shift || !this.scale)
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${this.kind}.toJSON: the scaler is not fitted yet; call fit(x) first.`,
      );
    return {
      kind: this.kind,
      args: { ...this.args },
      shift: Array.from(this.shift),
      scale: Array.from(this.scale),
      offset: this.offset,
    };
  }

  /** Restores fitted state produced by {@link toJSON}. */
  loadJSON(json: ScalerJSON): this {
    const ok =
      json &&
      json.kind === this.kind &&
      Array.isArray(json.shift) &&
      Array.isArray(json.scale) &&
      json.shift.length === json.scale.length &&
      json.shift.length > 0 &&
      typeof json.offset === 'number';
    if (!ok)
      throw new BetterDLError(
        'INVALID_DATA',
        `${this.kind}.fromJSON: not the JSON of a fitted ${this.kind} (kind ${String(json?.kind)}).`,
      );
    const bad = (field: string, i: number, v: unknown, need: string) =>
      new BetterDLError(
        'INVALID_DATA',
        `${this.kind}.fromJSON: ${field}[${i}] is ${JSON.stringify(v)}; it must be ${need}. The saved scaler is corrupt: refit it.`,
      );
    json.shift.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('shift', i, v, 'a finite number');
    });
    json.scale.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v === 0)
        throw bad('scale', i, v, 'a finite non-zero number (constant features are saved as 1)');
    });
    if (!Number.isFinite(json.offset)) throw bad('offset', 0, json.offset, 'a finite number');
    this.shift = Float64Array.from(json.shift);
    this.scale = Float64Array.from(json.scale);
    this.offset = json.offset;
    return this;
  }
}

/** Options of {@link minMaxScaler}. */
export interface MinMaxScalerArgs {
  /** The range `[min, max]` every feature is mapped to. Defaults to [0, 1]. */
  featureRange?: [number, number];
}

/** Maps each feature linearly onto `featureRange` (scikit-learn's `MinMaxScaler`). Constant features (range below 10·eps, scikit-learn's rule) map to the range's low end. */
export class MinMaxScaler extends Scaler {
  protected readonly kind = 'minMaxScaler' as const;
  protected readonly args: { featureRange: [number, number] };
  constructor(args: MinMaxScalerArgs = {}) {
    super();
    checkOptions('minMaxScaler', args, ['featureRange']);
    const r = args.featureRange ?? [0, 1];
    if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || !(r[0] < r[1])) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `minMaxScaler: featureRange must be [min, max] with min < max, got ${JSON.stringify(r)}.`,
      );
    }
    this.args = { featureRange: [r[0], r[1]] };
  }
  protected fromStats(s: ColumnStats): void {
    const [lo, hi] = this.args.featureRange;
    this.shift = s.min;
    const range = handleZerosInScale(s.max.map((m, j) => m - (s.min[j] as number)));
    this.scale = range.map((r) => r / (hi - lo));
    this.offset = lo;
  }
}

/** Options of {@link standardScaler}. */
export interface StandardScalerArgs {
  /** Subtract each feature's mean. Defaults to true. */
  withMean?: boolean;
  /** Divide by each feature's (population) standard deviation. Defaults to true. */
  withStd?: boolean;
}

/** Centres each feature to mean 0 and scales it to standard deviation 1 (scikit-learn's `StandardScaler`). Constant features (by scikit-learn's variance tolerance, so rounding noise counts as constant) get divisor 1: they are only centred. */
export class StandardScaler extends Scaler {
  protected readonly kind = 'standardScaler' as const;
  protected readonly args: Required<StandardScalerArgs>;
  constructor(args: StandardScalerArgs = {}) {
    super();
    checkOptions('standardScaler', args, ['withMean', 'withStd']);
    this.args = {
      withMean: checkBoolean('standardScaler', 'withMean', args.withMean ?? true),
      withStd: checkBoolean('standardScaler', 'withStd', args.withStd ?? true),
    };
  }
  protected fromStats(s: ColumnStats): void {
    this.shift = this.args.withMean ? s.mean : new Float64Array(s.mean.length);
    const { mean, variance, n } = s;
    this.scale = this.args.withStd
      ? handleZerosInScale(variance.map(Math.sqrt), (j) =>
          isConstantFeature(variance[j] as number, mean[j] as number, n),
        )
      : new Float64Array(variance.length).fill(1);
  }
}

/** Divides each feature by its largest absolute value, mapping it into [-1, 1] (scikit-learn's `MaxAbsScaler`). All-zero features (largest absolute value below 10·eps) are left as they are. */
export class MaxAbsScaler extends Scaler {
  protected readonly kind = 'maxAbsScaler' as const;
  protected readonly args = {};
  protected fromStats(s: ColumnStats): void {
    this.shift = new Float64Array(s.min.length);
    this.scale = handleZerosInScale(s.min.map((m, j) => Math.max(Math.abs(m), Math.abs(s.max[j] as number))));
  }
}

/** Creates a {@link MinMaxScaler}. @example const s = minMaxScaler(); const xs = s.fitTransform(xTrain); */
export function minMaxScaler(args: MinMaxScalerArgs = {}): MinMaxScaler {
  return new MinMaxScaler(args);
}

/** Creates a {@link StandardScaler}. @example const s = standardScaler().fit(xTrain); const xt = s.transform(xTest); */
export function standardScaler(args: StandardScalerArgs = {}): StandardScaler {
  return new StandardScaler(args);
}

/** Creates a {@link MaxAbsScaler}. */
export function maxAbsScaler(): MaxAbsScaler {
  return new MaxAbsScaler();
}

/** Rebuilds a fitted scaler of any kind from {@link Scaler.toJSON} output. */
export function scalerFromJSON(json: ScalerJSON): Scaler {
  const make = {
    minMaxScaler: () => new MinMaxScaler(json.args as MinMaxScalerArgs),
    standardScaler: () => new StandardScaler(json.args as StandardScalerArgs),
    maxAbsScaler: () => new MaxAbsScaler(),
  }[json?.kind];
  if (!make)
    throw new BetterDLError(
      'INVALID_DATA',
      `scalerFromJSON: unknown scaler kind ${String(json?.kind)}; expected minMaxScaler, standardScaler or maxAbsScaler.`,
    );
  return make().loadJSON(json);
}
