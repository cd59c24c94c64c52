// Small CNN on Fashion-MNIST (conv16-pool-conv32-pool-dense10, Adam, batch 128): samples/s and test accuracy
// for stock tfjs wasm (which cannot train it: no Conv2DBackpropFilter), tfjs wasm with @betterdl/runtime,
// stock tfjs cpu (speed only, on a few batches: it runs at a few samples/s), and PyTorch CPU (1 and 2
// threads). Each variant runs in its own process in this one run.
// Best of `--rounds` interleaved runs. `pnpm bench cnn [--train=10000] [--epochs=1] [--rounds=2]`
import * as tf from '@tensorflow/tfjs-core';
import { fashionCnn } from '../scripts/fixtures/models';
import * as bench from './python/harness';

const TRAIN = bench.numArg('train', 10000);
const EPOCHS = bench.numArg('epochs', 1);
const ROUNDS = bench.numArg('rounds', 2);
const TEST = 10000;
const CPU_SAMPLES = 128;

async function child(variant: string): Promise<void> {
  const backend = await bench.initVariant(variant, 0);
  const train = backend === 'cpu' ? CPU_SAMPLES : TRAIN;
  const tr = await bench.fashionMnist('train', train);
  const x = tf.tensor4d(tr.x, [tr.n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(tr.y, 'int32'), 10);
  const model = fashionCnn();
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const epochs = backend === 'cpu' ? 1 : EPOCHS;
  const t0 = performance.now();
  try {
    await model.fit(x, y, { epochs, batchSize: 128, shuffle: true, verbose: 0 });
  } catch (err) {
    bench.report({ error: (err as Error).message.split('\n')[0] ?? String(err) });
    return;
  }
  const seconds = (performance.now() - t0) / 1000;
  let accuracy: number | null = null;
  if (backend !== 'cpu') {
    const te = await bench.fashionMnist('t10k', TEST);
    accuracy = bench.testAccuracy(model, tf.tensor4d(te.x, [te.n, 28, 28, 1]), te.y);
  }
  bench.report({
    samplesPerSec: (tr.n * epochs) / seconds,
    testAccuracy: accuracy,
    seconds,
    trainSamples: tr.n * epochs,
  });
}

function parent(): void {
  console.log(
    `Fashion-MNIST CNN conv16-pool-conv32-pool-dense10, Adam, batch 128, ${TRAIN} train, ${EPOCHS} epoch(s)`,
  );
  const file = new URL(import.meta.url).pathname;
  const args = [`--train=${TRAIN}`, `--epochs=${EPOCHS}`];
  const rows: Record<string, bench.Row> = {
    'tfjs wasm (stock)': bench.runTfjsChild(file, 'wasm-stock', args),
    [`tfjs cpu (stock, ${CPU_SAMPLES} samples)`]: bench.runTfjsChild(file, 'cpu-stock', args),
    ...bench.bestOf(bench.betterdlAndTorch(file, 'cnn.py', args), ROUNDS, 'samplesPerSec'),
  };
  const fixed = rows['tfjs wasm + betterdl']?.samplesPerSec;
  for (const r of Object.values(rows)) r.vsBetterdl = bench.ratio(r.samplesPerSec, fixed);
  bench.printTable(rows, ['samplesPerSec', 'testAccuracy', 'seconds', 'vsBetterdl']);
  const ratios = {
    betterdlVsStockCpu: bench.ratio(fixed, rows[`tfjs cpu (stock, ${CPU_SAMPLES} samples)`]?.samplesPerSec),
    betterdlVsTorch1: bench.ratio(fixed, rows['PyTorch CPU, 1 thread']?.samplesPerSec),
    betterdlVsTorch2: bench.ratio(fixed, rows['PyTorch CPU, 2 threads']?.samplesPerSec),
    betterdl2ThreadsVsTorch2: bench.ratio(
      rows['tfjs wasm + betterdl, 2 threads']?.samplesPerSec,
      rows['PyTorch CPU, 2 threads']?.samplesPerSec,
    ),
  };
  console.log('ratios (samples/s, same run):', JSON.stringify(ratios));
  bench.save('cnn', { train: TRAIN, epochs: EPOCHS, test: TEST, rounds: ROUNDS, rows, ratios });
}

const v = bench.childVariant();
if (v) await child(v);
else parent();
