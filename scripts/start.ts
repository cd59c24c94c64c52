// `pnpm start`: the main job. Until the course runner exists this is an end-to-end demo: pick the runtime,
// train a small seeded model, and say which backend ran and why.
import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const info = await initRuntime({ seed: 1 });
const x = tf.tidy(() => tf.randomUniform([512, 2], -1, 1));
const y = tf.tidy(() => tf.cast(tf.less(tf.sum(tf.square(x), 1, true), 0.5), 'float32'));
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({ inputShape: [2], units: 32, activation: 'relu' }),
    tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.02), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const t0 = performance.now();
const h = await model.fit(x, y, { epochs: 30, batchSize: 32, validationSplit: 0.2, verbose: 0 });
const ms = performance.now() - t0;
const last = (k: string) => Number(h.history[k]?.at(-1)).toFixed(3);
console.log(
  `trained 30 epochs in ${(ms / 1000).toFixed(2)} s on '${info.backend}': loss ${last('loss')}, val_acc ${last('val_acc')}`,
);
for (const s of info.skipped) console.log(`  skipped ${s.package}: ${s.reason}`);
tf.dispose([x, y]);
model.dispose();
