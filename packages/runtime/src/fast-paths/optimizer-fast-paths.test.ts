import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBetterDLError } from '../errors';
import { initRuntime } from '../init-runtime';
import { rand } from '../kernels/fixtures/test-utils';
import { checkOptimizerInternals } from '../tfjs-internals';
import {
  appliedOptimizerFastPaths,
  applyOptimizerFastPaths,
  removeOptimizerFastPaths,
} from './optimizer-fast-paths';
import { FUSED_KERNELS } from './optimizer-kernels';

/** Every optimizer and option the fused kernels cover, as `compile` strings and `tf.train` factories. */
export const OPTIMIZER_CASES: [string, () => tf.Optimizer | string][] = [
  ["'sgd'", () => 'sgd'],
  ['sgd(0.1)', () => tf.train.sgd(0.1)],
  ['momentum(0.05, 0.9)', () => tf.train.momentum(0.05, 0.9)],
  ['momentum(0.05, 0.9, nesterov)', () => tf.train.momentum(0.05, 0.9, true)],
  ["'adam'", () => 'adam'],
  ['adam(0.01, 0.8, 0.95, 1e-6)', () => tf.train.adam(0.01, 0.8, 0.95, 1e-6)],
  ["'rmsprop'", () => 'rmsprop'],
  ['rmsprop(0.01, 0.9, 0.3)', () => tf.train.rmsprop(0.01, 0.9, 0.3)],
  ['rmsprop(0.01, 0.8, 0.5, 1e-6, centered)', () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6, true)],
  ["'adagrad'", () => 'adagrad'],
  ['adagrad(0.05, 0.2)', () => tf.train.adagrad(0.05, 0.2)],
  ["'adamax'", () => 'adamax'],
  ['adamax(0.01, 0.85, 0.99, 1e-6, 0.01)', () => tf.train.adamax(0.01, 0.85, 0.99, 1e-6, 0.01)],
  ["'adadelta'", () => 'adadelta'],
  ['adadelta(0.5, 0.9, 1e-5)', () => tf.train.adadelta(0.5, 0.9, 1e-5)],
];

type Fields = Record<string, unknown>;

/** Everything a step leaves behind: losses, weights, slot names and values, step count, scalar variables. */
export async function seededFit(make: () => tf.Optimizer | string, epochs = 3) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [3], units: 8, activation: 'tanh' }),
      tfl.layers.dense({ units: 1 }),
    ],
  });
  const init = model.getWeights().map((w, i) => rand(w.shape, 11 + i));
  model.setWeights(init);
  tf.dispose(init);
  model.compile({ optimizer: make() as tf.Optimizer, loss: 'meanSquaredError' });
  const x = rand([20, 3], 3);
  const y = tf.tidy(() => tf.sum(tf.sin(x), 1, true));
  const before = tf.memory().numTensors;
  const h = await model.fit(x, y, { epochs, batchSize: 8, shuffle: false, verbose: 0 });
  const grown = tf.memory().numTensors - before;
  // A second fit adds no tensor: the optimizer's slots exist already, every step frees what it made.
  const again = tf.memory().numTensors;
  await model.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
  const leaked = tf.memory().numTensors - again;
  const opt = model.optimizer as tf.Optimizer;
  const f = opt as unknown as Fields;
  const slots: { name: string; values: number[] }[] = [];
  if (opt.getClassName() === 'Adamax') {
    for (const field of ['accumulatedFirstMoment', 'accumulatedWeightedInfNorm']) {
      for (const s of f[field] as { originalName: string; variable: tf.Variable }[])
        slots.push({ name: s.originalName, values: [...(await s.variable.data())] });
    }
  } else {
    const ws = await opt.getWeights();
    for (const w of ws) slots.push({ name: w.name, values: [...(await w.tensor.data())] });
    ws[0]?.tensor.dispose();
  }
  const scalars: Record<string, number> = {};
  for (const s of ['accBeta1', 'accBeta2', 'iteration'])
    if (f[s] instanceof tf.Tensor) scalars[s] = (await (f[s] as tf.Tensor).data())[0] as number;
  const out = {
    loss: h.history.loss as number[],
    weights: await Promise.all(model.getWeights().map(async (w) => [...(await w.data())])),
    // slot names without the model's (run-dependent) layer names
    slotNames: slots.map((s) => s.name.replace(/^[^/]+/, '')),
    slots: slots.map((s) => s.values),
    iterations: opt.iterations,
    scalars,
    grown,
    leaked,
  };
  tf.dispose([x, y]);
  model.dispose();
  opt.dispose();
  return out;
}

/** Kernels run by one `fit` step, by name. */
async function kernelsOfFit(make: () => tf.Optimizer | string): Promise<string[]> {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4 })] });
  model.compile({ optimizer: make() as tf.Optimizer, loss: 'meanSquaredError' });
  const [x, y] = [rand([4, 3], 1), rand([4, 4], 2)];
  await model.trainOnBatch(x, y);
  const profile = await tf.profile(() => model.trainOnBatch(x, y) as unknown as tf.Tensor);
  tf.dispose([x, y]);
  model.dispose();
  return profile.kernels.map((k) => k.name);
}

