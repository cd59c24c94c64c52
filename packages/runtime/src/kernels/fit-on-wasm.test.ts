import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  convZooModel,
  cyclicOneHot,
  embeddingData,
  embeddingModel,
} from '../../../../scripts/fixtures/models';
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
  data: () => [tf.Tensor, tf.Tensor];
  loss: string;
}

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
    data: () => [rand([40, 12], 1), cyclicOneHot(40, 3, 1)],
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'Conv2D + DepthwiseConv2D + BatchNormalization',
    build: () => convZooModel([9, 9, 2]),
    data: () => [rand([24, 9, 9, 2], 2), cyclicOneHot(24, 3, 2)],
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'Embedding',
    build: embeddingModel,
    data: () => embeddingData(30),
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
  const [x, y] = c.data();
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
