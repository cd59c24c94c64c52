// Trains the base network that main.ts transfers from: the CNN of base-cnn.ts on Fashion-MNIST classes 0-4
// (T-shirt/top, Trouser, Pullover, Dress, Coat), saved in tfjs Layers format to base-model/.
//   npx tsx train-base.ts            (BETTERDL_SEED picks the seed, default 1)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initRuntime } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';
import { savePretrained } from '@betterdl/transfer/node';
import * as tf from '@tensorflow/tfjs-core';
import { baseCnn } from './base-cnn';
import { CLASS_NAMES, loadClasses } from './fashion-mnist';

const here = dirname(fileURLToPath(import.meta.url));
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const perClass = Number(process.env.BASE_PER_CLASS ?? 6000);
const epochs = Number(process.env.BASE_EPOCHS ?? 5);
const BASE_CLASSES = [0, 1, 2, 3, 4];

const { backend } = await initRuntime({ seed });
const train = await loadClasses('train', BASE_CLASSES, perClass);
const test = await loadClasses('t10k', BASE_CLASSES);
const model = baseCnn(BASE_CLASSES.length);
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const t0 = performance.now();
const history = await model.fit(train.x, train.y, {
  epochs,
  batchSize: 64,
  shuffle: true,
  validationSplit: 0.1,
  callbacks: { onEpochEnd: async (e, logs) => console.log(`epoch ${e + 1}/${epochs}`, JSON.stringify(logs)) },
});
const seconds = (performance.now() - t0) / 1000;
const [, acc] = model.evaluate(test.x, test.y, { batchSize: 256 }) as tf.Scalar[];
const testAccuracy = (await (acc as tf.Scalar).data())[0] as number;
console.log(
  `base: ${train.labels.length} images of ${BASE_CLASSES.map((c) => CLASS_NAMES[c]).join(', ')}; ` +
    `${epochs} epochs in ${seconds.toFixed(1)} s on ${backend}; test accuracy ${testAccuracy.toFixed(4)} on ${test.labels.length} images`,
);
// overwrite: base-model/ may hold a copy made by an older release (or by tfjs-node), which a save refuses to replace.
await savePretrained(model, join(here, 'base-model'), { overwrite: true });
await writeFileAtomic(
  join(here, 'base-model', 'training.json'),
  `${JSON.stringify(
    {
      classes: BASE_CLASSES.map((c) => CLASS_NAMES[c]),
      trainImages: train.labels.length,
      epochs,
      seed,
      backend,
      seconds: Number(seconds.toFixed(1)),
      testAccuracy: Number(testAccuracy.toFixed(4)),
      testImages: test.labels.length,
      history: history.history,
    },
    null,
    2,
  )}\n`,
);
console.log(`saved ${join(here, 'base-model')}`);
