// The lesson-5 model (weight regularisation): make_circles, 2 → Dense(500, relu, l2 0.01) → Dense(1, sigmoid),
// Adam, 30 training samples in one batch, 70 validation samples evaluated every epoch: milliseconds per epoch
// for stock tfjs wasm, tfjs wasm with @betterdl/runtime, stock tfjs cpu, and PyTorch CPU (1 and 2 threads),
// each in its own process in this one run; best of `--rounds` interleaved runs.
// `pnpm bench lesson5 [--epochs=300] [--rounds=3]`
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initRuntime, setSeed } from '../packages/runtime/src/index';
import {
  bestOf,
  childVariant,
  numArg,
  printTable,
  type Row,
  ratio,
  report,
  runTfjsChild,
  runTorch,
  save,
} from './python/harness';

const EPOCHS = numArg('epochs', 300);
const ROUNDS = numArg('rounds', 3);
const WARMUP = 20;

/** Two noisy concentric circles (like scikit-learn's make_circles(100, noise=0.1, factor=0.8)). */
function circles(n: number, seed: number): { x: number[][]; y: number[] } {
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const inner = i % 2;
    const r = inner ? 0.8 : 1;
    const t = 2 * Math.PI * rnd();
    x.push([r * Math.cos(t) + 0.1 * gauss(), r * Math.sin(t) + 0.1 * gauss()]);
    y.push(inner);
  }
  return { x, y };
}

async function child(variant: string): Promise<void> {
  const backend = variant.startsWith('cpu') ? 'cpu' : 'wasm';
  await initRuntime({
    backend,
    kernelFixes: variant.startsWith('wasm-fixed'),
    ...(variant === 'wasm-fixed-2t' ? { threads: 2 } : {}),
    verbose: false,
  });
  setSeed(1);
  const d = circles(100, 1);
  const trainX = tf.tensor2d(d.x.slice(0, 30));
  const trainY = tf.tensor2d(d.y.slice(0, 30), [30, 1]);
  const testX = tf.tensor2d(d.x.slice(30));
  const testY = tf.tensor2d(d.y.slice(30), [70, 1]);
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
  const opts = {
    batchSize: 32,
    validationData: [testX, testY] as [tf.Tensor, tf.Tensor],
    verbose: 0 as const,
  };
  await model.fit(trainX, trainY, { ...opts, epochs: WARMUP });
  const t0 = performance.now();
  const h = await model.fit(trainX, trainY, { ...opts, epochs: EPOCHS });
  const ms = performance.now() - t0;
  report({
    msPerEpoch: ms / EPOCHS,
    finalValAcc: (h.history.val_acc ?? h.history.val_accuracy)?.at(-1) as number,
  });
}

function parent(): void {
  console.log(
    `lesson 5: 2-500-1 with L2, 30 samples, validation every epoch, ${EPOCHS} timed epochs after ${WARMUP}`,
  );
  const file = new URL(import.meta.url).pathname;
  const args = [`--epochs=${EPOCHS}`];
  const rows: Record<string, Row> = bestOf(
    {
      'tfjs wasm (stock)': () => runTfjsChild(file, 'wasm-stock', args),
      'tfjs wasm + betterdl': () => runTfjsChild(file, 'wasm-fixed', args),
      'tfjs wasm + betterdl, 2 threads': () => runTfjsChild(file, 'wasm-fixed-2t', args),
      'tfjs cpu (stock)': () => runTfjsChild(file, 'cpu-stock', args),
      'PyTorch CPU, 1 thread': () => runTorch('lesson5.py', 1, args),
      'PyTorch CPU, 2 threads': () => runTorch('lesson5.py', 2, args),
    },
    ROUNDS,
    'msPerEpoch',
    true,
  );
  const fixed = rows['tfjs wasm + betterdl']?.msPerEpoch;
  // Speed-up relative to betterdl: >1 means that variant is faster.
  for (const r of Object.values(rows)) r.speedVsBetterdl = ratio(fixed, r.msPerEpoch);
  printTable(rows, ['msPerEpoch', 'finalValAcc', 'speedVsBetterdl']);
  const ratios = {
    betterdlSpeedupVsStockWasm: ratio(rows['tfjs wasm (stock)']?.msPerEpoch, fixed),
    betterdlSpeedupVsStockCpu: ratio(rows['tfjs cpu (stock)']?.msPerEpoch, fixed),
    betterdlSpeedVsTorch1: ratio(rows['PyTorch CPU, 1 thread']?.msPerEpoch, fixed),
    betterdl2ThreadsSpeedupVsStockWasm: ratio(
      rows['tfjs wasm (stock)']?.msPerEpoch,
      rows['tfjs wasm + betterdl, 2 threads']?.msPerEpoch,
    ),
  };
  console.log('ratios (time per epoch, same run; >1 = betterdl faster):', JSON.stringify(ratios));
  save('lesson5', { epochs: EPOCHS, rounds: ROUNDS, rows, ratios });
}

const v = childVariant();
if (v) await child(v);
else parent();
