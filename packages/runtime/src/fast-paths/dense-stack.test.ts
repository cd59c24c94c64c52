/**
 * The small-model trainer (`dense-stack.ts`, `dense-stack-fit.ts`) against stock tfjs-layers
 * (`fastPaths: false`) on cpu and wasm. Every fast run asserts `lastFitPath(model) === 'dense-stack'`, so a
 * test passing proves the trainer ran; every fallback asserts the reason and that the stock loop still trains.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { backendBuffers, rand, relErr } from '../kernels/fixtures/test-utils';
import { setSeed } from '../seed';
import { lastFitPath, setDenseStackTrainer } from './fit';

// Both backends are started once; each test switches between them and between stock and fast fits.
beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});
afterAll(() => {
  setDenseStackTrainer(true);
  setSeed(null);
});

const TOL = 1e-5;

interface Data {
  x: tf.Tensor;
  y: tf.Tensor;
  val?: [tf.Tensor, tf.Tensor];
}

/** Regression targets of width 2 for `[n, 3]` inputs: `sin(x0 + x1 + x2)` and `x0 · x1`. */
function regression(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [a, b] = tf.split(x, [1, 1, 1], 1) as [tf.Tensor, tf.Tensor];
    return tf.concat([tf.sin(tf.sum(x, 1, true)), tf.mul(a, b)], 1);
  });
}

/** 0/1 labels: `Σx² > 1` (one column) or, with `k = 3`, the signs of x0, x1 and x0 · x1. */
function labels(x: tf.Tensor, k = 1): tf.Tensor {
  return tf.tidy(() => {
    if (k === 1) return tf.cast(tf.greater(tf.sum(tf.square(x), 1, true), 1), 'float32');
    const [a, b] = tf.split(x, [1, 1, 1], 1) as [tf.Tensor, tf.Tensor];
    return tf.cast(tf.greater(tf.concat([a, b, tf.mul(a, b)], 1), 0), 'float32');
  });
}

/** `n` training and `v` validation points in [-1, 1)³ (deterministic, no draw from `Math.random`). */
function data(target: (x: tf.Tensor) => tf.Tensor, n = 40, v = 24): Data {
  const x = rand([n, 3], 101);
  const y = target(x);
  if (v === 0) return { x, y };
  const vx = rand([v, 3], 202);
  return { x, y, val: [vx, target(vx)] };
}

type Layer = tfl.layers.Layer;

/** A compiled Sequential model of `layers`. */
function sequential(
  layers: Layer[],
  optimizer: tf.Optimizer,
  loss: string,
  metrics: string[],
): tfl.LayersModel {
  const model = tfl.sequential({ layers });
  model.compile({ optimizer, loss, metrics });
  return model;
}

interface Case {
  /** The compiled model: built after the seed is set, so stock and fast runs start from the same weights. */
  model: () => tfl.LayersModel;
  data: () => Data;
  args?: Partial<tfl.ModelFitArgs>;
  /** Whether a warm-up epoch runs first (it creates the optimizer's slots). Defaults to true. */
  warmUp?: boolean;
  /** Callbacks after the one recording batch logs (given the model, e.g. to stop its training). */
  callbacks?: (model: tfl.LayersModel) => tfl.CustomCallback[] | tfl.Callback[];
}

interface Run {
  path: string | undefined;
  history: Record<string, number[]>;
  epoch: number[];
  batchLogs: Array<Record<string, number>>;
  /** Tensors and backend buffers the measured fit left behind. */
  leaked: [number, number];
  /** Weights before and after the measured fit, layer by layer. */
  initial: Float32Array[];
  weights: Float32Array[];
}

/** Every layer's weights in layer order (`getWeights()` puts the trainable ones first). */
const weightsOf = (m: tfl.LayersModel) =>
  m.layers.flatMap((l) => l.getWeights().map((w) => w.dataSync().slice() as Float32Array));

