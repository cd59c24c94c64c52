import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, expect, it } from 'vitest';
import { checkTfjsInternals } from './tfjs-internals';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

it('every tfjs internal transfer relies on holds for the installed tfjs, without leaking', () => {
  const before = tf.memory().numTensors;
  expect(() => checkTfjsInternals()).not.toThrow();
  expect(tf.memory().numTensors).toBe(before);
});

it('a tfjs-layers whose compile no longer records the trained weights fails naming its version', () => {
  const sequential = (args: tfl.SequentialArgs) => {
    const m = tfl.sequential(args);
    const compile = m.compile.bind(m);
    m.compile = (c) => {
      compile(c);
      const inner = (m as unknown as { model: Record<string, unknown> }).model;
      inner.collectedTrainableWeights = undefined;
    };
    return m;
  };
  const before = tf.memory().numTensors;
  let err: unknown;
  try {
    checkTfjsInternals({ ...tfl, version_layers: '4.99.0', sequential } as unknown as typeof tfl);
  } catch (e) {
    err = e;
  }
  expect(isBetterDLError(err)).toBe(true);
  expect((err as { code: string }).code).toBe('UNSUPPORTED');
  expect((err as Error).message).toMatch(/collectedTrainableWeights.*tfjs-layers 4\.99\.0.*~4\.22\.0/);
  expect(tf.memory().numTensors).toBe(before);
});
