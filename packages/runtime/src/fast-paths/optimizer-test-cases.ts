/** Test fixtures shared by the fused-optimizer tests on cpu/wasm (here) and on GPU backends (scripts/). */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** A deterministic pseudo-random tensor (as the kernel tests' `rand`, without their vitest import: this file
 * also runs in the browser GPU test's page). */
function rand(shape: number[], seed: number): tf.Tensor {
  let s = seed >>> 0 || 1;
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 31 - 1;
  }
  return tf.tensor(v, shape);
}

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