/**
 * A seeded warm-up epoch unless the case says not (it creates the optimizer's slots, which are state, not
 * leaks), then the measured fit: 4 epochs of batch 8 with the case's validation data unless the case says
 * otherwise.
 */
async function run(backend: string, fastPaths: boolean, c: Case): Promise<Run> {
  await initRuntime({ backend, fastPaths, verbose: false, seed: 7 });
  const { x, y, val } = c.data();
  const model = c.model();
  const batchSize = c.args?.batchSize ?? 8;
  if (c.warmUp !== false) await model.fit(x, y, { epochs: 1, batchSize, verbose: 0 });
  const initial = weightsOf(model);
  const batchLogs: Array<Record<string, number>> = [];
  const record = new tfl.CustomCallback({
    onBatchEnd: async (_b, logs) => void batchLogs.push({ ...(logs as Record<string, number>) }),
  });
  const before = tf.memory().numTensors;
  const buffers = backendBuffers();
  const h = await model.fit(x, y, {
    epochs: 4,
    batchSize,
    verbose: 0,
    validationData: val,
    ...c.args,
    callbacks: [record, ...(c.callbacks?.(model) ?? [])] as tfl.CustomCallback[],
  });
  const leaked: [number, number] = [tf.memory().numTensors - before, backendBuffers() - buffers];
  const out: Run = {
    path: lastFitPath(model),
    history: h.history as Record<string, number[]>,
    epoch: [...h.epoch],
    batchLogs,
    initial,
    weights: weightsOf(model),
    leaked,
  };
  const optimizer = model.optimizer;
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y, ...(val ?? [])]);
  return out;
}

/** Same history keys (in order), epochs, per-batch logs and weights as `want`, values within `tol` relative. */
function expectSame(got: Run, want: Run, tol = TOL): void {
  expect(Object.keys(got.history)).toEqual(Object.keys(want.history));
  expect(got.epoch).toEqual(want.epoch);
  for (const [k, v] of Object.entries(want.history)) {
    expect(got.history[k]?.length, k).toBe(v.length);
    expect(relErr(got.history[k] as number[], v), k).toBeLessThan(tol);
  }
  expect(got.batchLogs.map((l) => Object.keys(l))).toEqual(want.batchLogs.map((l) => Object.keys(l)));
  want.batchLogs.forEach((logs, i) => {
    for (const [k, v] of Object.entries(logs))
      expect(relErr([got.batchLogs[i]?.[k] as number], [v]), `batch ${i} ${k}`).toBeLessThan(tol);
  });
  expect(got.weights.length).toBe(want.weights.length);
  want.weights.forEach((w, i) => {
    expect(relErr(got.weights[i] as Float32Array, w), `weight ${i}`).toBeLessThan(tol);
  });
}

/**
 * Stock and fast runs of one case: the fast one trained in the small-model trainer or, given `reason`, fell
 * back to the stock loop for a reason containing it; either way with stock results and no leaks.
 */
async function both(backend: string, c: Case, reason?: string): Promise<{ stock: Run; fast: Run }> {
  const stock = await run(backend, false, c);
  const fast = await run(backend, true, c);
  if (reason === undefined) expect(fast.path).toBe('dense-stack');
  else {
    expect(fast.path).not.toBe('dense-stack');
    expect(fast.path).toContain(reason);
  }
  expectSame(fast, stock);
  expect(stock.leaked).toEqual([0, 0]);
  expect(fast.leaked).toEqual([0, 0]);
  return { stock, fast };
}

/** tanh → tanh (no bias) → linear with an l1l2 kernel penalty and an l1 bias penalty; MSE, mse + mae. */
const penalised = (optimizer: tf.Optimizer) =>
  sequential(
    [
      tfl.layers.dense({
        inputShape: [3],
        units: 8,
        activation: 'tanh',
        kernelRegularizer: tfl.regularizers.l1l2({ l1: 0.001, l2: 0.01 }),
        biasRegularizer: tfl.regularizers.l1({ l1: 0.01 }),
      }),
      tfl.layers.dense({ units: 6, activation: 'tanh', useBias: false }),
      tfl.layers.dense({ units: 2 }),
    ],
    optimizer,
    'meanSquaredError',
    ['mse', 'mae'],
  );

