import { npSum } from '@betterdl/runtime';

// numpy's float64 averages, summed in numpy's pairwise order (npSum), so that averages agree with
// scikit-learn to the last bit.

/** `np.nanmean`: the mean of the non-NaN values (NaN when there are none). */
export function npNanMean(a: number[]): number {
  const kept = a.filter((v) => !Number.isNaN(v));
  if (kept.length === 0) return Number.NaN;
  return npSum(a.map((v) => (Number.isNaN(v) ? 0 : v))) / kept.length;
}

/**
 * scikit-learn's `_nanaverage(a, weights)`: NaN entries and their weights are dropped, then
 * `sum(a·w) / sum(w)`, or the plain mean when the weights sum to 0.
 */
export function npAverage(a: number[], weights: number[]): number {
  const idx = a.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  if (idx.length === 0) return Number.NaN;
  const kept = idx.map((i) => a[i] as number);
  const w = idx.map((i) => weights[i] as number);
  const scale = npSum(w);
  if (scale === 0) return npSum(kept) / kept.length;
  return npSum(kept.map((v, i) => v * (w[i] as number))) / scale;
}
