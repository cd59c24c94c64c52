import { initRuntime, isBetterDLError, trackTensors } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachHead } from './attach-head';
import { featureExtractor } from './feature-extractor';
import { nestedModel, randomData, snapshot, tinyDenseBase, unchanged } from './fixtures/models';
import { freeze, syncTrainable, trainableState, unfreeze } from './freeze';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false, seed: 7 });
});

async function fitOnce(model: tfl.LayersModel, inputShape: number[], classes: number) {
  const { x, y } = randomData(16, inputShape, classes);
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  tf.dispose([x, y]);
}

describe('freeze / unfreeze selectors', () => {
  it("freezes 'all', the first N, the last N, names, a RegExp and a predicate", () => {
    const m = tinyDenseBase();
    expect(freeze(m, 'all').trainable).toEqual([]);
    expect(unfreeze(m).frozen).toEqual([]);
    expect(freeze(m, 2).frozen).toEqual(['b1', 'b2']);
    unfreeze(m);
    expect(freeze(m, -1).frozen).toEqual(['old_head']);
    unfreeze(m);
    expect(freeze(m, ['b2', 'old_head']).frozen).toEqual(['b2', 'old_head']);
    unfreeze(m);
    expect(freeze(m, /^b/g).frozen).toEqual(['b1', 'b2']);
    expect(freeze(m, /^b/g).changed).toEqual([]); // a global RegExp does not alternate between calls
    unfreeze(m);
    const r = freeze(m, (l) => l.getClassName() === 'Dense' && l.name !== 'b1');
    expect(r.frozen).toEqual(['b2', 'old_head']);
    expect(r.changed).toEqual(['b2', 'old_head']);
    expect(unfreeze(m, 'b2').trainable).toEqual(['b1', 'b2']);
    expect(m.trainableWeights.map((w) => w.originalName)).toEqual([
      'b1/kernel',
      'b1/bias',
      'b2/kernel',
      'b2/bias',
    ]);
    m.dispose();
  });

  it('rejects unknown names, out-of-range counts and bad selectors with a fix', () => {
    const m = tinyDenseBase();
    const err = (() => {
      try {
        freeze(m, 'conv9');
      } catch (e) {
        return e;
      }
    })();
    expect(isBetterDLError(err)).toBe(true);
    expect((err as Error).message).toMatch(/no layer named 'conv9'.*b1, b2, drop, old_head/);
    expect(() => freeze(m, 9)).toThrow(/between -4 and 4/);
    expect(() => freeze(m, 1.5)).toThrow(/integer/);
    // @ts-expect-error: runtime guard
    expect(() => freeze(m, { bad: true })).toThrow(/RegExp or a predicate/);
    // @ts-expect-error: runtime guard
    expect(() => freeze(m, 'all', { ifCompiled: 'ignore' })).toThrow(/'recompile' or 'throw'/);
    expect(trainableState(m).frozen).toEqual([]);
    m.dispose();
  });

  it('works on nested models: by the nested model name, by an inner name, and inside a frozen container', async () => {
    const { outer, inner } = nestedModel();
    expect(freeze(outer, 'inner').frozen).toEqual(['i1', 'i2']);
    expect(outer.trainableWeights.map((w) => w.originalName)).toEqual(['top/kernel', 'top/bias']);
    unfreeze(outer);
    const path: string[][] = [];
    freeze(outer, (l, p) => {
      path.push([...p, l.name]);
      return l.name === 'i1';
    });
    expect(path).toContainEqual(['inner', 'i1']);
    expect(trainableState(outer)).toEqual({ trainable: ['i2', 'top'], frozen: ['i1'] });

    // Keras style: the container itself switched off, then one inner layer unfrozen.
    unfreeze(outer);
    inner.trainable = false;
    expect(trainableState(outer).frozen).toEqual(['i1', 'i2']);
    unfreeze(outer, 'i2');
    expect(trainableState(outer)).toEqual({ trainable: ['i2', 'top'], frozen: ['i1'] });
    outer.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const snap = snapshot(outer, ['i1', 'i2']);
    await fitOnce(outer, [3], 2);
    expect(unchanged(outer, snap, 'i1')).toBe(true);
    expect(unchanged(outer, snap, 'i2')).toBe(false);
    outer.dispose();
  });
});