/** BatchNormalization (frozen) → relu → BatchNormalization → linear; MSE + mae. */
const withBatchNorm = (optimizer: tf.Optimizer) =>
  sequential(
    [
      tfl.layers.batchNormalization({ inputShape: [3], trainable: false }),
      tfl.layers.dense({ units: 8, activation: 'relu' }),
      tfl.layers.batchNormalization({ momentum: 0.9 }),
      tfl.layers.dense({ units: 2 }),
    ],
    optimizer,
    'meanSquaredError',
    ['mae'],
  );

/** tanh → linear, MSE + mae. */
const small = (optimizer: tf.Optimizer, units = 2) =>
  sequential(
    [tfl.layers.dense({ inputShape: [3], units: 8, activation: 'tanh' }), tfl.layers.dense({ units })],
    optimizer,
    'meanSquaredError',
    ['mae'],
  );

const PARITY: Array<[string, Case]> = [
  [
    'MSE, tanh → tanh (no bias) → linear, l1l2 kernel and l1 bias penalties, mse + mae, Adam',
    {
      model: () => penalised(tf.train.adam(0.02)),
      data: () => data(regression),
    },
  ],
  [
    'the same from zero biases (no warm-up), SGD: the L1 gradient at 0 as tfjs takes it',
    {
      model: () => penalised(tf.train.sgd(0.1)),
      data: () => data(regression),
      warmUp: false,
    },
  ],
  [
    'binaryCrossentropy + sigmoid with GaussianNoise(0.1) between hidden and output, RMSProp',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }),
            tfl.layers.gaussianNoise({ stddev: 0.1 }),
            tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
          ],
          tf.train.rmsprop(0.01),
          'binaryCrossentropy',
          ['accuracy'],
        ),
      data: () => data(labels),
    },
  ],
  [
    'a frozen first layer (trainable: false) whose l2 penalty still counts in the loss, Momentum',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({
              inputShape: [3],
              units: 8,
              activation: 'tanh',
              trainable: false,
              kernelRegularizer: tfl.regularizers.l2({ l2: 0.05 }),
            }),
            tfl.layers.dense({ units: 2 }),
          ],
          tf.train.momentum(0.05, 0.9),
          'meanSquaredError',
          ['mae'],
        ),
      data: () => data(regression),
    },
  ],
  [
    'n = 37 not divisible by batchSize 8, shuffled (the default), SGD',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'sigmoid' }),
            tfl.layers.dense({ units: 2 }),
          ],
          tf.train.sgd(0.2),
          'meanSquaredError',
          [],
        ),
      data: () => data(regression, 37),
      args: { shuffle: true },
    },
  ],
  [
    'validationSplit 0.2, Adagrad',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }),
            tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
          ],
          tf.train.adagrad(0.1),
          'binaryCrossentropy',
          ['accuracy'],
        ),
      data: () => data(labels, 40, 0),
      args: { validationSplit: 0.2 },
    },
  ],
  [
    'GaussianNoise(0.2) on the input, relu → sigmoid, Adam',
    {
      model: () =>
        sequential(
          [
            tfl.layers.gaussianNoise({ inputShape: [3], stddev: 0.2 }),
            tfl.layers.dense({ units: 8, activation: 'relu' }),
            tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
          ],
          tf.train.adam(0.02),
          'binaryCrossentropy',
          ['accuracy', 'mse'],
        ),
      data: () => data(labels),
    },
  ],
  [
    'softmax + categoricalCrossentropy + accuracy (categorical), n = 37, Adam',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }),
            tfl.layers.dense({ units: 3, activation: 'softmax' }),
          ],
          tf.train.adam(0.02),
          'categoricalCrossentropy',
          ['accuracy'],
        ),
      data: () => data((x) => tf.tidy(() => tf.cast(tf.oneHot(tf.argMax(x, 1), 3), 'float32')), 37),
    },
  ],
  [
    'batchSize 64 above n = 40, 1100 validation samples (evaluated in chunks of 1024), Adam',
    {
      model: () => small(tf.train.adam(0.02)),
      data: () => data(regression, 40, 1100),
      args: { batchSize: 64 },
    },
  ],
  [
    "meanAbsoluteError where predictions equal targets (zero weights, zero targets): |d|' = −1 at 0 as tfjs, SGD",
    {
      model: () =>
        sequential(
          [tfl.layers.dense({ inputShape: [3], units: 2, kernelInitializer: 'zeros' })],
          tf.train.sgd(0.1),
          'meanAbsoluteError',
          ['mse'],
        ),
      data: () => {
        const d = data(regression);
        const zero = (t: tf.Tensor) => tf.tidy(() => tf.mul(t, tf.cast(tf.greater(t, 0), 'float32')));
        return { x: d.x, y: zero(d.y), val: d.val };
      },
      warmUp: false,
    },
  ],
  [
    'a softmax hidden layer, GaussianNoise(0.05) after the output layer, MSE, Adam',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 6, activation: 'softmax' }),
            tfl.layers.dense({ units: 2 }),
            tfl.layers.gaussianNoise({ stddev: 0.05 }),
          ],
          tf.train.adam(0.05),
          'meanSquaredError',
          ['mae'],
        ),
      data: () => data(regression),
    },
  ],
  [
    'BatchNormalization between Dense layers (and a frozen one after the input), Adam',
    {
      model: () => withBatchNorm(tf.train.adam(0.02)),
      data: () => data(regression),
    },
  ],
  [
    'three sigmoid outputs with binaryCrossentropy + accuracy, Adamax',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'tanh' }),
            tfl.layers.dense({ units: 3, activation: 'sigmoid' }),
          ],
          tf.train.adamax(0.05),
          'binaryCrossentropy',
          ['accuracy'],
        ),
      data: () => data((x) => labels(x, 3)),
    },
  ],
];

