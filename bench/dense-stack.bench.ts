// Where the small-model trainer (betterdl's JavaScript training step for Dense stacks on cpu and wasm) stops
// paying: MLPs from the course's 2 → 500 → 1 up to the Fashion-MNIST MLP's 784 → 128 → 10, 256 samples at
// batch 32, Adam, binaryCrossentropy + accuracy, on wasm; ms per epoch with the trainer and with it off (the
// fused kernels inside tfjs's fit loop), interleaved in one process, best of `--rounds`. The trainer is used
// up to `DENSE_STACK_MAX_MACS` multiply-adds per batch (forward pass); the rows around it show why.
// `pnpm bench dense-stack [--epochs=10] [--rounds=3]` → bench/results/dense-stack.json
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DENSE_STACK_MAX_MACS } from '../packages/runtime/src/fast-paths/dense-stack-fit';
import { lastFitPath, setDenseStackTrainer } from '../packages/runtime/src/fast-paths/fit';
import { initRuntime, setSeed } from '../packages/runtime/src/index';
import * as bench from './python/harness';

const EPOCHS = bench.numArg('epochs', 10);
const ROUNDS = bench.numArg('rounds', 3);
const N = 256;
const BATCH = 32;
const SHAPES: number[][] = [
  [2, 500, 1],
  [16, 256, 10],
  [32, 512, 10],
  [64, 512, 10],
  [128, 512, 10],
  [256, 512, 10],
  [784, 128, 10],
];

await initRuntime({ backend: 'wasm', verbose: false });
setSeed(1);

async function msPerEpoch(shape: number[], trainer: boolean): Promise<number> {
  // Force the trainer on for every size (or off), so both sides of the limit are measured.
  setDenseStackTrainer(trainer, Number.POSITIVE_INFINITY);
  const [din, hidden, dout] = shape as [number, number, number];
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [din], units: hidden, activation: 'relu' }),
      tfl.layers.dense({ units: dout, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const x = tf.randomUniform([N, din]);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([N, dout]), 0.5), 'float32'));
  await model.fit(x, y, { epochs: 2, batchSize: BATCH, verbose: 0 });
  if ((lastFitPath(model) === 'dense-stack') !== trainer)
    throw new Error(`trainer ${trainer}: ${lastFitPath(model)}`);
  const t0 = performance.now();
  await model.fit(x, y, { epochs: EPOCHS, batchSize: BATCH, verbose: 0 });
  const ms = (performance.now() - t0) / EPOCHS;
  model.dispose();
  tf.dispose([x, y]);
  return ms;
}

console.log(
  `small-model trainer vs fused kernels only, wasm, ${N} samples at batch ${BATCH}, ${EPOCHS} epochs, best of ${ROUNDS}; limit ${DENSE_STACK_MAX_MACS} MACs per batch`,
);
const rows: Record<string, bench.Row> = {};
for (const shape of SHAPES) {
  let on = Number.POSITIVE_INFINITY;
  let off = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    on = Math.min(on, await msPerEpoch(shape, true));
    off = Math.min(off, await msPerEpoch(shape, false));
  }
  const [din, hidden, dout] = shape as [number, number, number];
  const macs = (din * hidden + hidden * dout) * BATCH;
  rows[shape.join('-')] = {
    macsPerBatch: macs,
    usesTrainer: macs <= DENSE_STACK_MAX_MACS ? 'yes' : 'no',
    trainerMs: on,
    fusedKernelsMs: off,
    trainerSpeedup: bench.ratio(off, on),
  };
}
setDenseStackTrainer(true);
bench.printTable(rows, ['macsPerBatch', 'usesTrainer', 'trainerMs', 'fusedKernelsMs', 'trainerSpeedup']);
bench.save('dense-stack', {
  epochs: EPOCHS,
  rounds: ROUNDS,
  batch: BATCH,
  samples: N,
  limit: DENSE_STACK_MAX_MACS,
  rows,
});
