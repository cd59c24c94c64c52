import { checkInteger, checkOptions, invalidArgument } from '@betterdl/runtime';
import { checkRandomState, type RandomStateLike } from './random-state';
import { checkSize, shuffleRows, type ToyDataset, toyDataset } from './toy-dataset';

/** Options of {@link makeBlobs} (scikit-learn's `make_blobs` in camelCase). */
export interface MakeBlobsArgs {
  /** Total number of points split evenly over the centers (the first `n % k` get one more), or one count per center. Defaults to 100. */
  nSamples?: number | number[];
  /** Number of features. Ignored when `centers` gives coordinates. Defaults to 2. */
  nFeatures?: number;
  /** How many random centers to draw in `centerBox`, or their coordinates (`[k][nFeatures]`). Defaults to 3 (or one per entry of an `nSamples` array). */
  centers?: number | number[][];
  /** Standard deviation of each cluster: one number for all or one per center. Defaults to 1. */
  clusterStd?: number | number[];
  /** Bounds `[min, max]` of the uniformly drawn centers. Defaults to [-10, 10]. */
  centerBox?: [number, number];
  /** Whether to shuffle the samples. Defaults to true. */
  shuffle?: boolean;
  /** An integer seed (identical to scikit-learn's `random_state`), a `RandomState`, or unseeded. Defaults to unseeded. */
  randomState?: RandomStateLike;
}

/** A {@link ToyDataset} that also carries the cluster centers used. */
export interface BlobsDataset extends ToyDataset {
  /** The centers, one row of `nFeatures` per cluster (scikit-learn's `return_centers=True`). */
  centers: number[][];
}

/**
 * Isotropic Gaussian blobs for clustering and classification; `y` is the blob index. With an integer
 * `randomState` the values are exactly those of scikit-learn's `make_blobs`.
 *
 * @example
 * const { x, y } = makeBlobs({ nSamples: 1000, centers: 3, nFeatures: 2, clusterStd: 2, randomState: 2 });
 */
export function makeBlobs(args: MakeBlobsArgs = {}): BlobsDataset {
  checkOptions('makeBlobs', args, [
    'nSamples',
    'nFeatures',
    'centers',
    'clusterStd',
    'centerBox',
    'shuffle',
    'randomState',
  ]);
  const { nSamples = 100, clusterStd = 1, centerBox = [-10, 10], shuffle = true, randomState } = args;
  let nFeatures = args.nFeatures ?? 2;
  checkInteger('makeBlobs', 'nFeatures', nFeatures, { min: 1 });
  if (!Array.isArray(centerBox) || centerBox.length !== 2 || !centerBox.every(Number.isFinite)) {
    throw invalidArgument(
      'makeBlobs',
      `centerBox must be [min, max] of finite numbers, got ${JSON.stringify(centerBox)}.`,
    );
  }
  let perCenter: number[];
  let centers: number[][] | undefined;
  let k: number;
  if (typeof nSamples === 'number') {
    checkInteger('makeBlobs', 'nSamples', nSamples, { min: 0 });
    const c = args.centers ?? 3;
    if (typeof c === 'number') {
      checkInteger('makeBlobs', 'centers', c, { min: 1 });
      k = c;
    } else {
      centers = c;
      k = c.length;
    }
    checkSize('makeBlobs', nSamples, nFeatures);
    perCenter = Array.from({ length: k }, (_, i) => Math.floor(nSamples / k) + (i < nSamples % k ? 1 : 0));
  } else {
    if (!Array.isArray(nSamples) || !nSamples.every((v) => Number.isInteger(v) && v >= 0)) {
      throw invalidArgument(
        'makeBlobs',
        `nSamples must be an integer or an array of non-negative integers, got ${JSON.stringify(nSamples)}.`,
      );
    }
    perCenter = nSamples.slice();
    k = perCenter.length;
    if (typeof args.centers === 'number')
      throw invalidArgument('makeBlobs', 'with an array nSamples, centers must be omitted or coordinates.');
    centers = args.centers;
    if (centers && centers.length !== k) {
      throw invalidArgument(
        'makeBlobs',
        `nSamples has ${k} counts but centers has ${centers.length} rows; give one count per center.`,
      );
    }
  }
  const rs = checkRandomState(randomState, 'makeBlobs');
  if (centers) {
    if (centers.length < 1) throw invalidArgument('makeBlobs', 'centers must have at least one row.');
    nFeatures = (centers[0] as number[]).length;
    for (const row of centers) {
      if (!Array.isArray(row) || row.length !== nFeatures || !row.every(Number.isFinite) || nFeatures < 1) {
        throw invalidArgument(
          'makeBlobs',
          'centers must be a non-empty array of equally long rows of finite numbers.',
        );
      }
    }
  } else {
    const [lo, hi] = centerBox;
    centers = [];
    for (let i = 0; i < k; i++) {
      const row: number[] = [];
      for (let j = 0; j < nFeatures; j++) row.push(rs.uniform(lo, hi));
      centers.push(row);
    }
  }
  const stds = typeof clusterStd === 'number' ? new Array<number>(k).fill(clusterStd) : clusterStd;
  if (!Array.isArray(stds) || stds.length !== k || !stds.every((s) => Number.isFinite(s) && s >= 0)) {
    throw invalidArgument(
      'makeBlobs',
      `clusterStd must be a number >= 0 or one such number per center (${k}), got ${JSON.stringify(clusterStd)}.`,
    );
  }
  const n = perCenter.reduce((a, b) => a + b, 0);
  const f = nFeatures;
  let x: Float64Array = new Float64Array(n * f);
  let y: Float64Array = new Float64Array(n);
  let row = 0;
  for (let c = 0; c < k; c++) {
    const center = centers[c] as number[];
    const std = stds[c] as number;
    for (let i = 0; i < (perCenter[c] as number); i++, row++) {
      for (let j = 0; j < f; j++) x[row * f + j] = rs.normal(center[j] as number, std);
      y[row] = c;
    }
  }
  if (shuffle) [x, y] = shuffleRows(rs, x, y, f);
  return { ...toyDataset(x, y, f, 'makeBlobs'), centers };
}