describe.each(['cpu', 'wasm'])('the small-model trainer on %s', (backend) => {
  it.each(PARITY)('%s: stock history, batch logs and weights within 1e-5, no leaks', async (_, c) => {
    const { stock } = await both(backend, c);
    expect(Object.keys(stock.history).some((k) => k.startsWith('val_'))).toBe(true);
    expect(stock.epoch).toEqual([0, 1, 2, 3]);
  });

  it('a frozen layer keeps its weights; the trained ones move', async () => {
    const [, c] = PARITY.find(([name]) => name.startsWith('a frozen')) as [string, Case];
    const fast = await run(backend, true, c);
    expect(fast.path).toBe('dense-stack');
    expect(fast.weights[0]).toEqual(fast.initial[0]);
    expect(fast.weights[1]).toEqual(fast.initial[1]);
    expect(relErr(fast.weights[2] as Float32Array, fast.initial[2] as Float32Array)).toBeGreaterThan(1e-3);
  });

  it('initialEpoch 2, epochs 5: epochs 2, 3, 4 as stock', async () => {
    const [, c] = PARITY[0] as [string, Case];
    const { fast } = await both(backend, { ...c, args: { initialEpoch: 2, epochs: 5 } });
    expect(fast.epoch).toEqual([2, 3, 4]);
  });
});

type Trace = Awaited<ReturnType<typeof traceCallbacks>>;

/**
 * Every call a CustomCallback receives during a fit (method, index, log keys in order; the values apart),
 * the params a `tfl.Callback` subclass sees at onTrainBegin, and the History returned.
 */
