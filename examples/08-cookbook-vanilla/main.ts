// Keras cookbook, "Training a vanilla neural network" and "Scaling the input dataset": a 784-1000-10 network
// on 28×28 digit images, first on raw pixel values (0–255), then on pixels divided by 255. The recipe uses
// MNIST; where MNIST is not on disk this example says so and uses Fashion-MNIST (same shapes, 10 classes).
// It prints the parameter counts (785 000 + 10 010), computes the accuracy by hand from predict(), and
// overlays both runs' learning curves in one figure.
import { loadFashionMnist, loadMnist } from '@betterdl/datasets/node';
import { learningCurves, summary } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/08-cookbook-vanilla';
const trainSize = quick ? 1000 : 10000;
const testSize = quick ? 500 : 2000;
const epochs = quick ? 2 : 10;

await initRuntime({ seed });

// Raw pixels (scale: false), flattened to 784 values, one-hot labels (to_categorical).
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

const histories: Record<string, tfl.History> = {};
for (const scaled of [false, true]) {
  const name = scaled ? 'pixels / 255' : 'raw pixels (0-255)';
  const [xTrain, xTest] = scaled ? [tf.div(trainX, 255), tf.div(testX, 255)] : [trainX, testX];
  setSeed(seed);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 1000, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  if (!scaled) console.log(summary(model));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xTrain, trainY, {
    validationData: [xTest, testY],
    epochs,
    batchSize: 32,
    verbose: 0,
    callbacks: new tfl.CustomCallback({
      onEpochEnd: async (epoch, logs) =>
        console.log(
          `${name}: epoch ${epoch + 1}/${epochs}, loss ${logs?.loss?.toFixed(3)}, val_acc ${logs?.val_acc?.toFixed(3)}`,
        ),
    }),
  });
  histories[name] = history;

  // Accuracy by hand, as the recipe does it: the class with the highest probability against the label.
  const correct = tf.tidy(() => {
    const predicted = tf.argMax(model.predict(xTest) as tf.Tensor2D, 1);
    const actual = tf.argMax(testY, 1);
    return tf.sum(tf.cast(tf.equal(predicted, actual), 'int32')).dataSync()[0]!;
  });
  console.log(
    `${name}: test accuracy by hand ${(correct / testSize).toFixed(4)} (${correct} of ${testSize} right)`,
  );
  if (scaled) tf.dispose([xTrain, xTest]);
  model.dispose();
}

const spec = learningCurves(histories, { title: `784-1000-10 on ${dataset}: raw pixels vs pixels / 255` });
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);
tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y, testX, testY]);