describe('the compile trap', () => {
  it('tfjs alone: unfreezing after compile is silently ignored (why freeze/unfreeze recompile)', async () => {
    const m = tinyDenseBase();
    m.getLayer('b1').trainable = false;
    m.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    m.getLayer('b1').trainable = true;
    const snap = snapshot(m, ['b1']);
    const warn = console.warn;
    console.warn = () => {};
    try {
      await fitOnce(m, [4], 3);
    } finally {
      console.warn = warn;
    }
    expect(unchanged(m, snap, 'b1')).toBe(true);
    m.dispose();
  });

  it('unfreeze after compile recompiles with the same optimizer, loss and metrics, and the layer trains', async () => {
    const m = tinyDenseBase();
    freeze(m, 'b1');
    const opt = tf.train.adam(0.05);
    m.compile({ optimizer: opt, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await fitOnce(m, [4], 3);
    const r = unfreeze(m, 'b1');
    expect(r.recompiled).toBe(true);
    expect(m.optimizer).toBe(opt);
    expect(m.metricsNames).toEqual(['loss', 'acc']);
    const snap = snapshot(m, ['b1']);
    await fitOnce(m, [4], 3);
    expect(unchanged(m, snap, 'b1')).toBe(false);
    m.dispose();
    opt.dispose();
  });

  it("moves Adam's per-weight state with its weight when the trainable list changes", async () => {
    const m = tinyDenseBase();
    const opt = tf.train.adam(0.05);
    m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
    await fitOnce(m, [4], 3);
    const moments = () =>
      (
        opt as unknown as { accumulatedFirstMoment: Array<{ originalName: string } | undefined> }
      ).accumulatedFirstMoment.map((e) => e?.originalName.replace(/_\d+/g, ''));
    expect(moments()).toHaveLength(6);
    const before = tf.memory().numTensors;
    freeze(m, 'b1');
    expect(tf.memory().numTensors).toBe(before - 4); // b1's first and second moments are disposed
    expect(moments()).toEqual(['b2/kernel/m', 'b2/bias/m', 'old_head/kernel/m', 'old_head/bias/m']);
    await fitOnce(m, [4], 3); // positional state would fail to broadcast [6,...] against [8,6] here
    unfreeze(m, 'b1');
    expect(moments()).toEqual([
      'b1/kernel/m', // fresh zero state, as tfjs would create at the next step
      'b1/bias/m',
      'b2/kernel/m',
      'b2/bias/m',
      'old_head/kernel/m',
      'old_head/bias/m',
    ]);
    const snap = snapshot(m, ['b1']);
    await fitOnce(m, [4], 3);
    expect(unchanged(m, snap, 'b1')).toBe(false);
    m.dispose();
    opt.dispose();
  });

  it('an unfrozen model can be disposed or saved before it trains again (no empty optimizer slot)', async () => {
    const make = {
      adam: () => tf.train.adam(0.01),
      rmsprop: () => tf.train.rmsprop(0.01),
      adagrad: () => tf.train.adagrad(0.1, 0.3),
    };
    for (const [name, optimizer] of Object.entries(make)) {
      const before = tf.memory().numTensors;
      const m = tinyDenseBase();
      const opt = optimizer();
      m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
      await fitOnce(m, [4], 3);
      freeze(m, 'b1');
      unfreeze(m, 'b1');
      // b1 starts again from the state tfjs gives a new weight (Adagrad: its initial accumulator value)
      const weights = await opt.getWeights();
      tf.dispose(weights.filter((w) => w.name === 'iter').map((w) => w.tensor)); // made by getWeights
      const b1 = weights.filter((w) => w.name.startsWith('b1/'));
      expect(b1.length, name).toBeGreaterThan(0);
      const start = name === 'adagrad' ? 0.3 : 0;
      for (const w of b1) expect(await w.tensor.data()).toEqual(new Float32Array(w.tensor.size).fill(start));
      m.dispose();
      expect(() => opt.dispose()).not.toThrow(); // threw on the empty slots of b1 before
      expect(tf.memory().numTensors, name).toBe(before);
    }
  });

  it('freeze after compile leaves the weights bit-identical through fit', async () => {
    const m = tinyDenseBase();
    m.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    expect(freeze(m, 2).recompiled).toBe(true);
    const snap = snapshot(m, ['b1', 'b2', 'old_head']);
    await fitOnce(m, [4], 3);
    expect(unchanged(m, snap, 'b1')).toBe(true);
    expect(unchanged(m, snap, 'b2')).toBe(true);
    expect(unchanged(m, snap, 'old_head')).toBe(false);
    m.dispose();
  });

  it("ifCompiled: 'throw' refuses and changes nothing; an uncompiled model is fine", () => {
    const m = tinyDenseBase();
    expect(freeze(m, 1, { ifCompiled: 'throw' }).frozen).toEqual(['b1']);
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    expect(() => unfreeze(m, 'all', { ifCompiled: 'throw' })).toThrow(/already compiled.*b1 would not train/);
    expect(trainableState(m).frozen).toEqual(['b1']);
    // A change that does not touch any weights is allowed.
    expect(() => freeze(m, 'drop', { ifCompiled: 'throw' })).not.toThrow();
    m.dispose();
  });

  it('keeps models that share layers compiled right (freezing the base recompiles the model with a head)', async () => {
    const base = tinyDenseBase();
    const model = attachHead(featureExtractor(base, { upTo: 'b2' }), { classes: 2, hidden: [], dropout: 0 });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    freeze(base, 'all');
    unfreeze(base, 'b1'); // via the base object, not via `model`
    const snap = snapshot(model, ['b1', 'b2']);
    await fitOnce(model, [4], 2);
    expect(unchanged(model, snap, 'b1')).toBe(false);
    expect(unchanged(model, snap, 'b2')).toBe(true);
    model.dispose();
  });

  it('syncTrainable recompiles after trainable was changed by hand', async () => {
    const m = tinyDenseBase();
    m.getLayer('b1').trainable = false;
    m.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    expect(syncTrainable(m)).toBe(false);
    m.getLayer('b1').trainable = true;
    expect(syncTrainable(m)).toBe(true);
    const snap = snapshot(m, ['b1']);
    await fitOnce(m, [4], 3);
    expect(unchanged(m, snap, 'b1')).toBe(false);
    m.dispose();
  });

  it('leaks no tensors', async () => {
    const m = tinyDenseBase();
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const r = await trackTensors(() => {
      freeze(m, 2);
      unfreeze(m);
    });
    expect(r.leaked).toBe(0);
    m.dispose();
  });
});
