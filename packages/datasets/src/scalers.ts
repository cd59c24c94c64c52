import { BetterDLError, requireBackend } from '@betterdl/runtime';
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
  /** Smallest value of each column. */
  min: Float64Array;
  /** Largest value of each column. */
  max: Float64Array;
  /** Mean of each column. */
  mean: Float64Array;
  /** Population standard deviation (ddof = 0) of each column, as scikit-learn uses. */
  std: Float64Array;
}

function columnStats(fn: string, x: ScalerInput): ColumnStats {
  let values: ArrayLike<number>;
  let n: number;
  let f: number;
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2)
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${fn}: expected a [n, features] tensor, got shape [${x.shape.join(', ')}]. Reshape it first.`,
      );
    [n, f] = x.shape as [number, number];
    values = x.dataSync();
  } else {
    n = x.length;
    f = x[0]?.length ?? 0;
    values = x.flat();
    if (values.length !== n * f)
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${fn}: rows have different lengths; every row needs ${f} features.`,
      );
  }
  if (n < 1 || f < 1)
    throw new BetterDLError('INVALID_DATA', `${fn}: cannot fit on empty data (${n} x ${f}).`);
  const s: ColumnStats = {
    min: new Float64Array(f).fill(Infinity),
    max: new Float64Array(f).fill(-Infinity),
    mean: new Float64Array(f),
    std: new Float64Array(f),
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
  for (let j = 0; j < f; j++) s.mean[j] = (s.mean[j] as number) / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const d = (values[i * f + j] as number) - (s.mean[j] as number);
      s.std[j] = (s.std[j] as number) + d * d;
    }
  }
  for (let j = 0; j < f; j++) s.std[j] = Math.sqrt((s.std[j] as number) / n);
  return s;
}

/**
 * A per-feature affine scaler: `transform(x) = (x − shift) / scale + offset`. Fit it on training data only,
 * then transform training, validation and test data with the same numbers. Stats are computed in float64.
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

  private params(fn: string, x: ScalerInput): [Float32Array, Float32Array] {
    if (!this.shift || !this.scale) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${this.kind}.${fn}: call fit(x) first (or restore with fromJSON).`,
      );
    }
    const f = x instanceof tf.Tensor ? x.shape[x.rank - 1] : x[0]?.length;
    if (f !== this.shift.length) {
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `${this.kind}.${fn}: fitted on ${this.shift.length} features but got ${f}.`,
      );
    }
    return [Float32Array.from(this.shift), Float32Array.from(this.scale)];
  }

  /** Scales `x` with the fitted statistics; returns a new float32 tensor. */
  transform(x: ScalerInput): tf.Tensor {
    requireBackend('Scaler.transform');
    const [shift, scale] = this.params('transform', x);
    return tf.tidy(() => {
      const input = x instanceof tf.Tensor ? x : tf.tensor2d(x);
      return tf.add(tf.div(tf.sub(input, tf.tensor1d(shift)), tf.tensor1d(scale)), this.offset);
    });
  }

  /** Fits on `x`, then transforms it. */
  fitTransform(x: ScalerInput): tf.Tensor {
    return this.fit(x).transform(x);
  }

  /** Undoes {@link transform}: maps scaled values back to the original units. */
  inverseTransform(x: ScalerInput): tf.Tensor {
    requireBackend('Scaler.inverseTransform');
    const [shift, scale] = this.params('inverseTransform', x);
    return tf.tidy(() => {
      const input = x instanceof tf.Tensor ? x : tf.tensor2d(x);
      return tf.add(tf.mul(tf.sub(input, this.offset), tf.tensor1d(scale)), tf.tensor1d(shift));
    });
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
    this.shift = Float64Array.from(json.shift);
    this.scale = Float64Array.from(json.scale);
    this.offset = json.offset;
    return this;
  }
}

const nonZero = (v: number) => (v === 0 ? 1 : v);

/** Options of {@link minMaxScaler}. */
export interface MinMaxScalerArgs {
  /** The range `[min, max]` every feature is mapped to. Defaults to [0, 1]. */
  featureRange?: [number, number];
}

/** Maps each feature linearly onto `featureRange` (scikit-learn's `MinMaxScaler`). Constant features map to the range's low end. */
export class MinMaxScaler extends Scaler {
  protected readonly kind = 'minMaxScaler' as const;
  protected readonly args: { featureRange: [number, number] };
  constructor(args: MinMaxScalerArgs = {}) {
    super();
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
    this.scale = s.min.map((m, j) => nonZero((s.max[j] as number) - m) / (hi - lo));
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

/** Centres each feature to mean 0 and scales it to standard deviation 1 (scikit-learn's `StandardScaler`). Zero-variance features are only centred. */
export class StandardScaler extends Scaler {
  protected readonly kind = 'standardScaler' as const;
  protected readonly args: Required<StandardScalerArgs>;
  constructor(args: StandardScalerArgs = {}) {
    super();
    this.args = { withMean: args.withMean ?? true, withStd: args.withStd ?? true };
  }
  protected fromStats(s: ColumnStats): void {
    this.shift = this.args.withMean ? s.mean : new Float64Array(s.mean.length);
    this.scale = this.args.withStd ? s.std.map(nonZero) : new Float64Array(s.std.length).fill(1);
  }
}

/** Divides each feature by its largest absolute value, mapping it into [-1, 1] (scikit-learn's `MaxAbsScaler`). All-zero features are left as they are. */
export class MaxAbsScaler extends Scaler {
  protected readonly kind = 'maxAbsScaler' as const;
  protected readonly args = {};
  protected fromStats(s: ColumnStats): void {
    this.shift = new Float64Array(s.min.length);
    this.scale = s.min.map((m, j) => nonZero(Math.max(Math.abs(m), Math.abs(s.max[j] as number))));
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
