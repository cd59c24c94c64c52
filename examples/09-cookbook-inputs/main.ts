// Keras cookbook, "Scaling the input dataset" (there is more: min-max, mean normalisation, standardisation)
// and "Impact of training when the majority of inputs are greater than zero" (inverted images, 1 - x): the
// 784-1000-10 network on the same images scaled five ways. The recipe uses MNIST; where MNIST is not on disk
// this example says so and uses Fashion-MNIST. The learning curves of all five are overlaid in one figure.
import { loadFashionMnist, loadMnist, minMaxScaler, standardScaler } from '@betterdl/datasets/node';
import { learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/09-cookbook-inputs';
const trainSize = quick ? 1000 : 10000;
const testSize = quick ? 500 : 2000;
const epochs = quick ? 2 : 5;

await initRuntime({ seed });

const options = { flatten: true, scale: false, oneHot: true, limit: trainSize };
let data: Awaited<ReturnType<typeof loadMnist>>;
let dataset = 'MNIST';
try {
  // MNIST from the cache only (download: false): say so and fall back when it is not on this machine.
  data = await loadMnist({ ...options, download: false });
} catch (err) {
  dataset = 'Fashion-MNIST';
  console.log(`MNIST is not on this machine (${(err as Error).message.split('\n')[0]})`);
  console.log(
    'Using Fashion-MNIST instead: the same 28×28 grey images and 10 classes, of clothes rather than digits.',
  );
  data = await loadFashionMnist({
    ...options,
    dir: process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist',
  });
}
const trainX = data.train.x as tf.Tensor2D;
const trainY = data.train.y as tf.Tensor2D;
const testX = tf.slice(data.test.x, 0, testSize) as tf.Tensor2D;
const testY = tf.slice(data.test.y, 0, testSize) as tf.Tensor2D;
console.log(
  `${dataset}: ${trainX.shape[0]} training and ${testX.shape[0]} test images (a subset, to keep the run short)`,
);

// Every statistic is measured on the training images only, per pixel, and applied to both sets: the scalers
// of @betterdl/datasets work like scikit-learn's (fit on train, transform train and test).
const minMax = minMaxScaler().fit(trainX);
const standard = standardScaler().fit(trainX);
// Mean normalisation, (x - mean) / (max - min), has no scaler of its own: a few tensor ops.
const mean = tf.mean(trainX, 0);
const range = tf.maximum(tf.sub(tf.max(trainX, 0), tf.min(trainX, 0)), 1); // constant pixels: no division by 0
const scalings: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  'x / 255': (x) => tf.div(x, 255),
  'min-max': (x) => minMax.transform(x),
  'mean normalisation': (x) => tf.div(tf.sub(x, mean), range),
  standardisation: (x) => standard.transform(x),
  'inverted: 1 - x / 255': (x) => tf.sub(1, tf.div(x, 255)),
};

const histories: Record<string, tfl.History> = {};
for (const [name, scale] of Object.entries(scalings)) {
  const xTrain = tf.tidy(() => scale(trainX));
  const xTest = tf.tidy(() => scale(testX));
  setSeed(seed);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 1000, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xTrain, trainY, {
    validationData: [xTest, testY],
    epochs,
    batchSize: 32,
    verbose: 0,
  });
  histories[name] = history;
  const last = (k: string) => (history.history[k]!.at(-1) as number).toFixed(3);
  console.log(`${name}: Train: ${last('acc')}, Test: ${last('val_acc')} (after ${epochs} epochs)`);
  tf.dispose([xTrain, xTest]);
  model.dispose();
}

const spec = learningCurves(histories, { title: `784-1000-10 on ${dataset}: five ways to scale the pixels` });
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);
tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y, testX, testY, mean, range]);
