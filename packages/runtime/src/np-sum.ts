/**
 * numpy's pairwise summation: `np.add.reduce` of a contiguous float64 vector sums blocks of 8 partial sums up
 * to 128 values and splits longer runs in halves (a multiple of 8 on the left). Summing in that order makes
 * means and variances agree with numpy and scikit-learn to the last bit.
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

/**
 * `np.sum` of a 1-D float64 vector, bit for bit: the values are added in numpy's pairwise order (not left to
 * right), in float64. Use it where a result must match numpy or scikit-learn exactly.
 * @example npSum([0.1, 0.2, 0.3]) // 0.6000000000000001, as np.sum gives
 */
export function npSum(values: ArrayLike<number>): number {
  return pairwise(values, 0, values.length);
}
