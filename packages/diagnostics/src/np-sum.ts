/**
 * numpy's float64 reductions, in numpy's summation order, so averages agree with scikit-learn to the last bit.
 * `np.add.reduce` of a contiguous vector sums pairwise: blocks of 8 partial sums up to 128 values, halves
 * above that.
 */
function pairwise(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i] as number;
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8)
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (a[start + i + j] as number);
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
}

/** `np.sum` of a 1-D float64 array. */
export function npSum(a: ArrayLike<number>): number {
  return pairwise(a, 0, a.length);
}

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
