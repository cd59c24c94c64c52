import { BetterDLError, checkBoolean, checkOptions } from '@betterdl/runtime';
import { checkRandomState, type RandomStateLike } from './random-state';
import { checkNoise, checkSize, linspace, shuffleRows, type ToyDataset, toyDataset } from './toy-dataset';

/** Options of {@link makeCircles} (scikit-learn's `make_circles` in camelCase). */
export interface MakeCirclesArgs {
  /** Total number of points, or `[outer, inner]` counts. With a number the outer circle gets `floor(n / 2)`. Defaults to 100. */
  nSamples?: number | [number, number];
  /** Whether to shuffle the samples. Defaults to true. */
  shuffle?: boolean;
  /** Standard deviation of Gaussian noise added to every coordinate. Defaults to no noise. */
  noise?: number | null;
  /** An integer seed (identical to scikit-learn's `random_state`), a `RandomState`, or unseeded. Defaults to unseeded. */
  randomState?: RandomStateLike;
  /** Scale of the inner circle relative to the outer one, in [0, 1). Defaults to 0.8. */
  factor?: number;
}

/** Splits `nSamples` into outer/inner counts like scikit-learn, validating it. */
export function splitCounts(fn: string, nSamples: number | [number, number]): [number, number] {
  if (typeof nSamples === 'number') {
    if (!Number.isInteger(nSamples) || nSamples < 0) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${fn}: nSamples must be a non-negative integer, got ${nSamples}.`,
      );
    }
    const out = Math.floor(nSamples / 2);
    return [out, nSamples - out];
  }
  if (
    !Array.isArray(nSamples) ||
    nSamples.length !== 2 ||
    !nSamples.every((v) => Number.isInteger(v) && v >= 0)
  ) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${fn}: nSamples must be an integer or a pair [outer, inner] of non-negative integers, got ${JSON.stringify(nSamples)}.`,
    );
  }
  return [nSamples[0], nSamples[1]];
}

/** Adds `noise · standardNormal()` to every value, in row-major order, as scikit-learn does after shuffling. */
export function addNoise(
  x: Float64Array,
  noise: number | null | undefined,
  rs: ReturnType<typeof checkRandomState>,
): void {
  if (noise === undefined || noise === null) return;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + rs.normal(0, noise);
}

/**
 * Two concentric circles in 2-D: class 0 outside, class 1 inside. With an integer `randomState` the values
 * are exactly those of scikit-learn's `make_circles` (compare `xValues`/`yValues`, which are float64).
 *
 * @example
 * const { x, y } = makeCircles({ nSamples: 1000, noise: 0.1, randomState: 1 });
 */
export function makeCircles(args: MakeCirclesArgs = {}): ToyDataset {
  checkOptions('makeCircles', args, ['nSamples', 'shuffle', 'noise', 'randomState', 'factor']);
  const { nSamples = 100, shuffle = true, noise, randomState, factor = 0.8 } = args;
  const [nOut, nIn] = splitCounts('makeCircles', nSamples);
  checkSize('makeCircles', nOut + nIn, 2);
  checkBoolean('makeCircles', 'shuffle', shuffle);
  if (typeof factor !== 'number' || !(factor >= 0 && factor < 1)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `makeCircles: factor must be in [0, 1), got ${String(factor)}.`,
    );
  }
  checkNoise('makeCircles', noise);
  const rs = checkRandomState(randomState, 'makeCircles');
  const n = nOut + nIn;
  let x: Float64Array = new Float64Array(n * 2);
  let y: Float64Array = new Float64Array(n);
  const tOut = linspace(2 * Math.PI, nOut, false);
  const tIn = linspace(2 * Math.PI, nIn, false);
  for (let i = 0; i < nOut; i++) {
    const t = tOut[i] as number;
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = tIn[i] as number;
    x[2 * (nOut + i)] = Math.cos(t) * factor;
    x[2 * (nOut + i) + 1] = Math.sin(t) * factor;
    y[nOut + i] = 1;
  }
  if (shuffle) [x, y] = shuffleRows(rs, x, y, 2);
  addNoise(x, noise, rs);
  return toyDataset(x, y, 2, 'makeCircles');
}
