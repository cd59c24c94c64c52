import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, loadFixture } from './fixtures.test-helpers';
import { type MakeCirclesArgs, makeCircles } from './make-circles';
import { makeMoons } from './make-moons';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('makeCircles', () => {
  it.each(loadFixture('make-circles').map((c) => [JSON.stringify(c.args), c] as const))(
    'equals scikit-learn make_circles(%s)',
    (_name, c) => {
      const d = makeCircles(c.args as MakeCirclesArgs);
      expect([d.nSamples, d.nFeatures]).toEqual(c.shape);
      expectClose(d.xValues, c.x, 1e-12, 'x');
      expect(Array.from(d.yValues)).toEqual(c.y);
      expect(d.x.shape).toEqual(c.shape);
      expect(d.y.shape).toEqual([c.shape[0], 1]);
      expect(d.x.dtype).toBe('float32');
      expectClose(d.x.dataSync(), c.x, 1e-6, 'x tensor');
      expect(Array.from(d.y.dataSync())).toEqual(c.y);
      tf.dispose([d.x, d.y]);
    },
  );

  it('creates exactly its two tensors and is reproducible', () => {
    const before = tf.memory().numTensors;
    const a = makeCircles({ nSamples: 50, noise: 0.1, randomState: 3 });
    const b = makeCircles({ nSamples: 50, noise: 0.1, randomState: 3 });
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(a.xValues).toEqual(b.xValues);
    tf.dispose([a.x, a.y, b.x, b.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates options when called', () => {
    expect(() => makeCircles({ factor: 1 })).toThrow(/factor must be in \[0, 1\)/);
    expect(() => makeCircles({ nSamples: -3 })).toThrow(/nSamples must be a non-negative integer/);
    expect(() => makeCircles({ nSamples: 2.5 })).toThrow(/nSamples/);
    expect(() => makeCircles({ noise: -0.1 })).toThrow(/noise must be a finite number >= 0/);
    expect(() => makeCircles({ randomState: -1 })).toThrow(/randomState must be an integer/);
    expect(() => makeMoons({ nSamples: [1, 2, 3] as unknown as [number, number] })).toThrow(/pair/);
  });
});

describe('makeMoons', () => {
  it.each(loadFixture('make-moons').map((c) => [JSON.stringify(c.args), c] as const))(
    'equals scikit-learn make_moons(%s)',
    (_name, c) => {
      const d = makeMoons(c.args as MakeCirclesArgs);
      expectClose(d.xValues, c.x, 1e-12, 'x');
      expect(Array.from(d.yValues)).toEqual(c.y);
      expect(d.x.shape).toEqual(c.shape);
      tf.dispose([d.x, d.y]);
    },
  );
});