describe.each(['cpu', 'wasm'])('fused optimizer updates on %s', (backend) => {
  beforeAll(async () => {
    await initRuntime({ backend, verbose: false });
  });
  afterAll(() => {
    applyOptimizerFastPaths();
  });

  it.each(OPTIMIZER_CASES)(
    '%s: the same losses, weights and state as stock tfjs, bit for bit',
    async (_, make) => {
      removeOptimizerFastPaths();
      const stock = await seededFit(make);
      applyOptimizerFastPaths();
      const fused = await seededFit(make);
      expect(fused.loss).toEqual(stock.loss);
      expect(fused.weights).toEqual(stock.weights);
      expect(fused.slotNames).toEqual(stock.slotNames);
      expect(fused.slots).toEqual(stock.slots);
      expect(fused.iterations).toBe(stock.iterations);
      expect(fused.scalars).toEqual(stock.scalars);
      expect(fused.grown).toBe(stock.grown);
      expect(fused.leaked).toBe(0);
    },
  );

  it.each(OPTIMIZER_CASES.filter(([name]) => !name.startsWith("'")))(
    '%s on a large and a small variable: stock bits, no leaks',
    async (_, make) => {
      const run = async (fused: boolean) => {
        if (fused) applyOptimizerFastPaths();
        else removeOptimizerFastPaths();
        const vars = [rand([80, 64], 5), rand([7], 6)].map((t) => tf.variable(t));
        const opt = make() as tf.Optimizer;
        const before = tf.memory().numTensors;
        for (let step = 0; step < 3; step++) {
          tf.tidy(() =>
            opt.applyGradients(
              vars.map((v, i) => ({ name: v.name, tensor: rand(v.shape, 20 + 2 * step + i) })),
            ),
          );
        }
        const grown = tf.memory().numTensors - before;
        const values = await Promise.all(vars.map(async (v) => [...(await v.data())]));
        const ws = await opt.getWeights().catch(() => []);
        const slots = await Promise.all(ws.slice(1).map(async (w) => [...(await w.tensor.data())]));
        tf.dispose(ws[0]?.tensor);
        opt.dispose();
        tf.dispose(vars);
        return { values, slots, grown };
      };
      const stock = await run(false);
      const fused = await run(true);
      expect(fused.values).toEqual(stock.values);
      expect(fused.slots).toEqual(stock.slots);
      expect(fused.grown).toBe(stock.grown);
    },
  );

  it('one fused kernel per step replaces the per-variable arithmetic; off runs the stock kernels', async () => {
    applyOptimizerFastPaths();
    const fused = await kernelsOfFit(() => 'adam');
    expect(fused.filter((k) => k === FUSED_KERNELS.Adam)).toHaveLength(1);
    removeOptimizerFastPaths();
    const stock = await kernelsOfFit(() => 'adam');
    expect(stock).not.toContain(FUSED_KERNELS.Adam);
    expect(fused.length).toBeLessThan(stock.length - 20);
    applyOptimizerFastPaths();
  });
});

describe('applying and removing', () => {
  beforeAll(async () => {
    await initRuntime({ backend: 'cpu', verbose: false });
  });

  it('lists the fused optimizers, is idempotent, and restores stock applyGradients on removal', () => {
    const stock = tf.AdamOptimizer.prototype.applyGradients;
    removeOptimizerFastPaths();
    const original = tf.AdamOptimizer.prototype.applyGradients;
    expect(appliedOptimizerFastPaths()).toEqual([]);
    expect(tf.getKernel(FUSED_KERNELS.Adam, 'cpu')).toBeUndefined();
    const names = applyOptimizerFastPaths();
    expect(applyOptimizerFastPaths()).toEqual(names);
    expect(names.sort()).toEqual(['Adadelta', 'Adagrad', 'Adam', 'Adamax', 'Momentum', 'RMSProp', 'SGD']);
    expect(tf.AdamOptimizer.prototype.applyGradients).not.toBe(original);
    expect(tf.getKernel(FUSED_KERNELS.Adam, 'wasm')).toBeDefined();
    removeOptimizerFastPaths();
    expect(tf.AdamOptimizer.prototype.applyGradients).toBe(original);
    applyOptimizerFastPaths();
    expect(stock).toBeDefined();
  });

  it('a step it does not cover (int gradients, a missing gradient) runs stock tfjs', () => {
    applyOptimizerFastPaths();
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.variable(tf.tensor1d([1, 2]));
    const opt = tf.train.adam(0.1);
    const before = tf.memory().numTensors;
    tf.tidy(() =>
      opt.applyGradients({ [a.name]: tf.ones([3]), [b.name]: null } as unknown as tf.NamedTensorMap as never),
    );
    expect(opt.iterations).toBe(1);
    // stock creates both slots of both variables and updates a only
    expect(tf.memory().numTensors - before).toBe(4);
    expect(b.dataSync()).toEqual(new Float32Array([1, 2]));
    expect(a.dataSync()[0]).toBeCloseTo(0.9, 5);
    opt.dispose();
    tf.dispose([a, b]);
  });

  it("the start-up check names tfjs-core's version when an optimizer's fields changed", () => {
    const fake = {
      ...tf,
      version_core: '4.99.0',
      train: {
        ...tf.train,
        rmsprop: (...args: Parameters<typeof tf.train.rmsprop>) =>
          Object.assign(tf.train.rmsprop(...args), { centered: undefined }),
      },
    } as unknown as typeof tf;
    let err: unknown;
    try {
      checkOptimizerInternals(fake);
    } catch (e) {
      err = e;
    }
    expect(isBetterDLError(err)).toBe(true);
    expect((err as Error).message).toMatch(/RMSProp keeping .*tfjs-core 4\.99\.0/);
    expect(() => checkOptimizerInternals()).not.toThrow();
  });
});
