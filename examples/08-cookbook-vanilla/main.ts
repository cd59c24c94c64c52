// Keras cookbook, "Training a vanilla neural network" and "Scaling the input dataset": a 784-1000-10 network
// on 28×28 digit images, first on raw pixel values (0–255), then on pixels divided by 255. The recipe uses
// MNIST; where MNIST is not on disk this example says so and uses Fashion-MNIST (same shapes, 10 classes).
// It prints the parameter counts (785 000 + 10 010), computes the accuracy by hand from predict(), and
// overlays both runs' learning curves in one figure.
import { learningCurves, summary } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadCookbookData, subsetSizes } from '../_shared/cookbook';
import { loadDigits } from '../_shared/data';
import { startExample } from '../_shared/lesson';

const { quick, seed, out } = await startExample('08-cookbook-vanilla');
const { trainSize, testSize } = subsetSizes(quick);
const epochs = quick ? 2 : 10;

// Raw pixels (scale: false), flattened to 784 values, one-hot labels (to_categorical).
const { dataset, trainX, trainY, testX, testY, dispose } = await loadCookbookData(
  { loadDigits, log: (line) => console.log(line) },
  {
    trainSize,
    testSize,
    scale: false,
  },
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
dispose();
