import type * as tf from '@tensorflow/tfjs-core';
import * as bench from '/work/main/bench/python/harness';

await bench.initVariant('wasm-fixed', 1);
const { trainX, trainY, testX, testY } = bench.lesson5Circles();
const model = bench.lesson5Model();
const opts = { batchSize: 32, validationData: [testX, testY] as [tf.Tensor, tf.Tensor], verbose: 0 as const };
await model.fit(trainX, trainY, { ...opts, epochs: 20 });
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  await model.fit(trainX, trainY, { ...opts, epochs: 2000 });
  console.log('ms/epoch', (performance.now() - t0) / 2000);
}
