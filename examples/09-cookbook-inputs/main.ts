// Keras cookbook, "Scaling the input dataset" (there is more: min-max, mean normalisation, standardisation)
// and "Impact of training when the majority of inputs are greater than zero" (inverted images, 1 - x): the
// 784-1000-10 network on the same images scaled five ways. The recipe uses MNIST; where MNIST is not on disk
// this example says so and uses Fashion-MNIST. The learning curves of all five are overlaid in one figure.
import { minMaxScaler, standardScaler } from '@betterdl/datasets';
import { learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadCookbookData, network, subsetSizes } from '../_shared/cookbook';
import { loadDigits } from '../_shared/data';
import { startExample } from '../_shared/lesson';

const { quick, seed, out } = await startExample('09-cookbook-inputs');
const { trainSize, testSize } = subsetSizes(quick);
const epochs = quick ? 2 : 5;

const { dataset, trainX, trainY, testX, testY, dispose } = await loadCookbookData(
  { loadDigits, log: (line) => console.log(line) },
  {
    trainSize,
    testSize,
    scale: false,
  },
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
  const model = network([1000]);
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
tf.dispose([mean, range]);
dispose();
