import { checkBoolean, checkOptions } from '@betterdl/runtime';
import { addNoise, splitCounts } from './make-circles';
import { checkRandomState, type RandomStateLike } from './random-state';
import { checkNoise, checkSize, linspace, shuffleRows, type ToyDataset, toyDataset } from './toy-dataset';

/** Options of {@link makeMoons} (scikit-learn's `make_moons` in camelCase). */
export interface MakeMoonsArgs {
  /** Total number of points, or `[outer, inner]` counts. With a number the first moon gets `floor(n / 2)`. Defaults to 100. */
  nSamples?: number | [number, number];
  /** Whether to shuffle the samples. Defaults to true. */
  shuffle?: boolean;
  /** Standard deviation of Gaussian noise added to every coordinate. Defaults to no noise. */
  noise?: number | null;
  /** An integer seed (identical to scikit-learn's `random_state`), a `RandomState`, or unseeded. Defaults to unseeded. */
  randomState?: RandomStateLike;
}

/**
 * Two interleaving half circles in 2-D (class 0 and class 1). With an integer `randomState` the values are
 * exactly those of scikit-learn's `make_moons`.
 *
 * @example
 * const { x, y } = makeMoons({ nSamples: 500, noise: 0.2, randomState: 0 });
 */
export function makeMoons(args: MakeMoonsArgs = {}): ToyDataset {
  checkOptions('makeMoons', args, ['nSamples', 'shuffle', 'noise', 'randomState']);
  const { nSamples = 100, shuffle = true, noise, randomState } = args;
  const [nOut, nIn] = splitCounts('makeMoons', nSamples);
  checkSize('makeMoons', nOut + nIn, 2);
  checkBoolean('makeMoons', 'shuffle', shuffle);
  checkNoise('makeMoons', noise);
  const rs = checkRandomState(randomState, 'makeMoons');
  const n = nOut + nIn;
  let x: Float64Array = new Float64Array(n * 2);
  let y: Float64Array = new Float64Array(n);
  const tOut = linspace(Math.PI, nOut, true);
  const tIn = linspace(Math.PI, nIn, true);
  for (let i = 0; i < nOut; i++) {
    const t = tOut[i] as number;
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = tIn[i] as number;
    x[2 * (nOut + i)] = 1 - Math.cos(t);
    x[2 * (nOut + i) + 1] = 1 - Math.sin(t) - 0.5;
    y[nOut + i] = 1;
  }
  if (shuffle) [x, y] = shuffleRows(rs, x, y, 2);
  addNoise(x, noise, rs);
  return toyDataset(x, y, 2, 'makeMoons');
}
