import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it } from 'vitest';
import { isBetterDLError } from './errors';
import { requireBackend } from './require-backend';

afterEach(() => {
  if (tf.findBackendFactory('fake-for-test')) tf.removeBackend('fake-for-test');
});

it('throws BACKEND_UNAVAILABLE naming the function and initRuntime when no backend is registered', () => {
  expect(tf.engine().backendNames()).toEqual([]);
  let err: unknown;
  try {
    requireBackend('makeCircles');
  } catch (e) {
    err = e;
  }
  expect(isBetterDLError(err)).toBe(true);
  expect((err as { code: string }).code).toBe('BACKEND_UNAVAILABLE');
  expect((err as Error).message).toMatch(/^makeCircles: no tfjs backend is registered/);
  expect((err as Error).message).toMatch(/await initRuntime\(\)/);
});

it('passes as soon as any backend is registered (tfjs then picks and starts it as usual)', () => {
  tf.registerBackend('fake-for-test', () => ({}) as unknown as tf.KernelBackend);
  expect(() => requireBackend('makeCircles')).not.toThrow();
});
