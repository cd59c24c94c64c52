// Fashion-MNIST MLP 784-1000-10 (ReLU, softmax), Adam, batch 128: samples/s and test accuracy after the same
// epochs, for stock tfjs wasm, tfjs wasm with @betterdl/runtime's kernel fixes, and PyTorch CPU (1 and 2
// threads). Each variant runs in its own process, one after another, in this one run.
// Best of `--rounds` interleaved runs per variant. `pnpm bench mlp [--train=10000] [--epochs=2] [--rounds=2]`
import * as tf from '@tensorflow/tfjs-core';
import { fashionMlp } from '../scripts/fixtures/models';
import * as bench from './python/harness';

const TRAIN = bench.numArg('train', 10000);
const EPOCHS = bench.numArg('epochs', 2);
const ROUNDS = bench.numArg('rounds', 2);
const TEST = 10000;

async function child(variant: string): Promise<void> {
  await bench.initVariant(variant, 0);
  const tr = await bench.fashionMnist('train', TRAIN);
  const te = await bench.fashionMnist('t10k', TEST);
  const x = tf.tensor2d(tr.x, [tr.n, 784]);
  const y = tf.oneHot(tf.tensor1d(tr.y, 'int32'), 10);
  const model = fashionMlp();
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const t0 = performance.now();
  await model.fit(x, y, { epochs: EPOCHS, batchSize: 128, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const xTest = tf.tensor2d(te.x, [te.n, 784]);
  bench.report({
    samplesPerSec: (tr.n * EPOCHS) / seconds,
    testAccuracy: bench.testAccuracy(model, xTest, te.y),
    seconds,
  });
}

function parent(): void {
  console.log(
    `Fashion-MNIST MLP 784-1000-10, Adam, batch 128, ${TRAIN} train samples, ${EPOCHS} epochs, test on ${TEST}`,
  );
  const file = new URL(import.meta.url).pathname;
  const args = [`--train=${TRAIN}`, `--epochs=${EPOCHS}`];
  const rows: Record<string, bench.Row> = bench.bestOf(
    {
      'tfjs wasm (stock)': () => bench.runTfjsChild(file, 'wasm-stock', args),
      ...bench.betterdlAndTorch(file, 'mlp.py', args),
    },
    ROUNDS,
    'samplesPerSec',
  );
  const fixed = rows['tfjs wasm + betterdl']?.samplesPerSec;
  for (const r of Object.values(rows)) r.vsBetterdl = bench.ratio(r.samplesPerSec, fixed);
  bench.printTable(rows, ['samplesPerSec', 'testAccuracy', 'seconds', 'vsBetterdl']);
  const ratios = {
    betterdlVsStockWasm: bench.ratio(fixed, rows['tfjs wasm (stock)']?.samplesPerSec),
    betterdl2ThreadsVsStockWasm: bench.ratio(
      rows['tfjs wasm + betterdl, 2 threads']?.samplesPerSec,
      rows['tfjs wasm (stock)']?.samplesPerSec,
    ),
    betterdl2ThreadsVsTorch2: bench.ratio(
      rows['tfjs wasm + betterdl, 2 threads']?.samplesPerSec,
      rows['PyTorch CPU, 2 threads']?.samplesPerSec,
    ),
    betterdlVsTorch1: bench.ratio(fixed, rows['PyTorch CPU, 1 thread']?.samplesPerSec),
    betterdlVsTorch2: bench.ratio(fixed, rows['PyTorch CPU, 2 threads']?.samplesPerSec),
  };
  console.log('ratios (samples/s, same run):', JSON.stringify(ratios));
  bench.save('mlp', { train: TRAIN, epochs: EPOCHS, test: TEST, rounds: ROUNDS, rows, ratios });
}

const v = bench.childVariant();
if (v) await child(v);
else parent();
