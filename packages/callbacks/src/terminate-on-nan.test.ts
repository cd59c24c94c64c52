import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tinyModel } from './fixtures/helpers';
import { terminateOnNaN } from './terminate-on-nan';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

function nanData() {
  return { x: tf.tensor2d([1, 2, 3, 1, Number.NaN, 4, 5, 6], [4, 2]), y: tf.tensor2d([1, 0, 1, 0], [4, 1]) };
}

describe('terminateOnNaN', () => {
  it('stops training at the first batch whose loss is NaN', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { x, y } = nanData();
    const cb = terminateOnNaN();
    const h = await tinyModel().fit(x, y, {
      epochs: 5,
      batchSize: 2,
      shuffle: false,
      verbose: 0,
      callbacks: [cb],
    });
    expect(cb.stoppedAtBatch).toBe(1);
    expect(h.epoch).toEqual([0]);
    expect(log.mock.calls[0]?.[0]).toBe('Batch 1: Invalid loss, terminating training');
    log.mockRestore();
    tf.dispose([x, y]);
  });

  it('raiseError throws a BetterDLError', async () => {
    const { x, y } = nanData();
    let err: unknown;
    try {
      await tinyModel().fit(x, y, {
        epochs: 2,
        batchSize: 2,
        shuffle: false,
        verbose: 0,
        callbacks: [terminateOnNaN({ raiseError: true })],
      });
    } catch (e) {
      err = e;
    }
    expect(isBetterDLError(err)).toBe(true);
    expect(String(err)).toMatch(/Lower the learning rate/);
    tf.dispose([x, y]);
  });
});
