/** Small numeric helpers for reading learning curves. */

/** Centred moving average with window `w` (shrinking at the ends). */
export function smooth(ys: number[], w: number): number[] {
  if (w <= 1) return ys.slice();
  const half = Math.floor(w / 2);
  const prefix = [0];
  for (const y of ys) prefix.push((prefix[prefix.length - 1] as number) + y);
  return ys.map((_, i) => {
    const a = Math.max(0, i - half);
    const b = Math.min(ys.length, i + half + 1);
    return ((prefix[b] as number) - (prefix[a] as number)) / (b - a);
  });
}

/** Mean of `ys[from..to)`. */
export function mean(ys: number[], from = 0, to = ys.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += ys[i] as number;
  return s / Math.max(1, to - from);
}

/** Least-squares slope of `ys[from..]` against the index. */
export function slope(ys: number[], from = 0): number {
  const n = ys.length - from;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = mean(ys, from);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mx) * ((ys[from + i] as number) - my);
    sxx += (i - mx) ** 2;
  }
  return sxy / sxx;
}

/** Root-mean-square of `ys - smoothed` over `[from..]`: the wiggle around the trend. */
export function roughness(ys: number[], smoothed: number[], from = 0): number {
  let s = 0;
  for (let i = from; i < ys.length; i++) s += ((ys[i] as number) - (smoothed[i] as number)) ** 2;
  return Math.sqrt(s / Math.max(1, ys.length - from));
}
