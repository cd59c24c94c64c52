import { describe, expect, it } from 'vitest';
import { npSum } from './np-sum';

const SCALE = [1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3];

/** Values of mixed magnitude (so the order of additions shows in the last bits), the same in JS and Python. */
function values(n: number): number[] {
  let s = 12345;
  return Array.from({ length: n }, (_, i) => {
    s = (s * 48271) % 2147483647;
    return (s / 2 ** 31 - 0.5) * (SCALE[i % 7] as number);
  });
}

/**
 * `[n, np.sum(values(n)), left-to-right sum]`, made by numpy 2.4 with the same generator:
 * `s = (s * 48271) % 2147483647; v = (s / 2**31 - 0.5) * SCALE[i % 7]`, then `float(np.sum(np.array(v)))`.
 */
const NUMPY: Array<[number, number, number]> = [
  [0, 0.0, 0.0],
  [1, -0.00022250988008454443, -0.00022250988008454443],
  [7, -101.8328850096087, -101.8328850096087],
  [8, -101.83297145744274, -101.83297145744274],
  [9, -101.83220533260564, -101.83220533260564],
  [16, -493.8248193772496, -493.82481937724964],
  [17, -493.870267329969, -493.87026732996907],
  [127, -445.61374297611934, -445.6137429761198],
  [128, -445.60905307906285, -445.60905307906313],
  [129, -445.6488426762874, -445.6488426762876],
  [256, -1037.3958501386603, -1037.3958501386603],
  [257, -1040.1931250029388, -1040.193125002939],
  [1000, -3231.676020643812, -3231.6760206438125],
  [1001, -3350.4637814901284, -3350.4637814901293],
  [4099, 1604.3494825522894, 1604.3494825522791],
];

describe('npSum', () => {
  it.each(NUMPY)('equals np.sum bit for bit for %i values', (n, numpy, naive) => {
    const v = values(n);
    let leftToRight = 0;
    for (const x of v) leftToRight += x;
    expect(leftToRight).toBe(naive); // the generator matches the Python one
    expect(npSum(v)).toBe(numpy);
    expect(npSum(Float64Array.from(v))).toBe(numpy);
  });

  it('differs from a left-to-right sum where numpy does (the order is what is tested)', () => {
    const differ = NUMPY.filter(([, numpy, naive]) => numpy !== naive).map(([n]) => n);
    expect(differ).toEqual([16, 17, 127, 128, 129, 257, 1000, 1001, 4099]);
  });

  it('sums float32 input in float64', () => {
    // 1e8 + 1 is 1e8 in float32: a float32 accumulator would lose the first 1
    const v = Float32Array.from([1e8, 1, -1e8, 1, 1, 1, 1, 1, 1]);
    expect(npSum(v)).toBe(7);
  });
});