async function traceCallbacks(backend: string, fastPaths: boolean) {
  await initRuntime({ backend, fastPaths, verbose: false, seed: 7 });
  const { x, y, val } = data(labels);
  const input = tfl.input({ shape: [3] });
  const hidden = tfl.layers.dense({ units: 8, activation: 'tanh' }).apply(input) as tfl.SymbolicTensor;
  const output = tfl.layers.dense({ units: 1, activation: 'sigmoid' }).apply(hidden) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const calls: Array<[string, number | null, string[]]> = [];
  const values: number[] = [];
  const log = (name: string, index: number | null, logs?: tfl.Logs) => {
    calls.push([name, index, Object.keys(logs ?? {})]);
    values.push(...Object.values(logs ?? {}).map(Number));
  };
  const custom = new tfl.CustomCallback({
    onTrainBegin: async (logs) => log('onTrainBegin', null, logs),
    onEpochBegin: async (e, logs) => log('onEpochBegin', e, logs),
    onBatchBegin: async (b, logs) => log('onBatchBegin', b, logs),
    onBatchEnd: async (b, logs) => log('onBatchEnd', b, logs),
    onEpochEnd: async (e, logs) => log('onEpochEnd', e, logs),
    onTrainEnd: async (logs) => log('onTrainEnd', null, logs),
  });
  let params: Record<string, unknown> = {};
  class Params extends tfl.Callback {
    override async onTrainBegin(): Promise<void> {
      params = structuredClone(this.params) as Record<string, unknown>;
    }
  }
  const h = await model.fit(x, y, {
    epochs: 3,
    batchSize: 16,
    validationData: val,
    // verbose left at its default (1): the trainer runs as long as no progress callback is registered
    callbacks: [custom, new Params()],
  });
  const out = {
    path: lastFitPath(model),
    calls,
    values,
    params,
    epoch: [...h.epoch],
    history: h.history as Record<string, number[]>,
    ownHistory: (model as unknown as { history: unknown }).history === h,
  };
  const optimizer = model.optimizer;
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y, ...(val ?? [])]);
  return out;
}

/** Targets `sin(Σx)` for training and `−sin(Σx)` for validation: val_loss grows as the model learns. */
function diverging(): Data {
  const x = rand([40, 3], 101);
  const vx = rand([24, 3], 202);
  const y = tf.tidy(() => tf.sin(tf.sum(x, 1, true)));
  const vy = tf.tidy(() => tf.neg(tf.sin(tf.sum(vx, 1, true))));
  return { x, y, val: [vx, vy] };
}

const schedule =
  (set: (o: tf.Optimizer, epoch: number) => void): Case['callbacks'] =>
  (model) => [new tfl.CustomCallback({ onEpochBegin: async (e) => set(model.optimizer, e) })];

class CustomSGD extends tf.SGDOptimizer {
  override getClassName(): string {
    return 'CustomSGD';
  }
}

