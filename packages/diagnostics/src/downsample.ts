/**
 * Picks at most `maxPoints` indices of the series `ys` (x = index) that keep its visual shape, with the
 * largest-triangle-three-buckets method: the first and last points always, then per bucket the point that
 * makes the largest triangle with the previous pick and the next bucket's mean. Non-finite values are skipped.
 * Used for drawing only; the data itself is never thinned.
 */
export function downsampleIndices(ys: ArrayLike<number>, maxPoints: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < ys.length; i++) if (Number.isFinite(ys[i])) idx.push(i);
  if (idx.length <= maxPoints || maxPoints < 3) return idx;
  const out = [idx[0] as number];
  const every = (idx.length - 2) / (maxPoints - 2);
  let a = 0;
  for (let b = 0; b < maxPoints - 2; b++) {
    const start = Math.floor(b * every) + 1;
    const end = Math.min(Math.floor((b + 1) * every) + 1, idx.length - 1);
    const nStart = end;
    const nEnd = Math.min(Math.floor((b + 2) * every) + 1, idx.length);
    let mx = 0;
    let my = 0;
    for (let j = nStart; j < nEnd; j++) {
      mx += idx[j] as number;
      my += ys[idx[j] as number] as number;
    }
    const cnt = Math.max(1, nEnd - nStart);
    mx /= cnt;
    my /= cnt;
    const ax = idx[a] as number;
    const ay = ys[ax] as number;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const x = idx[j] as number;
      const area = Math.abs((ax - mx) * ((ys[x] as number) - ay) - (ax - x) * (my - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(idx[best] as number);
    a = best;
  }
  out.push(idx[idx.length - 1] as number);
  return out;
}
