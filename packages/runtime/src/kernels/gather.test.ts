import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { backendBuffers, expectSameOnWasm, rand } from './fixtures/test-utils';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});

describe('GatherV2 on wasm', () => {
  it('gathers rows (axis 0), with repeats, like cpu', async () => {
    await expectSameOnWasm(() => tf.gather(rand([10, 40], 1), tf.tensor1d([3, 0, 9, 3, 5], 'int32')));
  });

  it('gathers along an inner axis and with 2-D indices like cpu', async () => {
    await expectSameOnWasm(() =>
      tf.gather(
        rand([3, 6, 20], 2),
        tf.tensor2d(
          [
            [5, 1],
            [0, 0],
          ],
          [2, 2],
          'int32',
        ),
        1,
      ),
    );
    await expectSameOnWasm(() => tf.gather(rand([4, 7, 3], 3), tf.tensor1d([6, 2], 'int32'), 1));
  });

  it('gathers int32 rows, and batched gathers still work', async () => {
    await expectSameOnWasm(() =>
      tf.gather(tf.reshape(tf.range(0, 200, 1, 'int32'), [10, 20]), tf.tensor1d([9, 1], 'int32')),
    );
    await expectSameOnWasm(() =>
      tf.gather(
        rand([2, 5, 16], 4),
        tf.tensor2d(
          [
            [4, 0],
            [1, 1],
          ],
          [2, 2],
          'int32',
        ),
        1,
        1,
      ),
    );
  });

  it('rejects an out-of-range index without leaking', async () => {
    await tf.setBackend('wasm');
    const x = rand([4, 32], 5);
    const idx = tf.tensor1d([1, 4], 'int32');
    const buffers = backendBuffers();
    const tensors = tf.memory().numTensors;
    expect(() => tf.gather(x, idx)).toThrow(/index value 4 is not in \[0, 3\]/);
    expect(backendBuffers()).toBe(buffers);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, idx]);
  });
});