const FALLBACKS: Array<[string, string, Case]> = [
  [
    'a Dropout layer',
    'layer Dropout',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }),
            tfl.layers.dropout({ rate: 0.25 }),
            tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
          ],
          tf.train.adam(0.01),
          'binaryCrossentropy',
          ['accuracy'],
        ),
      data: () => data(labels),
    },
  ],
  [
    'a LayerNormalization layer',
    'layer LayerNormalization',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }),
            tfl.layers.layerNormalization(),
            tfl.layers.dense({ units: 2 }),
          ],
          tf.train.adam(0.01),
          'meanSquaredError',
          [],
        ),
      data: () => data(regression),
    },
  ],
  [
    'an activation the trainer does not compute (elu)',
    'activation elu',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'elu' }),
            tfl.layers.dense({ units: 2 }),
          ],
          tf.train.adam(0.01),
          'meanSquaredError',
          [],
        ),
      data: () => data(regression),
    },
  ],
  [
    'a loss the trainer does not compute (meanSquaredLogarithmicError)',
    'the loss',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'tanh' }),
            tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
          ],
          tf.train.adam(0.01),
          'meanSquaredLogarithmicError',
          [],
        ),
      data: () => data(labels),
    },
  ],
  [
    'classWeight',
    'sample or class weights',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [3], units: 8, activation: 'tanh' }),
            tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
          ],
          tf.train.adam(0.01),
          'binaryCrossentropy',
          ['accuracy'],
        ),
      data: () => data(labels),
      args: { classWeight: { 0: 1, 1: 3 } },
    },
  ],
  [
    'an optimizer class the trainer does not know (a subclass of SGD)',
    'optimizer CustomSGD',
    { model: () => small(new CustomSGD(0.1)), data: () => data(regression) },
  ],
  [
    'a model too large for the JavaScript step (784 → 2048, batch 512)',
    'too large',
    {
      model: () =>
        sequential(
          [
            tfl.layers.dense({ inputShape: [784], units: 2048, activation: 'relu' }),
            tfl.layers.dense({ units: 1 }),
          ],
          tf.train.sgd(0.001),
          'meanSquaredError',
          [],
        ),
      data: () => {
        const x = rand([16, 784], 5);
        return { x, y: tf.tidy(() => tf.mean(x, 1, true)) };
      },
      args: { batchSize: 512, epochs: 1 },
    },
  ],
];

/** Two fits in a row: losses, weights after each, the optimizer's slots (names without the layer prefix). */
async function twoFits(backend: string, fastPaths: boolean) {
  await initRuntime({ backend, fastPaths, verbose: false, seed: 7 });
  const { x, y, val } = data(regression);
  const model = small(tf.train.adam(0.02));
  const args = { batchSize: 8, validationData: val, verbose: 0 };
  const first = await model.fit(x, y, { ...args, epochs: 3 });
  const paths = [lastFitPath(model)];
  const mid = weightsOf(model);
  const second = await model.fit(x, y, { ...args, epochs: 2 });
  paths.push(lastFitPath(model));
  const optimizer = model.optimizer;
  const saved = await optimizer.getWeights();
  const slots = saved
    .slice(1)
    .map((w) => ({ name: w.name.replace(/^[^/]+/, ''), values: w.tensor.dataSync().slice() }));
  tf.dispose(saved[0]?.tensor);
  const out = {
    paths,
    first: first.history as Record<string, number[]>,
    second: second.history as Record<string, number[]>,
    mid,
    weights: weightsOf(model),
    slots,
    iterations: optimizer.iterations,
  };
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y, ...(val ?? [])]);
  return out;
}

