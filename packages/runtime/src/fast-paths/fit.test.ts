import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { relErr } from '../kernels/fixtures/test-utils';
import { setSeed } from '../seed';
import { fitFastPathsApplied, lastFitPath, setDenseStackTrainer } from './fit';

// Both backends are started once; each test switches between them and between stock and fast fits.
beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});
afterAll(() => setSeed(null));

interface FitResult {
  history: Record<string, number[]>;
  weights: Float32Array[];
  leaked: number;
  batchLogs: Array<Record<string, number>>;
}

/** The lesson-5 model in small: Dense(16, relu, l2) → Dense(1, sigmoid), Adam, binaryCrossentropy + accuracy. */
async function seededFit(
  backend: string,
  fastPaths: boolean,
  fitArgs: Partial<tfl.ModelFitArgs> = {},
  metrics: string[] = ['accuracy'],
): Promise<FitResult> {
  await initRuntime({ backend, fastPaths, verbose: false, seed: 7 });
  const n = 40;
  const x = tf.tidy(() => tf.randomUniform([n, 2], -1, 1));
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(tf.square(x), 1, true), 0.4), 'float32'));
  const vx = tf.tidy(() => tf.randomUniform([70, 2], -1, 1));
  const vy = tf.tidy(() => tf.cast(tf.greater(tf.sum(tf.square(vx), 1, true), 0.4), 'float32'));
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [2],
        units: 16,
        activation: 'relu',
        kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }),
      }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics });
  // One warm-up epoch creates the optimizer's slots, which are state, not leaks.
  await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
  const batchLogs: Array<Record<string, number>> = [];
  const before = tf.memory().numTensors;
  const h = await model.fit(x, y, {
    epochs: 12,
    batchSize: 16,
    validationData: [vx, vy],
    verbose: 0,
    callbacks: {
      onBatchEnd: async (_b, logs) => void batchLogs.push({ ...(logs as Record<string, number>) }),
    },
    ...fitArgs,
  });
  const leaked = tf.memory().numTensors - before;
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  tf.dispose([x, y, vx, vy]);
  return { history: h.history as Record<string, number[]>, weights, leaked, batchLogs };
}

function expectClose(got: FitResult, want: FitResult, tol: number): void {
  expect(Object.keys(got.history).sort()).toEqual(Object.keys(want.history).sort());
  for (const [k, v] of Object.entries(want.history)) {
    expect(relErr(got.history[k] as number[], v), k).toBeLessThan(tol);
  }
  for (let i = 0; i < want.weights.length; i++)
    expect(
      relErr(got.weights[i] as Float32Array, want.weights[i] as Float32Array),
      `weight ${i}`,
    ).toBeLessThan(tol);
  expect(got.batchLogs.length).toBe(want.batchLogs.length);
  for (let i = 0; i < want.batchLogs.length; i++)
    for (const k of ['loss', 'acc'])
      expect(relErr([got.batchLogs[i]?.[k] as number], [want.batchLogs[i]?.[k] as number])).toBeLessThan(tol);
}

