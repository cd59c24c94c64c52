import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { checkTfjsInternals } from './tfjs-internals';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

function errorOf(fn: () => void): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

it('every tfjs internal the callbacks rely on holds for the installed tfjs-core, without leaking', () => {
  const before = tf.memory().numTensors;
  const random = Math.random;
  expect(() => checkTfjsInternals()).not.toThrow();
  expect(tf.memory().numTensors).toBe(before);
  expect(Math.random).toBe(random);
});

it('a tfjs whose shuffle changed fails with a BetterDLError naming its version and the supported range', () => {
  const core = {
    ...tf,
    version_core: '4.99.0',
    util: { ...tf.util, shuffle: (a: unknown[]) => a.reverse() },
  };
  const err = errorOf(() => checkTfjsInternals(core as unknown as typeof tf));
  expect(isBetterDLError(err)).toBe(true);
  expect(err.code).toBe('UNSUPPORTED');
  expect(err.message).toMatch(/util\.shuffle/);
  expect(err.message).toMatch(/tfjs-core 4\.99\.0/);
  expect(err.message).toMatch(/~4\.22\.0/);
});

it('a tfjs whose optimizers moved their rate field fails the same way, and leaks nothing', () => {
  const before = tf.memory().numTensors;
  const adam = (lr: number) => {
    const o = tf.train.adam(lr);
    (o as unknown as Record<string, unknown>).learningRate = undefined;
    return o;
  };
  const core = { ...tf, version_core: '4.99.0', train: { ...tf.train, adam } };
  const err = errorOf(() => checkTfjsInternals(core as unknown as typeof tf));
  expect(err.message).toMatch(/Adam keeping its rate in a numeric learningRate field.*4\.99\.0/);
  expect(tf.memory().numTensors).toBe(before);
});
