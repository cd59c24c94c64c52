// "Deep learning, the summarised way, part 2": the standard steps of a deep-learning project, in order, on
// Fashion-MNIST (Debian's dataset-fashion-mnist when installed, else downloaded into the cache; see
// ../_shared/data.ts):
//   1 hyper-parameters up front  2 load, augment, split  3 model  4 compile  5 callbacks: a training monitor
//   and a checkpoint every epoch  6 train  7 plot the curves  8 evaluate: confusion matrix, per-class report,
//   rank-1 and rank-5 accuracy  9 tune: what the curves suggest.
import { modelCheckpoint, progressBar } from '@betterdl/callbacks/node';
import { fashionMnistClasses, imageAugmenter, trainTestSplit } from '@betterdl/datasets';
import {
  classificationReport,
  confusionMatrix,
  diagnose,
  learningCurves,
  plotConfusionMatrix,
  topKAccuracy,
} from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadFashion } from '../_shared/data';

// 1. Hyper-parameters, all in one place.
const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const SEED = Number(process.env.BETTERDL_SEED ?? 1);
const OUT = process.env.BETTERDL_OUT ?? 'reports/16-project-steps';
const TRAIN_IMAGES = quick ? 1000 : 10000; // a subset of the 60 000, to keep the run short
const VALIDATION_FRACTION = 0.2;
const EPOCHS = quick ? 2 : 15;
const BATCH_SIZE = 64;
const LEARNING_RATE = 0.001;
const HIDDEN_UNITS = 256;
const DROPOUT = 0.3;

await initRuntime({ seed: SEED });

// 2. Load, split off a validation set (stratified: every class in proportion), augment the training images.
const { train, test } = await loadFashion({ oneHot: true, limit: TRAIN_IMAGES });
const split = trainTestSplit(train.x, train.y, {
  testSize: VALIDATION_FRACTION,
  stratify: true,
  randomState: SEED,
});
const xTrain = split.xTrain as tf.Tensor4D;
const yTrain = split.yTrain as tf.Tensor2D;
const augment = imageAugmenter({ rotation: 10, widthShift: 0.1, heightShift: 0.1, zoom: 0.1, seed: SEED });
const augmented = augment.apply(xTrain); // one shifted / rotated / zoomed copy of every training image
const xFit = tf.concat([xTrain, augmented]);
const yFit = tf.concat([yTrain, yTrain]);
console.log(
  `Fashion-MNIST: ${xFit.shape[0]} training images (${xTrain.shape[0]} + as many augmented), ` +
    `${split.xTest.shape[0]} for validation, ${test.x.shape[0]} for the final test`,
);

// 3. The model: flatten the image once, then fully connected layers; the last has one unit per class.
const model = tfl.sequential({
  layers: [
    tfl.layers.flatten({ inputShape: [28, 28, 1] }),
    tfl.layers.dense({ units: HIDDEN_UNITS, activation: 'relu' }),
    tfl.layers.dropout({ rate: DROPOUT }),
    tfl.layers.dense({ units: fashionMnistClasses.length, activation: 'softmax' }),
  ],
});

// 4. Compile: the loss and the optimizer.
model.compile({
  optimizer: tf.train.adam(LEARNING_RATE),
  loss: 'categoricalCrossentropy',
  metrics: ['accuracy'],
});

// 5. Callbacks: a training monitor (progress and the learning-curve figure redrawn after every epoch) and a
//    checkpoint after every epoch, named like the book's files.
const seen: Record<string, number[]> = {};
const monitor = new tfl.CustomCallback({
  onEpochEnd: async (_epoch, logs) => {
    for (const [k, v] of Object.entries(logs ?? {})) (seen[k] ??= []).push(v as number);
    await saveFigure(learningCurves(seen, { title: 'Training monitor' }), `${OUT}/monitor`, {
      formats: ['png'],
      scale: 1,
    });
  },
});
const checkpoint = modelCheckpoint(`${OUT}/checkpoints/model-weights.{epoch:02d}-{val_acc:.6f}`, {
  monitor: 'val_acc',
});

// 6. Train.
const history = await model.fit(xFit, yFit, {
  validationData: [split.xTest, split.yTest],
  epochs: EPOCHS,
  batchSize: BATCH_SIZE,
  shuffle: true,
  verbose: 0,
  callbacks: [progressBar(), monitor, checkpoint],
});

// 7. Plot the curves.
const curves = await saveFigure(
  learningCurves(history, { title: 'Fashion-MNIST MLP with augmentation' }),
  `${OUT}/curves`,
  {
    formats: ['svg', 'png'],
    scale: 1,
  },
);
console.log(`curves: ${curves.png}; checkpoints: ${OUT}/checkpoints/`);

// 8. Evaluate on the test set, which training never saw.
const probabilities = model.predict(test.x) as tf.Tensor2D;
const predicted = tf.argMax(probabilities, 1);
// all ten classes, in index order, even if a small test set lacks one
const classes = { labels: fashionMnistClasses.map((_, i) => i), targetNames: [...fashionMnistClasses] };
const cm = confusionMatrix(test.y, predicted, classes);
const report = classificationReport(test.y, predicted, classes);
console.log(report.text);
console.log(
  `rank-1 accuracy ${topKAccuracy(test.y, probabilities, 1).toFixed(4)}, ` +
    `rank-5 accuracy ${topKAccuracy(test.y, probabilities, 5).toFixed(4)}`,
);
const cmFigure = await saveFigure(plotConfusionMatrix(cm, { normalize: true }), `${OUT}/confusion-matrix`, {
  formats: ['svg', 'png'],
  scale: 1,
});
console.log(`confusion matrix: ${cmFigure.png}`);

// 9. Tune: read the curves before changing anything.
const { verdict, reason, suggestions } = diagnose(history, { monitor: 'val_loss' });
console.log(`diagnosis: ${verdict} — ${reason}\nnext: ${suggestions.join(' ')}`);

tf.dispose([train.x, train.y, test.x, test.y, split.xTrain, split.yTrain, split.xTest, split.yTest]);
tf.dispose([augmented, xFit, yFit, probabilities, predicted]);
model.dispose();
