import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { initRuntime } from './init-runtime';
import { createRandom, getRandomState, getSeed, setRandomState, setSeed } from './seed';

async function lossHistory(seed: number): Promise<number[]> {
  setSeed(seed);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 16, activation: 'relu' }),
      tfl.layers.gaussianNoise({ stddev: 0.1 }),
      tfl.layers.dropout({ rate: 0.3 }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  const x = tf.tidy(() => tf.randomUniform([64, 2], -1, 1));
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1, true), 0), 'float32'));
  const h = await model.fit(x, y, { epochs: 4, batchSize: 8, shuffle: true, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
  return h.history.loss as number[];
}

afterAll(() => setSeed(null));

describe('setSeed', () => {
  it('rejects seeds that are not 32-bit unsigned integers', () => {
    expect(() => setSeed(-1)).toThrow(/integer in \[0, 4294967295\]/);
    expect(() => setSeed(1.5)).toThrow(/setSeed\(42\)/);
  });

  it('createRandom is deterministic and uniform-looking', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it('saves and restores the generator state so a resumed run draws what the uninterrupted one did', () => {
    setSeed(9);
    Math.random();
    const saved = getRandomState();
    expect(saved?.seed).toBe(9);
    const expected = [Math.random(), Math.random(), Math.random()];
    setSeed(1);
    setRandomState(saved!);
    expect([Math.random(), Math.random(), Math.random()]).toEqual(expected);
    setSeed(null);
    expect(getRandomState()).toBeNull();
    expect(() => createRandom(1).setState([1, 2])).toThrow(/four 32-bit words/);
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`makes fit repeatable on ${backend}: same seed same losses, other seed other losses`, async () => {
      await initRuntime({ backend, verbose: false });
      const a = await lossHistory(123);
      const b = await lossHistory(123);
      const c = await lossHistory(124);
      expect(a).toEqual(b);
      expect(c).not.toEqual(a);
      expect(getSeed()).toBe(124);
    });
  }

  it('initRuntime({ seed }) seeds too, and setSeed(null) restores Math.random', async () => {
    setSeed(null);
    const original = Math.random;
    const info = await initRuntime({ backend: 'cpu', seed: 5, verbose: false });
    expect(info.seed).toBe(5);
    const first = Math.random();
    setSeed(5);
    expect(Math.random()).toBe(first);
    setSeed(null);
    expect(getSeed()).toBeNull();
    expect(Math.random).toBe(original);
  });
});
