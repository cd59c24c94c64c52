import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { expectSameOnWasm, rand } from './fixtures/test-utils';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('adds rows that share an id (float32, 2-D rows)', async () => {
    await expectSameOnWasm(() =>
      tf.unsortedSegmentSum(rand([9, 5], 1), tf.tensor1d([3, 0, 3, 1, 6, 0, 3, 2, 6], 'int32'), 7),
    );
  });

  it('drops ids outside [0, numSegments) like the cpu backend', async () => {
    await expectSameOnWasm(() =>
      tf.unsortedSegmentSum(rand([6, 4], 2), tf.tensor1d([0, -1, 2, 9, 2, 5], 'int32'), 6),
    );
    await expectSameOnWasm(() => tf.unsortedSegmentSum(rand([3, 2], 2), tf.tensor1d([-1, 7, 8], 'int32'), 4));
  });

  it('works for int32 data and 1-D data', async () => {
    await expectSameOnWasm(() =>
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), tf.tensor1d([1, 1, 0, 4, 1], 'int32'), 5),
    );
  });

  it('gives the gradient of gather (an embedding lookup) like cpu', async () => {
    await expectSameOnWasm(() =>
      tf.grad((table: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.gather(
              table,
              tf.tensor2d(
                [
                  [1, 4, 4],
                  [0, 9, 1],
                ],
                [2, 3],
                'int32',
              ),
            ),
          ),
        ),
      )(rand([10, 6], 3)),
    );
  });
});
