// The accuracy the examples print: model.evaluate's accuracy metric, read once and disposed.
import type * as tf from '@tensorflow/tfjs-core';
import { dispose } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Accuracy of a model compiled with `metrics: ['accuracy']` on `x`, `y` (one device read). `batchSize` is
 * evaluate's, which defaults to 32. The read is asynchronous, so it also works where a backend cannot read
 * synchronously (WebGPU in Node).
 */
export async function accuracy(
  model: tfl.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  batchSize?: number,
): Promise<number> {
  const [loss, acc] = model.evaluate(x, y, batchSize === undefined ? {} : { batchSize }) as tf.Scalar[];
  const value = (await acc!.data())[0]!;
  dispose([loss!, acc!]);
  return value;
}
