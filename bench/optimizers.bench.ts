// Fused optimizer updates (initRuntime's fast paths) against stock tfjs, in one process per backend, the two
// alternating in small chunks (one model or optimizer per side) and compared by medians, so that load changes
// on a shared machine hit both alike:
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

function setFused(on: boolean): void {
  if (on) applyOptimizerFastPaths();
  else removeOptimizerFastPaths();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

/**
 * Times `run(fused)` for stock and fused alternately, `chunks` times each, and returns the medians: on a
 * shared machine, load changes hit both sides alike.
 */
async function alternate(chunks: number, run: (fused: boolean) => Promise<void> | void) {
  const ms: Record<'stock' | 'fused', number[]> = { stock: [], fused: [] };
  for (let i = 0; i < chunks; i++) {
    for (const fused of [false, true]) {
      setFused(fused);
      const t0 = performance.now();
      await run(fused);
      ms[fused ? 'fused' : 'stock'].push(performance.now() - t0);
    }
  }
  return { stock: median(ms.stock), fused: median(ms.fused) };
}

async function kernelsPerStep(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
    return [];
  });
  return profile.kernels.length;
}

function mlpModel(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 1000, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  return model;
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

async function child(variant: string): Promise<void> {
  await initRuntime({ backend: variant, verbose: false });
  const row: bench.Row = {};
  const chunks = ROUNDS * 5;
  // lesson 5: one model per side, fit in chunks of STEPS / 10 epochs (one step each)
  const { trainX, trainY } = bench.lesson5Circles();
  const l5 = { stock: bench.lesson5Model(), fused: bench.lesson5Model() };
  const epochs = Math.max(1, Math.round(STEPS / 10));
  const l5ms = await alternate(chunks, async (fused) => {
    await l5[fused ? 'fused' : 'stock'].fit(trainX, trainY, { batchSize: 32, epochs, verbose: 0 });
  });
  row['lesson5 ms/step stock'] = l5ms.stock / epochs;
  row['lesson5 ms/step fused'] = l5ms.fused / epochs;
  setFused(false);
  row['lesson5 kernels/step stock'] = await kernelsPerStep(l5.stock, trainX, trainY);
  setFused(true);
  row['lesson5 kernels/step fused'] = await kernelsPerStep(l5.fused, trainX, trainY);
  tf.dispose([trainX, trainY]);
  l5.stock.dispose();
  l5.fused.dispose();
  if (variant === 'wasm') {
    // the MLP: one model per side, fit in chunks of 5 batches
    const tr = await bench.fashionMnist('train', MLP_TRAIN);
    const x = tf.tensor2d(tr.x, [tr.n, 784]);
    const y = tf.oneHot(tf.tensor1d(tr.y, 'int32'), 10);
    const mlp = { stock: mlpModel(), fused: mlpModel() };
    const n = Math.min(640, tr.n);
    const [cx, cy] = [tf.slice(x, 0, n), tf.slice(y, 0, n)];
    const mlpMs = await alternate(chunks, async (fused) => {
      await mlp[fused ? 'fused' : 'stock'].fit(cx, cy, {
        batchSize: 128,
        epochs: 1,
        shuffle: false,
        verbose: 0,
      });
    });
    row['mlp samples/s stock'] = n / (mlpMs.stock / 1000);
    row['mlp samples/s fused'] = n / (mlpMs.fused / 1000);
    tf.dispose([x, y, cx, cy]);
    mlp.stock.dispose();
    mlp.fused.dispose();
  }
  // one applyGradients on the MLP's (smaller, 784-128-10) variables, per optimizer
  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    const side = () => {
      const vars = MLP_SHAPES.map((s) => tf.variable(tf.randomUniform(s, -0.1, 0.1)));
      const grads = MLP_SHAPES.map((s) => tf.randomUniform(s, -0.01, 0.01));
      return {
        vars,
        grads,
        named: vars.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor })),
        opt: make(),
      };
    };
    const sides = { stock: side(), fused: side() };
    const ms = await alternate(chunks * 4, async (fused) => {
      const s = sides[fused ? 'fused' : 'stock'];
      s.opt.applyGradients(s.named);
      await s.vars[0]?.data();
    });
    row[`${name} ms stock`] = ms.stock;
    row[`${name} ms fused`] = ms.fused;
    for (const s of Object.values(sides)) {
      s.opt.dispose();
      tf.dispose([...s.vars, ...s.grads]);
    }
  }
  bench.report(row);
}

function parent(): void {
  console.log(
    `fused optimizer updates vs stock tfjs: lesson-5 model ${STEPS} fit steps; MLP-sized applyGradients; ` +
      `medians of ${ROUNDS * 5} alternating stock/fused chunks`,
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
