import { assertNoLeaks, initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsScaler, minMaxScaler, Scaler, scalerFromJSON, standardScaler } from './scalers';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

const data = [
  [1, -2, 5],
  [3, 4, 5],
  [5, 1, 5],
  [7, -8, 5],
];
const close = (a: number[][], b: number[][]) => {
  expect(
    a
      .flat()
      .map((v, i) => v - (b.flat()[i] as number))
      .every((d) => Math.abs(d) < 1e-5),
  ).toBe(true);
};

describe('scalers', () => {
  it('minMaxScaler maps to featureRange, constant columns to the low end, and inverts', async () => {
    const s = minMaxScaler({ featureRange: [-1, 1] });
    const out = await assertNoLeaks(() => {
      const t = s.fitTransform(data);
      const back = s.inverseTransform(t);
      const r = [t.arraySync() as number[][], back.arraySync() as number[][]];
      tf.dispose([t, back]);
      return r;
    });
    close(out[0] as number[][], [
      [-1, 0, -1],
      [-1 / 3, 1, -1],
      [1 / 3, 0.5, -1],
      [1, -1, -1],
    ]);
    close(out[1] as number[][], data);
  });

  it('standardScaler gives mean 0 / population std 1, zero variance → centred, not NaN', () => {
    const x = tf.tensor2d(data);
    const t = standardScaler().fitTransform(x);
    const m = tf.moments(t, 0);
    expect(Array.from(m.mean.dataSync()).every((v) => Math.abs(v) < 1e-6)).toBe(true);
    const v = Array.from(m.variance.dataSync());
    expect(v[0]).toBeCloseTo(1, 5);
    expect(v[2]).toBe(0);
    expect(Array.from(t.dataSync()).some(Number.isNaN)).toBe(false);
    tf.dispose([x, t, m.mean, m.variance]);
    const noMean = standardScaler({ withMean: false })
      .fit(data)
      .transform([[2, 0, 0]]);
    expect(noMean.dataSync()[0]).toBeCloseTo(2 / Math.sqrt(5), 5);
    noMean.dispose();
  });

  it('maxAbsScaler divides by the largest magnitude; all-zero columns untouched', () => {
    const t = maxAbsScaler().fitTransform([
      [1, 0],
      [-4, 0],
    ]);
    expect(t.arraySync()).toEqual([
      [0.25, 0],
      [-1, 0],
    ]);
    t.dispose();
  });

  it('round-trips through JSON and refuses misuse with a fix', () => {
    const s = standardScaler().fit(data);
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    const r = scalerFromJSON(json);
    const r2 = Scaler.fromJSON(json);
    const a = s.transform(data);
    const b = r.transform(data);
    const c = r2.transform(data);
    expect(b.arraySync()).toEqual(a.arraySync());
    expect(c.arraySync()).toEqual(a.arraySync());
    tf.dispose([a, b, c]);
    expect(() => standardScaler().transform(data)).toThrow(/call fit\(x\) first/);
    expect(() => s.transform([[1, 2]])).toThrow(/fitted on 3 features but got 2/);
    expect(() => minMaxScaler({ featureRange: [1, 0] })).toThrow(/min < max/);
    expect(() => scalerFromJSON({ ...json, kind: 'robust' })).toThrow(/unknown scaler kind robust/);
    expect(() => standardScaler().fit([[1, Number.NaN]])).toThrow(/row 0, column 1 is NaN/);
  });

  it("treats rounding noise as a constant feature, as scikit-learn's variance tolerance does", async () => {
    const col = Array.from({ length: 40 }, () => [0.1, 3]);
    const plain = standardScaler({ withMean: false }).fit(col);
    expect(plain.toJSON().scale).toEqual([1, 1]);
    const out = await assertNoLeaks(() => {
      const t = plain.transform(col);
      const back = standardScaler()
        .fit(col)
        .inverseTransform([[0, 0]]);
      const r = [Array.from(t.dataSync()), Array.from(back.dataSync())];
      tf.dispose([t, back]);
      return r;
    });
    expect(out[0]?.every((v, i) => v === Math.fround(i % 2 ? 3 : 0.1))).toBe(true);
    expect(out[1]).toEqual([Math.fround(0.1), 3]);
    // a column that only looks constant in float32 is still spread in float64
    expect(
      minMaxScaler()
        .fit([[1], [1 + 1e-12]])
        .toJSON().scale[0],
    ).toBe(1 + 1e-12 - 1);
    expect(
      minMaxScaler()
        .fit([[1], [1 + 1e-16]])
        .toJSON().scale[0],
    ).toBe(1);
    expect(
      maxAbsScaler()
        .fit([[1e-16], [-1e-17]])
        .toJSON().scale[0],
    ).toBe(1);
  });

  it('keeps float64 precision for a large offset with a small spread (array input)', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [1e6 + (((i * 37) % 100) - 49.5) * 2e-5]);
    const s = standardScaler().fit(rows);
    const t = s.transform(rows);
    const v = Array.from(t.dataSync());
    t.dispose();
    expect(Math.max(...v)).toBeLessThan(3);
    expect(Math.min(...v)).toBeGreaterThan(-3);
    expect(Math.max(...v)).toBeGreaterThan(1.5);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    expect(mean).toBeCloseTo(0, 5);
    expect(sd).toBeCloseTo(1, 5);
    const back = s.inverseTransform(s.transform([[1e6 + 1e-3]]));
    expect(back.dataSync()[0]).toBe(Math.fround(1e6 + 1e-3));
    back.dispose();
  });
});
