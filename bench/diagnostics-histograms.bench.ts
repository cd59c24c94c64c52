// Overhead of the weightHistograms callback (freq 1, all layers) on the cookbook's Fashion-MNIST MLP
// 784-1000-10 (ReLU, softmax, Adam, batch 128) on the wasm backend. Alternates one-epoch fits without and
// with the callback and compares median epoch times; also times one recording of all weights directly.
// The per-epoch cost is fixed, so a subset of the training set (default 12 000) overstates the ratio.
// `pnpm bench diagnostics-histograms [--train=12000] [--rounds=4]`
import * as tf from '@tensorflow/tfjs-core';
import { weightHistograms } from '../packages/diagnostics/src/index';
import { initRuntime } from '../packages/runtime/src/index';
import { fashionMlp } from '../scripts/fixtures/models';
import { fashionMnist, numArg, save } from './python/harness';

const TRAIN = numArg('train', 12000);
const ROUNDS = numArg('rounds', 4);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const info = await initRuntime({ backend: 'wasm', verbose: false, seed: 1 });
const data = await fashionMnist('train', TRAIN);
const x = tf.tensor2d(data.x, [data.n, 784]);
const y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.y, 'int32'), 10));
const model = fashionMlp();
model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['acc'] });

async function epoch(withCallback: boolean): Promise<number> {
  const callbacks = withCallback ? [weightHistograms({ freq: 1, recordInitial: false })] : [];
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0, callbacks });
  return performance.now() - t0;
}

console.log(`backend ${info.backend}, ${data.n} training samples, ${ROUNDS} rounds`);
await epoch(false); // warm-up: kernels compiled, memory allocated
const without: number[] = [];
const withHist: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  without.push(await epoch(false));
  withHist.push(await epoch(true));
  console.log(`round ${r + 1}: without ${without[r]?.toFixed(0)} ms, with ${withHist[r]?.toFixed(0)} ms`);
}
const probe = weightHistograms({ freq: 1 });
probe.setModel(model);
const recordMs: number[] = [];
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  await probe.record(i);
  recordMs.push(performance.now() - t0);
}
const epochMs = median(without);
const fitRatio = median(withHist) / epochMs;
const direct = median(recordMs) / epochMs;
console.log(
  `median epoch without callback: ${epochMs.toFixed(0)} ms; with: ${median(withHist).toFixed(0)} ms`,
);
console.log(
  `fit-time ratio with/without: ${fitRatio.toFixed(4)} (${((fitRatio - 1) * 100).toFixed(2)}%, noisy)`,
);
console.log(
  `one recording of all ${model.countParams()} weights: ${median(recordMs).toFixed(1)} ms = ${(direct * 100).toFixed(3)}% of an epoch (target <= 2%)`,
);
save('diagnostics-histograms', {
  backend: info.backend,
  trainSamples: data.n,
  rounds: ROUNDS,
  epochMsWithout: without,
  epochMsWith: withHist,
  recordMs,
  medianEpochMsWithout: epochMs,
  medianEpochMsWith: median(withHist),
  fitRatio,
  recordFractionOfEpoch: direct,
  targetMaxOverhead: 0.02,
  pass: direct <= 0.02,
});
