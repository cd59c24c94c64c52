import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachHead, headLayersOf } from './attach-head';
import { featureExtractor } from './feature-extractor';
import { tinyCnn } from './fixtures/models';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false, seed: 9 });
});

describe('attachHead', () => {
  it('builds flatten -> dense/dropout blocks -> softmax on the shared base', () => {
    const cnn = tinyCnn();
    const model = attachHead(featureExtractor(cnn, { upTo: 'conv2' }), {
      classes: 3,
      hidden: [7, 5],
      dropout: 0.25,
    });
    const names = model.layers.map((l) => l.name);
    expect(names.slice(-6)).toEqual([
      'head_flatten',
      'head_dense_1',
      'head_dropout_1',
      'head_dense_2',
      'head_dropout_2',
      'head_output',
    ]);
    expect(headLayersOf(model)?.map((l) => l.name)).toEqual(names.slice(-6));
    expect(model.getLayer('conv1')).toBe(cnn.getLayer('conv1'));
    expect(model.outputs[0]?.shape).toEqual([null, 3]);
    const out = model.predict(tf.ones([2, 8, 8, 1])) as tf.Tensor;
    const sums = tf.sum(out, 1);
    expect(Array.from(sums.dataSync()).every((s) => Math.abs(s - 1) < 1e-5)).toBe(true);
    tf.dispose([out, sums]);
    expect(headLayersOf(cnn)).toBeUndefined();
    cnn.dispose();
  });

  it('defaults to one 256-unit hidden layer with dropout 0.5 and sigmoid for one class', () => {
    const cnn = tinyCnn();
    const model = attachHead(featureExtractor(cnn), { classes: 1, namePrefix: 'h' });
    expect(model.getLayer('h_dense_1').getConfig().units).toBe(256);
    expect(model.getLayer('h_dropout_1').getConfig().rate).toBe(0.5);
    expect(model.getLayer('h_output').getConfig().activation).toBe('sigmoid');
    expect(
      attachHead(featureExtractor(cnn), { classes: 4, hidden: [], dropout: 0 }).layers.at(-1)?.name,
    ).toBe('head_output');
    cnn.dispose();
  });

  it('validates its options', () => {
    const cnn = tinyCnn();
    // @ts-expect-error: runtime guard
    expect(() => attachHead(cnn, {})).toThrow(/attachHead: classes must be an integer >= 1, got undefined/);
    expect(() => attachHead(cnn, { classes: 3, output_activation: 'sigmoid' } as never)).toThrow(
      /attachHead: unknown option 'output_activation' in options\. Did you mean outputActivation\?/,
    );
    expect(() => attachHead(cnn, { classes: 2, hidden: [0] })).toThrow(/hidden must be/);
    expect(() => attachHead(cnn, { classes: 2, dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    cnn.dispose();
  });
});