describe.each(['cpu', 'wasm'])('the small-model trainer on %s, as stock tfjs-layers', (backend) => {
  it('calls every callback with the same index, log keys, values and params; History as stock', async () => {
    const stock = await traceCallbacks(backend, false);
    const fast: Trace = await traceCallbacks(backend, true);
    expect(fast.path).toBe('dense-stack');
    // 1 + 3 × (1 + 3 × 2 + 1) + 1 calls: three epochs of three batches (40 samples, batch 16)
    expect(stock.calls).toHaveLength(26);
    expect(fast.calls).toEqual(stock.calls);
    expect(fast.values).toHaveLength(stock.values.length);
    stock.values.forEach((v, i) => {
      expect(relErr([fast.values[i] as number], [v]), `value ${i}`).toBeLessThan(TOL);
    });
    expect(fast.params).toEqual(stock.params);
    expect(fast.params).toMatchObject({
      epochs: 3,
      samples: 40,
      batchSize: 16,
      verbose: 1,
      doValidation: true,
    });
    expect(fast.params.metrics).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(fast.epoch).toEqual(stock.epoch);
    expect(Object.keys(fast.history)).toEqual(Object.keys(stock.history));
    expect(stock.ownHistory).toBe(true);
    expect(fast.ownHistory).toBe(true);
  });

  it('earlyStopping on val_loss (patience 2) stops at the epoch stock stops at', async () => {
    const c: Case = {
      model: () => small(tf.train.adam(0.05), 1),
      data: diverging,
      args: { epochs: 20 },
      callbacks: () => [tfl.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 })],
    };
    const { stock, fast } = await both(backend, c);
    expect(stock.epoch.length).toBeLessThan(20);
    expect(fast.epoch).toEqual(stock.epoch);
  });

  it('model.stopTraining = true in onBatchEnd of batch 1 stops after that batch, as stock', async () => {
    const c: Case = {
      model: () => small(tf.train.adam(0.02)),
      data: () => data(regression),
      callbacks: (model) => [
        new tfl.CustomCallback({
          onBatchEnd: async (b) => {
            if (b === 1) model.stopTraining = true;
          },
        }),
      ],
    };
    const { stock, fast } = await both(backend, c);
    expect(stock.batchLogs).toHaveLength(2);
    expect(fast.batchLogs).toHaveLength(2);
    expect(fast.epoch).toEqual([0]);
    expect(Object.keys(fast.history)).toEqual(['loss', 'mae']);
  });

  it('a callback that rescales the weights with setWeights at onBatchEnd: stock results', async () => {
    const c: Case = {
      model: () => small(tf.train.adam(0.02)),
      data: () => data(regression),
      callbacks: (model) => [
        new tfl.CustomCallback({
          onBatchEnd: async (b) => {
            if (b !== 2) return;
            const scaled = tf.tidy(() => model.getWeights().map((w) => tf.mul(w, 0.9)));
            model.setWeights(scaled);
            tf.dispose(scaled);
          },
        }),
      ],
    };
    await both(backend, c);
  });

  it("Adam's learningRate field changed at onEpochBegin: stock results", async () => {
    const set = (o: tf.Optimizer, e: number) => {
      (o as unknown as { learningRate: number }).learningRate = 0.05 / (e + 1);
    };
    const c: Case = { model: () => small(tf.train.adam(0.01)), data: () => data(regression) };
    const { fast } = await both(backend, { ...c, callbacks: schedule(set) });
    // The schedule matters: without it the weights end elsewhere.
    const fixed = await run(backend, true, c);
    expect(relErr(fixed.weights[0] as Float32Array, fast.weights[0] as Float32Array)).toBeGreaterThan(1e-3);
  });

  it("SGD's setLearningRate at onEpochBegin: stock results", async () => {
    const set = (o: tf.Optimizer, e: number) => (o as tf.SGDOptimizer).setLearningRate(0.3 / (e + 1));
    const c: Case = { model: () => small(tf.train.sgd(0.05)), data: () => data(regression) };
    const { fast } = await both(backend, { ...c, callbacks: schedule(set) });
    const fixed = await run(backend, true, c);
    expect(relErr(fixed.weights[0] as Float32Array, fast.weights[0] as Float32Array)).toBeGreaterThan(1e-3);
  });

  it('a second fit continues the first (weights, optimizer state) as stock', async () => {
    const stock = await twoFits(backend, false);
    const fast = await twoFits(backend, true);
    expect(fast.paths).toEqual(['dense-stack', 'dense-stack']);
    for (const k of ['first', 'second'] as const) {
      expect(Object.keys(fast[k])).toEqual(Object.keys(stock[k]));
      for (const [key, v] of Object.entries(stock[k]))
        expect(relErr(fast[k][key] as number[], v), `${k} ${key}`).toBeLessThan(TOL);
    }
    for (const k of ['mid', 'weights'] as const)
      stock[k].forEach((w, i) => {
        expect(relErr(fast[k][i] as Float32Array, w), `${k} ${i}`).toBeLessThan(TOL);
      });
    expect(fast.iterations).toBe(25);
    expect(fast.iterations).toBe(stock.iterations);
    expect(fast.slots.map((s) => s.name)).toEqual(stock.slots.map((s) => s.name));
    stock.slots.forEach((s, i) => {
      expect(relErr(fast.slots[i]?.values as Float32Array, s.values), s.name).toBeLessThan(TOL);
    });
  });

  it('clones and reshapes of weights, moving statistics, slots and scalars taken before fit keep their values (copy on write)', async () => {
    await initRuntime({ backend, verbose: false, seed: 7 });
    const { x, y } = data(regression, 40, 0);
    // BatchNormalization's moving statistics are written in place too
    const model = withBatchNorm(tf.train.adam(0.02));
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const optimizer = model.optimizer as unknown as {
      accBeta1: tf.Variable;
      getWeights(): Promise<Array<{ tensor: tf.Tensor }>>;
    };
    const saved = await optimizer.getWeights();
    const state = [...saved.slice(1).map((w) => w.tensor), optimizer.accBeta1];
    // every weight (the frozen BatchNormalization's too), the optimizer's slots and a beta power
    const originals = [...model.getWeights(), ...state];
    // what the fit must change: the trained weights, the second BatchNormalization's moving statistics, the state
    const trained = [
      ...model.trainableWeights.map((w) => w.read()),
      ...(model.layers[2] as Layer).nonTrainableWeights.map((w) => w.read()),
      ...state,
    ];
    // tf.clone shares the buffer on cpu (wasm copies); tf.reshape shares it on both.
    const views = originals.flatMap((t) => [tf.clone(t), tf.reshape(t, [-1])]);
    const old = views.map((c) => c.dataSync().slice());
    const refs = tf.backend() as unknown as { refCount(id: object): number };
    const shared = backend === 'cpu' ? 3 : 2;
    expect(originals.map((t) => refs.refCount(t.dataId))).toEqual(originals.map(() => shared));
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(lastFitPath(model)).toBe('dense-stack');
    views.forEach((v, i) => {
      expect(v.dataSync(), `view ${i}`).toEqual(old[i]);
    });
    expect(trained).toHaveLength(6 + 2 + 12 + 1);
    trained.forEach((t, j) => {
      const i = originals.indexOf(t);
      expect(i, `trained ${j}`).toBeGreaterThanOrEqual(0);
      expect(relErr(t.dataSync(), old[2 * i] as Float32Array), `trained ${j}`).toBeGreaterThan(0);
    });
    tf.dispose([...views, saved[0]?.tensor as tf.Tensor, x, y]);
    const opt = model.optimizer;
    model.dispose();
    opt.dispose();
  });

  it.each(FALLBACKS)('%s: the stock loop trains (reason given), with stock results', async (_, reason, c) => {
    const { fast } = await both(backend, c, reason);
    expect(fast.history.loss?.every(Number.isFinite)).toBe(true);
  });

  it('a model with no trainable weight fails as stock does (tfjs cannot minimize over no variable)', async () => {
    const attempt = async (fastPaths: boolean) => {
      await initRuntime({ backend, fastPaths, verbose: false, seed: 7 });
      const model = small(tf.train.adam(0.01));
      for (const layer of model.layers) layer.trainable = false;
      model.compile({ optimizer: model.optimizer, loss: 'meanSquaredError' });
      const { x, y } = data(regression, 16, 0);
      const error = await model.fit(x, y, { epochs: 1, verbose: 0 }).then(
        () => null,
        (e: Error) => e.message,
      );
      const path = lastFitPath(model);
      const optimizer = model.optimizer;
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
      return { error, path };
    };
    const stock = await attempt(false);
    const fast = await attempt(true);
    expect(stock.error).toMatch(
      /variableGrads\(\) expects at least one of the input variables to be trainable/,
    );
    expect(fast.error).toBe(stock.error);
    expect(fast.path).toBe('no trainable weights');
  });

  it('setDenseStackTrainer(false): the stock loop trains, with stock results', async () => {
    setDenseStackTrainer(false);
    try {
      await both(backend, PARITY[0]?.[1] as Case, 'the small-model trainer is off');
    } finally {
      setDenseStackTrainer(true);
    }
  });
});
