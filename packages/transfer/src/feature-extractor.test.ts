import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureExtractor } from './feature-extractor';
import { tinyCnn, tinyDenseBase } from './fixtures/models';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false, seed: 3 });
});

describe('featureExtractor', () => {
  it('cuts before the Dense head by default and ends at a named, indexed or negative-indexed layer', () => {
    const cnn = tinyCnn();
    expect(featureExtractor(cnn).outputs[0]?.shape).toEqual([null, 16]); // flat: conv2 2x2x4
    expect(featureExtractor(cnn, { upTo: 'pool1' }).outputs[0]?.shape).toEqual([null, 3, 3, 4]);
    expect(featureExtractor(cnn, { upTo: 0 }).outputs[0]?.shape).toEqual([null, 6, 6, 4]);
    expect(featureExtractor(cnn, { upTo: -3 }).outputs[0]?.shape).toEqual([null, 2, 2, 4]);
    const dense = tinyDenseBase(); // an MLP: b1, b2, drop, old_head
    expect(featureExtractor(dense).layers.at(-1)?.name).toBe('b2');
    expect(featureExtractor(dense, { upTo: 'b1' }).outputs[0]?.shape).toEqual([null, 8]);
    cnn.dispose();
    dense.dispose();
  });

  it('pools or flattens feature maps on request', () => {
    const cnn = tinyCnn();
    expect(featureExtractor(cnn, { upTo: 'conv2', pooling: 'avg' }).outputs[0]?.shape).toEqual([null, 4]);
    expect(featureExtractor(cnn, { upTo: 'conv2', pooling: 'max' }).outputs[0]?.shape).toEqual([null, 4]);
    expect(featureExtractor(cnn, { upTo: 'conv2', pooling: 'flatten' }).outputs[0]?.shape).toEqual([
      null,
      16,
    ]);
    const x = tf.randomNormal([2, 8, 8, 1]);
    const maps = featureExtractor(cnn, { upTo: 'conv2' }).predict(x) as tf.Tensor;
    const avg = featureExtractor(cnn, { upTo: 'conv2', pooling: 'avg' }).predict(x) as tf.Tensor;
    const expected = tf.mean(maps, [1, 2]);
    expect(tf.max(tf.abs(tf.sub(avg, expected))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([x, maps, avg, expected]);
    cnn.dispose();
  });

  it('shares the layers and weights of the base (the include_top=False of Keras)', () => {
    const cnn = tinyCnn();
    const fx = featureExtractor(cnn, { upTo: 'conv2' });
    expect(fx.getLayer('conv1')).toBe(cnn.getLayer('conv1'));
    const x = tf.ones([1, 8, 8, 1]);
    const before = fx.predict(x) as tf.Tensor;
    const [k, b] = cnn.getLayer('conv1').getWeights() as [tf.Tensor, tf.Tensor];
    const doubled = tf.mul(k, 2);
    cnn.getLayer('conv1').setWeights([doubled, b]);
    const after = fx.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(before, after))).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, before, after, doubled]);
    cnn.dispose();
  });

  it('works on a functional model whose base is a nested model', () => {
    const base = tinyDenseBase();
    const input = tfl.input({ shape: [4] });
    const out = tfl.layers
      .dense({ units: 2, name: 'new_top' })
      .apply(base.apply(input)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    expect(featureExtractor(model).outputs[0]?.shape).toEqual([null, 3]); // the nested base's output
    model.dispose();
  });

  it('explains bad arguments', () => {
    const cnn = tinyCnn();
    const dense = tinyDenseBase();
    const err = (() => {
      try {
        featureExtractor(cnn, { upTo: 'conv9' });
      } catch (e) {
        return e;
      }
    })();
    expect(isBetterDLError(err) && err.code).toBe('INVALID_ARGUMENT');
    expect((err as Error).message).toMatch(/no top-level layer named 'conv9'.*conv1, pool1/);
    expect(() => featureExtractor(cnn, { upTo: 5 })).toThrow(/valid indices are -5\.\.4/);
    const conv = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 2 })],
    });
    expect(() => featureExtractor(conv)).toThrow(/no fully connected head.*Pass \{ upTo/);
    conv.dispose();
    // @ts-expect-error: runtime guard
    expect(() => featureExtractor(cnn, { pooling: 'sum' })).toThrow(/'none', 'flatten', 'avg' or 'max'/);
    cnn.dispose();
    dense.dispose();
  });
});
