import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { assertNoLeaks } from '../memory';
import { backendBuffers, rand, relErr } from './fixtures/test-utils';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});

interface Case {
  name: string;
  build: () => tfl.LayersModel;
  x: () => tf.Tensor;
  y: () => tf.Tensor;
  loss: string;
}

const oneHot = (n: number, k: number, seed: number) =>
  tf.oneHot(
    tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i * 7 + seed) % k),
      'int32',
    ),
    k,
  );

const cases: Case[] = [
  {
    name: 'Dense (Adam)',
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ inputShape: [12], units: 16, activation: 'relu' }),
          tfl.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    x: () => rand([40, 12], 1),
    y: () => oneHot(40, 3, 1),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'Conv2D + DepthwiseConv2D + BatchNormalization',
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({
            inputShape: [9, 9, 2],
            filters: 4,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
          }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
          tfl.layers.batchNormalization(),
          tfl.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, activation: 'relu' }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    x: () => rand([24, 9, 9, 2], 2),
    y: () => oneHot(24, 3, 2),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'Embedding',
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 5 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      }),
    x: () =>
      tf.tensor2d(
        Array.from({ length: 30 * 5 }, (_, i) => (i * 13) % 20),
        [30, 5],
        'int32',
      ),
    y: () =>
      tf.tensor2d(
        Array.from({ length: 30 }, (_, i) => i % 2),
        [30, 1],
      ),
    loss: 'binaryCrossentropy',
  },
];

/** Builds the model on `backend` with the given weights, fits 3 epochs and returns the losses and weights. */
async function train(c: Case, backend: string, weights?: Float32Array[]) {
  await tf.setBackend(backend);
  const model = c.build();
  if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i]?.shape)));
  const initial = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  model.compile({ optimizer: tf.train.adam(0.01), loss: c.loss });
  const [x, y] = [c.x(), c.y()];
  const tensors = tf.memory().numTensors;
  const buffers = backendBuffers();
  const h = await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
  // The optimizer keeps its slots; a second identical fit must not add any tensor or buffer.
  const tensorsAfterFirst = tf.memory().numTensors - tensors;
  const buffersAfterFirst = backendBuffers() - buffers;
  await assertNoLeaks(() => model.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 }), 'fit');
  expect(tf.memory().numTensors - tensors).toBe(tensorsAfterFirst);
  expect(backendBuffers() - buffers).toBe(buffersAfterFirst);
  const out = { loss: h.history.loss as number[], initial };
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

describe('fit on wasm with the kernel fixes', () => {
  for (const c of cases) {
    it(`${c.name}: trains, without leaks, with the same losses as cpu`, async () => {
      const cpu = await train(c, 'cpu');
      const wasm = await train(c, 'wasm', cpu.initial);
      expect(wasm.loss).toHaveLength(3);
      expect(wasm.loss[2]).toBeLessThan(wasm.loss[0] as number);
      expect(relErr(wasm.loss, cpu.loss)).toBeLessThan(1e-4);
    });
  }
});
