import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** One scikit-learn reference case written by scripts/make-fixtures.py. */
export interface Fixture {
  args: Record<string, unknown>;
  shape: [number, number];
  x: number[];
  y: number[];
  [extra: string]: unknown;
}

/** Loads `src/fixtures/<name>.json`. */
export function loadFixture<T = Fixture>(name: string): T[] {
  const raw = readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');
  return (JSON.parse(raw) as { cases: T[] }).cases;
}

/** Asserts every value is within `tol` of the reference, relative to max(1, |expected|). */
export function expectClose(actual: ArrayLike<number>, expected: number[], tol = 1e-12, label = ''): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const d = Math.abs((actual[i] as number) - e) / Math.max(1, Math.abs(e));
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `${label} worst relative difference at index ${at}`).toBeLessThanOrEqual(tol);
}
