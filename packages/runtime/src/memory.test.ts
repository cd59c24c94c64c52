import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { isBetterDLError } from './errors';
import { assertNoLeaks, trackTensors } from './memory';

describe('tensor leak helpers', () => {
  it('counts tensors left behind but not the ones returned', async () => {
    await tf.setBackend('cpu');
    const kept: tf.Tensor[] = [];
    const r = await trackTensors(() => {
      kept.push(tf.ones([2]));
      return { out: tf.zeros([3]), list: [tf.scalar(1)] };
    });
    expect(r.leaked).toBe(1);
    expect(r.after - r.before).toBe(3);
    tf.dispose([...kept, r.result.out, ...r.result.list]);
  });

  it('assertNoLeaks passes clean code through and throws on a leak with a fix', async () => {
    const v = await assertNoLeaks(() => tf.tidy(() => tf.sum(tf.ones([4])).dataSync()[0]));
    expect(v).toBe(4);
    let leak: tf.Tensor | undefined;
    const err = await assertNoLeaks(async () => {
      leak = tf.ones([1]);
    }, 'myFn').catch((e) => e);
    expect(isBetterDLError(err)).toBe(true);
    expect(err.code).toBe('TENSOR_LEAK');
    expect(err.message).toMatch(/myFn leaked 1 tensor\(s\).*tf\.tidy/);
    leak?.dispose();
  });
});
