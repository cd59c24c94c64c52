// Fused optimizer updates (initRuntime's fast paths) against stock tfjs, in one process per backend, the two
// interleaved round by round so that load changes hit both alike:
// - the lesson-5 model (2 → Dense(500, relu, l2) → Dense(1, sigmoid), Adam, 30 samples = one step per epoch,
//   no validation): milliseconds per training step (`fit`) and kernels per step (`trainOnBatch` profiled);
// - wasm only: `fit` of the Fashion-MNIST MLP 784-1000-10 (Adam, batch 128, `--mlp-train` samples, kernel
//   fixes on in both): samples per second (the MLP must not get slower);
// - one `applyGradients` of each optimizer on the Fashion-MNIST MLP's variables (784·128 + 128 + 128·10 + 10
//   parameters): milliseconds per update, to show where a fused loop over 100k parameters stands against
//   stock's kernels.
// `pnpm bench optimizers [--steps=200] [--rounds=3] [--mlp-train=2560]`
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  applyOptimizerFastPaths,
  removeOptimizerFastPaths,
} from '../packages/runtime/src/fast-paths/optimizer-fast-paths';
import { initRuntime } from '../packages/runtime/src/index';
import * as bench from './python/harness';

const STEPS = bench.numArg('steps', 200);
const MLP_TRAIN = bench.numArg('mlp-train', 2560);
const ROUNDS = bench.numArg('rounds', 3);

function lesson5Model(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [2],
        units: 500,
        activation: 'relu',
        kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }),
      }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

function setFused(on: boolean): void {
  if (on) applyOptimizerFastPaths();
  else removeOptimizerFastPaths();
}

async function lesson5Step(fused: boolean): Promise<{ ms: number; kernels: number }> {
  setFused(fused);
  const { trainX, trainY } = bench.lesson5Circles();
  const model = lesson5Model();
  await model.fit(trainX, trainY, { batchSize: 32, epochs: 20, verbose: 0 });
  const t0 = performance.now();
  await model.fit(trainX, trainY, { batchSize: 32, epochs: STEPS, verbose: 0 });
  const ms = (performance.now() - t0) / STEPS;
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(trainX, trainY);
    return [];
  });
  model.dispose();
  tf.dispose([trainX, trainY]);
  return { ms, kernels: profile.kernels.length };
}

async function mlpFit(fused: boolean, data: { x: tf.Tensor; y: tf.Tensor }): Promise<number> {
  setFused(fused);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 1000, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const [wx, wy] = [tf.slice(data.x, 0, 128), tf.slice(data.y, 0, 128)];
  await model.trainOnBatch(wx, wy);
  tf.dispose([wx, wy]);
  const t0 = performance.now();
  await model.fit(data.x, data.y, { epochs: 1, batchSize: 128, shuffle: false, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  return (data.x.shape[0] as number) / seconds;
}

const OPTIMIZERS: Record<string, () => tf.Optimizer> = {
  sgd: () => tf.train.sgd(0.01),
  momentum: () => tf.train.momentum(0.01, 0.9, true),
  adam: () => tf.train.adam(0.001),
  adamax: () => tf.train.adamax(0.002),
  rmsprop: () => tf.train.rmsprop(0.001, 0.9, 0.5, 1e-7, true),
  adagrad: () => tf.train.adagrad(0.01),
  adadelta: () => tf.train.adadelta(1, 0.95),
};

const MLP_SHAPES = [[784, 128], [128], [128, 10], [10]];

async function mlpUpdate(make: () => tf.Optimizer, fused: boolean): Promise<number> {
  setFused(fused);
  const vars = MLP_SHAPES.map((s) => tf.variable(tf.randomUniform(s, -0.1, 0.1)));
  const grads = MLP_SHAPES.map((s) => tf.randomUniform(s, -0.01, 0.01));
  const named = vars.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor }));
  const opt = make();
  const steps = Math.max(10, STEPS / 4);
  for (let i = 0; i < 5; i++) opt.applyGradients(named);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) opt.applyGradients(named);
  await vars[0]?.data();
  const ms = (performance.now() - t0) / steps;
  opt.dispose();
  tf.dispose([...vars, ...grads]);
  return ms;
}

