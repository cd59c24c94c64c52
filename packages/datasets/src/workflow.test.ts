import { assertNoLeaks, initRuntime, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageAugmenter } from './image-augmenter';
import { makeCircles } from './make-circles';
import { standardScaler } from './scalers';
import { trainTestSplit } from './train-test-split';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('a lesson workflow', () => {
  it('makeCircles → trainTestSplit → standardScaler → model.fit learns, with no leaked tensors', async () => {
    setSeed(1);
    const acc = await assertNoLeaks(async () => {
      const data = makeCircles({ nSamples: 400, noise: 0.05, randomState: 1 });
      const s = trainTestSplit(data.x, data.y, { testSize: 0.25, stratify: true, randomState: 1 });
      const scaler = standardScaler().fit(s.xTrain);
      const xTrain = scaler.transform(s.xTrain);
      const xTest = scaler.transform(s.xTest);
      const model = tfl.sequential({
        layers: [
          tfl.layers.dense({ inputShape: [2], units: 16, activation: 'relu' }),
          tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      });
      const optimizer = tf.train.adam(0.05);
      model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      await model.fit(xTrain, s.yTrain, { epochs: 60, batchSize: 64, verbose: 0 });
      const scores = model.evaluate(xTest, s.yTest) as tf.Scalar[];
      const value = (await (scores[1] as tf.Scalar).data())[0] as number;
      tf.dispose([data.x, data.y, s.xTrain, s.xTest, s.yTrain, s.yTest, xTrain, xTest, ...scores]);
      model.dispose();
      optimizer.dispose();
      return value;
    }, 'workflow');
    setSeed(null);
    expect(acc).toBeGreaterThan(0.9);
  });

  it('imageAugmenter inside a custom training step leaks nothing', async () => {
    const aug = imageAugmenter({ rotation: 10, widthShift: 0.1, flipHorizontal: true, seed: 2 });
    const images = tf.randomUniform([8, 6, 6, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) {
      const loss = tf.tidy(() => tf.mean(aug.apply(images)));
      loss.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});
