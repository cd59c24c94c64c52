// Small CNN on Fashion-MNIST (conv16-pool-conv32-pool-dense10, Adam, batch 128): samples/s and test accuracy
// for stock tfjs wasm (which cannot train it: no Conv2DBackpropFilter), tfjs wasm with @betterdl/runtime,
// stock tfjs cpu (speed only, on a few batches: it runs at a few samples/s), and PyTorch CPU (1 and 2
// threads). Each variant runs in its own process in this one run.
// Best of `--rounds` interleaved runs. `pnpm bench cnn [--train=10000] [--epochs=1] [--rounds=2]`
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initRuntime, setSeed } from '../packages/runtime/src/index';
import {
  bestOf,
  childVariant,
  fashionMnist,
  numArg,
  printTable,
  type Row,
  ratio,
  report,
  runTfjsChild,
  runTorch,
  save,
} from './python/harness';

const TRAIN = numArg('train', 10000);
const EPOCHS = numArg('epochs', 1);
const ROUNDS = numArg('rounds', 2);
const TEST = 10000;
const CPU_SAMPLES = 128;

async function child(variant: string): Promise<void> {
  const backend = variant.startsWith('cpu') ? 'cpu' : 'wasm';
  await initRuntime({
    backend,
    kernelFixes: variant.startsWith('wasm-fixed'),
    ...(variant === 'wasm-fixed-2t' ? { threads: 2 } : {}),
    verbose: false,
  });
  setSeed(0);
  const train = backend === 'cpu' ? CPU_SAMPLES : TRAIN;
  const tr = fashionMnist('train', train);
  const x = tf.tensor4d(tr.x, [tr.n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(tr.y, 'int32'), 10);
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const epochs = backend === 'cpu' ? 1 : EPOCHS;
  const t0 = performance.now();
  try {
    await model.fit(x, y, { epochs, batchSize: 128, shuffle: true, verbose: 0 });
  } catch (err) {
    report({ error: (err as Error).message.split('\n')[0] ?? String(err) });
    return;
  }
  const seconds = (performance.now() - t0) / 1000;
  let testAccuracy: number | null = null;
  if (backend !== 'cpu') {
    const te = fashionMnist('t10k', TEST);
    const pred = tf.tidy(() =>
      tf.argMax(model.predict(tf.tensor4d(te.x, [te.n, 28, 28, 1])) as tf.Tensor, 1),
    );
    const p = pred.dataSync();
    let ok = 0;
    for (let i = 0; i < te.n; i++) if (p[i] === te.y[i]) ok++;
    testAccuracy = ok / te.n;
  }
  report({ samplesPerSec: (tr.n * epochs) / seconds, testAccuracy, seconds, trainSamples: tr.n * epochs });
}

function parent(): void {
  console.log(
    `Fashion-MNIST CNN conv16-pool-conv32-pool-dense10, Adam, batch 128, ${TRAIN} train, ${EPOCHS} epoch(s)`,
  );
  const file = new URL(import.meta.url).pathname;
  const args = [`--train=${TRAIN}`, `--epochs=${EPOCHS}`];
  const rows: Record<string, Row> = {
    'tfjs wasm (stock)': runTfjsChild(file, 'wasm-stock', args),
    [`tfjs cpu (stock, ${CPU_SAMPLES} samples)`]: runTfjsChild(file, 'cpu-stock', args),
    ...bestOf(
      {
        'tfjs wasm + betterdl': () => runTfjsChild(file, 'wasm-fixed', args),
        'tfjs wasm + betterdl, 2 threads': () => runTfjsChild(file, 'wasm-fixed-2t', args),
        'PyTorch CPU, 1 thread': () => runTorch('cnn.py', 1, args),
        'PyTorch CPU, 2 threads': () => runTorch('cnn.py', 2, args),
      },
      ROUNDS,
      'samplesPerSec',
    ),
  };
  const fixed = rows['tfjs wasm + betterdl']?.samplesPerSec;
  for (const r of Object.values(rows)) r.vsBetterdl = ratio(r.samplesPerSec, fixed);
  printTable(rows, ['samplesPerSec', 'testAccuracy', 'seconds', 'vsBetterdl']);
  const ratios = {
    betterdlVsStockCpu: ratio(fixed, rows[`tfjs cpu (stock, ${CPU_SAMPLES} samples)`]?.samplesPerSec),
    betterdlVsTorch1: ratio(fixed, rows['PyTorch CPU, 1 thread']?.samplesPerSec),
    betterdlVsTorch2: ratio(fixed, rows['PyTorch CPU, 2 threads']?.samplesPerSec),
    betterdl2ThreadsVsTorch2: ratio(
      rows['tfjs wasm + betterdl, 2 threads']?.samplesPerSec,
      rows['PyTorch CPU, 2 threads']?.samplesPerSec,
    ),
  };
  console.log('ratios (samples/s, same run):', JSON.stringify(ratios));
  save('cnn', { train: TRAIN, epochs: EPOCHS, test: TEST, rounds: ROUNDS, rows, ratios });
}

const v = childVariant();
if (v) await child(v);
else parent();