async function child(variant: string): Promise<void> {
  await initRuntime({ backend: variant, verbose: false });
  const best = (a: number | undefined, b: number) => (a === undefined ? b : Math.min(a, b));
  const row: bench.Row = {};
  const tr = await bench.fashionMnist('train', variant === 'wasm' ? MLP_TRAIN : 1);
  const mlp = { x: tf.tensor2d(tr.x, [tr.n, 784]), y: tf.oneHot(tf.tensor1d(tr.y, 'int32'), 10) };
  for (let r = 0; r < ROUNDS; r++) {
    for (const fused of [false, true]) {
      const k = fused ? 'fused' : 'stock';
      const l5 = await lesson5Step(fused);
      row[`lesson5 ms/step ${k}`] = best(row[`lesson5 ms/step ${k}`] as number | undefined, l5.ms);
      row[`lesson5 kernels/step ${k}`] = l5.kernels;
      if (variant === 'wasm') {
        const sps = await mlpFit(fused, mlp);
        row[`mlp samples/s ${k}`] = Math.max((row[`mlp samples/s ${k}`] as number | undefined) ?? 0, sps);
      }
      for (const [name, make] of Object.entries(OPTIMIZERS)) {
        const ms = await mlpUpdate(make, fused);
        row[`${name} ms ${k}`] = best(row[`${name} ms ${k}`] as number | undefined, ms);
      }
    }
  }
  bench.report(row);
}

function parent(): void {
  console.log(
    `fused optimizer updates vs stock tfjs: lesson-5 model ${STEPS} fit steps; MLP-sized applyGradients; ` +
      `best of ${ROUNDS} interleaved rounds`,
  );
  const file = new URL(import.meta.url).pathname;
  const rows: Record<string, bench.Row> = {};
  for (const b of ['wasm', 'cpu'])
    rows[b] = bench.runTfjsChild(file, b, [
      `--steps=${STEPS}`,
      `--rounds=${ROUNDS}`,
      `--mlp-train=${MLP_TRAIN}`,
    ]);
  const table: Record<string, bench.Row> = {};
  const ratios: Record<string, number | null> = {};
  for (const [b, r] of Object.entries(rows)) {
    if (r.error) {
      table[b] = r;
      continue;
    }
    const line = (what: string, stock: string, fused: string) => {
      const s = r[stock] as number;
      const f = r[fused] as number;
      table[`${b}: ${what}`] = { stock: s, fused: f, speedup: bench.ratio(s, f) };
      ratios[`${b} ${what}`] = bench.ratio(s, f);
    };
    line('lesson-5 ms per step', 'lesson5 ms/step stock', 'lesson5 ms/step fused');
    line('lesson-5 kernels per step', 'lesson5 kernels/step stock', 'lesson5 kernels/step fused');
    if (b === 'wasm') {
      const sps = (k: string) => r[`mlp samples/s ${k}`] as number;
      table[`${b}: MLP 784-1000-10 fit samples/s`] = {
        stock: sps('stock'),
        fused: sps('fused'),
        speedup: bench.ratio(sps('fused'), sps('stock')),
      };
      ratios[`${b} MLP fit samples/s`] = bench.ratio(sps('fused'), sps('stock'));
    }
    for (const name of Object.keys(OPTIMIZERS))
      line(`MLP ${name} update ms`, `${name} ms stock`, `${name} ms fused`);
  }
  bench.printTable(table, ['stock', 'fused', 'speedup']);
  console.log('ratios (stock / fused, same run; >1 = fused faster or fewer):', JSON.stringify(ratios));
  bench.save('optimizers', { steps: STEPS, rounds: ROUNDS, mlpTrain: MLP_TRAIN, rows, ratios });
}

const v = bench.childVariant();
if (v) await child(v);
else parent();
