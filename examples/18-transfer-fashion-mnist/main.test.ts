// Checks the committed base model against real data, and that transfer from it works, in a few seconds.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initRuntime } from '@betterdl/runtime';
import {
  extractFeatures,
  featureExtractor,
  loadPretrained,
  softmaxRegression,
} from '@betterdl/transfer/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect } from 'vitest';
import { needs } from '../../scripts/test-support/requirements';
import { loadClasses } from './fashion-mnist';

const baseDir = join(dirname(fileURLToPath(import.meta.url)), 'base-model');

function accuracy(probs: tf.Tensor, labels: Int32Array): number {
  const p = tf.argMax(probs, 1);
  const v = p.dataSync();
  p.dispose();
  return labels.filter((l, i) => v[i] === l).length / labels.length;
}

beforeAll(async () => {
  await initRuntime({ backend: 'wasm', verbose: false, seed: 1 });
});

describe('examples/18-transfer-fashion-mnist', () => {
  const data = needs('fashion-mnist');
  data.it('the committed base model loads and classifies classes 0-4 of the test set', async () => {
    const base = await loadPretrained(baseDir);
    expect(base.layers.map((l) => l.name)).toEqual([
      'conv1',
      'pool1',
      'conv2',
      'pool2',
      'flatten',
      'fc1',
      'dropout',
      'predictions',
    ]);
    const test = await loadClasses('t10k', [0, 1, 2, 3, 4], 100);
    const probs = base.predict(test.x) as tf.Tensor;
    expect(accuracy(probs, test.labels)).toBeGreaterThan(0.85);
    tf.dispose([probs, test.x, test.y]);
    base.dispose();
  });

  data.it('its features separate the unseen classes 5-9 from 100 labelled images', async () => {
    const base = await loadPretrained(baseDir);
    const extractor = featureExtractor(base);
    const train = await loadClasses('train', [5, 6, 7, 8, 9], 20);
    const test = await loadClasses('t10k', [5, 6, 7, 8, 9], 100);
    const fTrain = await extractFeatures(extractor, train.x);
    const fTest = await extractFeatures(extractor, test.x);
    expect(fTrain.shape).toEqual([100, 400]);
    const { model } = await softmaxRegression(fTrain, train.labels, { epochs: 50 });
    const probs = model.predict(fTest) as tf.Tensor;
    expect(accuracy(probs, test.labels)).toBeGreaterThan(0.8); // chance is 0.2
    tf.dispose([probs, fTrain, fTest, train.x, train.y, test.x, test.y]);
    model.dispose();
    base.dispose();
  });
});