describe.each(['cpu', 'wasm'])('fit fast paths on %s', (backend) => {
  it('give stock tfjs results: history, per-batch logs and weights within 1e-5, no leaked tensors', async () => {
    const stock = await seededFit(backend, false);
    const fast = await seededFit(backend, true);
    expect(stock.history.val_loss?.length).toBe(12);
    expectClose(fast, stock, 1e-5);
    expect(stock.leaked).toBe(0);
    expect(fast.leaked).toBe(0);
  });

  it('small models train without a kernel per step; with the trainer off, the fused kernels run', async () => {
    const kernels = async (fastPaths: boolean, epochs: number, denseStack = true) => {
      setDenseStackTrainer(denseStack);
      try {
        const p = await tf.profile(async () => {
          await seededFit(backend, fastPaths, { epochs });
          return [];
        });
        return p.kernels.map((k) => k.name).filter((n) => !n.endsWith('__op'));
      } finally {
        setDenseStackTrainer(true);
      }
    };
    const stock = await kernels(false, 2);
    const fused = await kernels(true, 2, false);
    expect(stock).not.toContain('BetterdlBinaryCrossentropy');
    expect(fused).toContain('BetterdlBinaryCrossentropy');
    expect(fused).toContain('BetterdlBinaryCrossentropyGrad');
    expect(fused.length).toBeLessThan(0.7 * stock.length);
    // The trainer's kernels are the test's own (making data and the model): more epochs add none.
    const dense = await kernels(true, 2);
    expect(await kernels(true, 6)).toEqual(dense);
    expect(dense.length).toBeLessThan(0.2 * fused.length);
  });

  it('validation values equal stock within float32 rounding (1e-6) after one epoch', async () => {
    const stock = await seededFit(backend, false, { epochs: 1 });
    const fast = await seededFit(backend, true, { epochs: 1 });
    for (const k of ['val_loss', 'val_acc'])
      expect(relErr(fast.history[k] as number[], stock.history[k] as number[]), k).toBeLessThan(1e-6);
  });

  it('validationSplit matches stock', async () => {
    const stock = await seededFit(backend, false, { validationSplit: 0.25, validationData: undefined });
    const fast = await seededFit(backend, true, { validationSplit: 0.25, validationData: undefined });
    expectClose(fast, stock, 1e-5);
    expect(fast.leaked).toBe(0);
  });

  it('other metrics next to accuracy keep their stock functions', async () => {
    const stock = await seededFit(backend, false, {}, ['accuracy', 'mse']);
    const fast = await seededFit(backend, true, {}, ['accuracy', 'mse']);
    expectClose(fast, stock, 1e-5);
  });

  it('restores the model after fit: evaluate and a later stock fit see tfjs-layers functions', async () => {
    await initRuntime({ backend, fastPaths: true, verbose: false });
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [2], units: 1, activation: 'sigmoid' })],
    });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const inner = (model as unknown as { model: { lossFunctions: unknown[] } }).model;
    const losses = inner.lossFunctions;
    const x = tf.ones([4, 2]);
    const y = tf.ones([4, 1]);
    await model.fit(x, y, { epochs: 1, validationData: [x, y], verbose: 0 });
    expect(inner.lossFunctions).toBe(losses);
    expect(Object.hasOwn(inner, 'testLoop')).toBe(false);
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('the fastPaths option', () => {
  it('false restores stock tfjs-layers and is reported; true installs the fast paths again', async () => {
    const off = await initRuntime({ backend: 'cpu', fastPaths: false, verbose: false });
    expect(off.fastPaths).toBe(false);
    expect(off.summary).toContain('fast paths off');
    expect(fitFastPathsApplied()).toBe(false);
    expect(tf.getKernel('BetterdlBinaryCrossentropy', 'cpu')).toBeUndefined();
    const on = await initRuntime({ backend: 'cpu', verbose: false });
    expect(on.fastPaths).toBe(true);
    expect(on.summary).not.toContain('fast paths');
    expect(fitFastPathsApplied()).toBe(true);
  });

  it('lastFitPath names the path of the last fit, and nothing while the fast paths are off', async () => {
    await initRuntime({ backend: 'cpu', verbose: false });
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const [x, y] = [tf.ones([4, 2]), tf.ones([4, 1])];
    expect(lastFitPath(model)).toBeUndefined();
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(lastFitPath(model)).toBe('dense-stack');
    await initRuntime({ backend: 'cpu', fastPaths: false, verbose: false });
    expect(lastFitPath(model)).toBeUndefined();
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(lastFitPath(model)).toBeUndefined();
    await initRuntime({ backend: 'cpu', verbose: false });
    expect(lastFitPath(model)).toBeUndefined();
    model.dispose();
    tf.dispose([x, y]);
  });

  it("a model or data made before a switch of backend trains in tfjs's loop, which moves them", async () => {
    await initRuntime({ backend: 'cpu', verbose: false, seed: 2 });
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const [x, y] = [tf.ones([4, 2]), tf.ones([4, 1])];
    await initRuntime({ backend: 'wasm', verbose: false });
    const h = await model.fit(x, y, { epochs: 2, validationData: [x, y], verbose: 0 });
    expect(lastFitPath(model)).toBe('tensors on another backend');
    expect(h.history.loss?.every(Number.isFinite)).toBe(true);
    // tfjs moved them: the next fit runs in the trainer
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(lastFitPath(model)).toBe('dense-stack');
    model.dispose();
    tf.dispose([x, y]);
  });

  it('rejects a non-boolean with the fix', async () => {
    const err = await initRuntime({ backend: 'cpu', fastPaths: 'no' as unknown as boolean }).catch((e) => e);
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('fastPaths must be true or false');
  });
});
