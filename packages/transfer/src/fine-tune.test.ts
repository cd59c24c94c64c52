import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachHead } from './attach-head';
import { featureExtractor } from './feature-extractor';
import { fineTune } from './fine-tune';
import { randomData, sameSnapshot, snapshot, tinyCnn, tinyDenseBase, unchanged } from './fixtures/models';
import { trainableState } from './freeze';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false, seed: 11 });
});

describe('fineTune', () => {
  it.each(['cpu', 'wasm'])(
    'warm-up leaves the base bit-identical and trains the head; phase 2 trains the unfrozen layers; no leaks (%s)',
    async (backend) => {
      await initRuntime({ backend, verbose: false, seed: 11 });
      const baseline = tf.memory().numTensors;
      const cnn = tinyCnn();
      const model = attachHead(featureExtractor(cnn), { classes: 3, hidden: 6, dropout: 0.2 });
      const { x, y } = randomData(24, [8, 8, 1], 3);
      const base = ['conv1', 'conv2'];
      const start = snapshot(model, [...base, 'head_dense_1', 'head_output']);
      let afterWarmup: Map<string, Float32Array[]> | undefined;
      const epochs: string[] = [];
      const r = await fineTune(
        model,
        { x, y, validationSplit: 0.25 },
        {
          warmup: {
            epochs: 3,
            lr: 0.01,
            callbacks: [
              { onTrainEnd: async () => void (afterWarmup = snapshot(model, [...base, 'head_output'])) },
            ],
          },
          unfreeze: { layers: 'conv2', epochs: 2, lr: 0.01 },
          callbacks: [{ onEpochEnd: async (e: number) => void epochs.push(String(e)) }],
          batchSize: 8,
        },
      );
      // Phase 1: base frozen bit for bit, head moved.
      const warm = afterWarmup as Map<string, Float32Array[]>;
      for (const name of base) expect(sameSnapshot(start, warm, name)).toBe(true);
      expect(sameSnapshot(start, warm, 'head_output')).toBe(false);
      expect(unchanged(model, start, 'head_dense_1')).toBe(false);
      // Phase 2: conv2 (unfrozen) changed since the warm-up, conv1 (still frozen) did not.
      expect(unchanged(model, warm, 'conv2')).toBe(false);
      expect(unchanged(model, warm, 'conv1')).toBe(true);
      expect(r.frozenDuringWarmup).toEqual(['conv1', 'conv2', 'fc'].filter((n) => n !== 'fc'));
      expect(r.trainedInPhase2).toEqual(['conv2', 'head_dense_1', 'head_output']);
      expect(trainableState(model).frozen).toEqual(['conv1']);
      expect(r.warmup.history.loss).toHaveLength(3);
      expect(r.warmup.history.val_acc).toHaveLength(3);
      expect(r.fineTune.history.loss).toHaveLength(2);
      expect(epochs).toEqual(['0', '1', '2', '0', '1']);
      expect(model.metricsNames).toEqual(['loss', 'acc']);
      tf.dispose([x, y]);
      model.dispose(); // disposes the shared base layers too, and the phase-2 optimizer the model now owns
      cnn.getLayer('fc').dispose(); // the old head that was cut off is not part of `model`
      expect(tf.memory().numTensors).toBe(baseline);
      await initRuntime({ backend: 'cpu', verbose: false, seed: 11 });
    },
  );

  it("needs to know the head of a model that attachHead did not build, and uses the model's compiled loss", async () => {
    const baseline = tf.memory().numTensors;
    const m = tinyDenseBase();
    const { x, y } = randomData(16, [4], 3);
    await expect(fineTune(m, { x, y })).rejects.toThrow(/which layers of 'tiny' are the new head/);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const start = snapshot(m, ['b1', 'b2', 'old_head']);
    const r = await fineTune(
      m,
      { x, y },
      { head: -1, warmup: { epochs: 2 }, unfreeze: { layers: 'b2', epochs: 1 } },
    );
    expect(unchanged(m, start, 'b1')).toBe(true);
    expect(unchanged(m, start, 'b2')).toBe(false);
    expect(r.fineTune.history.acc).toHaveLength(1);
    tf.dispose([x, y]);
    m.dispose(); // the 'adam' it was compiled with was disposed by fineTune, the phase-2 one by the model
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('trains from a Dataset-like source with fitDataset', async () => {
    const cnn = tinyCnn();
    const model = attachHead(featureExtractor(cnn), { classes: 2, hidden: [], dropout: 0 });
    const { x, y } = randomData(8, [8, 8, 1], 2);
    const dataset = {
      iterator: async () => {
        let i = 0;
        return {
          next: async () =>
            i++ < 2
              ? { value: { xs: tf.slice(x, (i - 1) * 4, 4), ys: tf.slice(y, (i - 1) * 4, 4) }, done: false }
              : { value: undefined, done: true },
        };
      },
      size: 2,
    };
    const r = await fineTune(model, { dataset }, { warmup: { epochs: 1 }, unfreeze: { epochs: 1 } });
    expect(r.warmup.history.loss).toHaveLength(1);
    expect(r.fineTune.history.loss).toHaveLength(1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('validates its options before training', async () => {
    const cnn = tinyCnn();
    const model = attachHead(featureExtractor(cnn), { classes: 2, hidden: [] });
    const data = { x: tf.zeros([2, 8, 8, 1]), y: tf.zeros([2, 2]) };
    await expect(fineTune(model, data, { warmup: { lr: -1 } })).rejects.toThrow(
      /warmup.lr must be a positive/,
    );
    await expect(fineTune(model, data, { unfreeze: { epochs: 1.5 } })).rejects.toThrow(/unfreeze.epochs/);
    await expect(fineTune(model, data, { unfreeze: { layers: 'nope' } })).rejects.toThrow(
      /no layer named 'nope'/,
    );
    // @ts-expect-error: runtime guard
    await expect(fineTune(model, { features: 1 })).rejects.toThrow(/data must be/);
    expect(model.optimizer).toBeUndefined();
    tf.dispose([data.x, data.y]);
    model.dispose();
    expect(tfl.version_layers).toMatch(/^4\./);
  });
});
