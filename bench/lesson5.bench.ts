// The lesson-5 model (weight regularisation): makeCircles (scikit-learn's make_circles(100, noise=0.1,
// random_state=1), the same data as bench/python/lesson5.py), 2 → Dense(500, relu, l2 0.01) → Dense(1, sigmoid),
// Adam, 30 training samples in one batch, 70 validation samples evaluated every epoch: milliseconds per epoch
// for stock tfjs wasm, tfjs wasm with @betterdl/runtime, stock tfjs cpu, and PyTorch CPU (1 and 2 threads),
// each in its own process in this one run; best of `--rounds` interleaved runs.
// `pnpm bench lesson5 [--epochs=300] [--rounds=3]`
import type * as tf from '@tensorflow/tfjs-core';
import * as bench from './python/harness';

const EPOCHS = bench.numArg('epochs', 300);
const ROUNDS = bench.numArg('rounds', 3);
const WARMUP = 20;

async function child(variant: string): Promise<void> {
  await bench.initVariant(variant, 1);
  const { trainX, trainY, testX, testY } = bench.lesson5Circles();
  const model = bench.lesson5Model();
  const opts = {
    batchSize: 32,
    validationData: [testX, testY] as [tf.Tensor, tf.Tensor],
    verbose: 0 as const,
  };
  await model.fit(trainX, trainY, { ...opts, epochs: WARMUP });
  const t0 = performance.now();
  const h = await model.fit(trainX, trainY, { ...opts, epochs: EPOCHS });
  const ms = performance.now() - t0;
  bench.report({
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
  const rows: Record<string, bench.Row> = bench.bestOf(
    {
      'tfjs wasm (stock)': () => bench.runTfjsChild(file, 'wasm-stock', args),
      'tfjs cpu (stock)': () => bench.runTfjsChild(file, 'cpu-stock', args),
      ...bench.betterdlAndTorch(file, 'lesson5.py', args),
    },
    ROUNDS,
    'msPerEpoch',
    true,
  );
  const fixed = rows['tfjs wasm + betterdl']?.msPerEpoch;
  // Speed-up relative to betterdl: >1 means that variant is faster.
  for (const r of Object.values(rows)) r.speedVsBetterdl = bench.ratio(fixed, r.msPerEpoch);
  bench.printTable(rows, ['msPerEpoch', 'finalValAcc', 'speedVsBetterdl']);
  const ratios = {
    betterdlSpeedupVsStockWasm: bench.ratio(rows['tfjs wasm (stock)']?.msPerEpoch, fixed),
    betterdlSpeedupVsStockCpu: bench.ratio(rows['tfjs cpu (stock)']?.msPerEpoch, fixed),
    betterdlSpeedVsTorch1: bench.ratio(rows['PyTorch CPU, 1 thread']?.msPerEpoch, fixed),
    betterdl2ThreadsSpeedupVsStockWasm: bench.ratio(
      rows['tfjs wasm (stock)']?.msPerEpoch,
      rows['tfjs wasm + betterdl, 2 threads']?.msPerEpoch,
    ),
  };
  console.log('ratios (time per epoch, same run; >1 = betterdl faster):', JSON.stringify(ratios));
  bench.save('lesson5', { epochs: EPOCHS, rounds: ROUNDS, rows, ratios });
}

const v = bench.childVariant();
if (v) await child(v);
else parent();
