// Lesson 01 of the 7-day "Better Deep Learning" course: a framework for better deep learning. Problems show up
// in one of three places — learning (the model cannot fit the training data, or fits it slowly),
// generalisation (it fits the training data but not new data) or prediction (results vary from run to run).
// Each is provoked here on makeCircles and diagnosed from its learning curves with diagnose().
import { basename } from 'node:path';
import { makeCircles } from '@betterdl/datasets';
import { diagnose, learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/01-diagnose';

const { backend } = await initRuntime({ seed });

// make_circles(n_samples=1000, noise=0.1, random_state=1); the first 500 rows train, the rest test.
const big = makeCircles({ nSamples: 1000, noise: 0.1, randomState: 1 });
const [trainX, testX] = tf.split(big.x, 2) as [tf.Tensor2D, tf.Tensor2D];
const [trainY, testY] = tf.split(big.y, 2) as [tf.Tensor2D, tf.Tensor2D];
// The same problem with only 30 training samples (and 70 test samples): easy to over-fit.
const small = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
const [smallTrainX, smallTestX] = tf.split(small.x, [30, 70]) as [tf.Tensor2D, tf.Tensor2D];
const [smallTrainY, smallTestY] = tf.split(small.y, [30, 70]) as [tf.Tensor2D, tf.Tensor2D];

function mlp(units: number): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units, activation: 'relu' }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
}

function accuracy(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  const [loss, acc] = model.evaluate(x, y, { batchSize: 500 }) as tf.Scalar[];
  const value = acc!.dataSync()[0]!;
  tf.dispose([loss!, acc!]);
  return value;
}

const variants = [
  {
    name: 'learning problem',
    detail: 'SGD, lr 1e-4',
    build: () => mlp(50),
    optimizer: () => tf.train.sgd(0.0001),
    data: [trainX, trainY, testX, testY],
    epochs: quick ? 20 : 200,
  },
  {
    name: 'generalisation',
    detail: '30 samples, 500 units',
    build: () => mlp(500),
    optimizer: () => tf.train.adam(),
    data: [smallTrainX, smallTrainY, smallTestX, smallTestY],
    epochs: quick ? 100 : 1000,
  },
  {
    name: 'good fit',
    detail: 'SGD 0.01, momentum 0.9',
    build: () => mlp(50),
    optimizer: () => tf.train.momentum(0.01, 0.9),
    data: [trainX, trainY, testX, testY],
    epochs: quick ? 20 : 200,
  },
] as const;

const histories: Record<string, tfl.History> = {};
const results = [];
const t0 = performance.now();
for (const v of variants) {
  setSeed(seed);
  const model = v.build();
  model.compile({ optimizer: v.optimizer(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const [xTrain, yTrain, xTest, yTest] = v.data;
  const started = performance.now();
  const history = await model.fit(xTrain, yTrain, {
    validationData: [xTest, yTest],
    epochs: v.epochs,
    verbose: 0,
  });
  const seconds = (performance.now() - started) / 1000;
  const train = accuracy(model, xTrain, yTrain);
  const test = accuracy(model, xTest, yTest);
  const diagnosis = diagnose(history, { monitor: 'val_loss' });
  console.log(
    `${v.name} (${v.detail}): Train: ${train.toFixed(3)}, Test: ${test.toFixed(3)} (${seconds.toFixed(1)} s)`,
  );
  console.log(`  diagnosis: ${diagnosis.verdict} — ${diagnosis.reason}`);
  histories[v.name] = history;
  const { verdict, reason, suggestions } = diagnosis;
  results.push({
    name: `${v.name} (${v.detail})`,
    train,
    test,
    epochs: history.epoch.length,
    seconds,
    verdict,
    reason,
    suggestions,
  });
  model.dispose();
}

// Prediction problems: the same configuration trained from different random starts ends differently.
const repeats = quick ? 3 : 5;
const shortEpochs = quick ? 10 : 50;
const testAccs: number[] = [];
const started = performance.now();
for (let r = 0; r < repeats; r++) {
  setSeed(seed + 1000 + r);
  const model = mlp(50);
  model.compile({
    optimizer: tf.train.momentum(0.01, 0.9),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  await model.fit(trainX, trainY, { epochs: shortEpochs, verbose: 0 });
  testAccs.push(accuracy(model, testX, testY));
  model.dispose();
}
const mean = testAccs.reduce((s, a) => s + a, 0) / repeats;
const std = Math.sqrt(testAccs.reduce((s, a) => s + (a - mean) ** 2, 0) / repeats);
console.log(
  `prediction problem: ${repeats} runs of ${shortEpochs} epochs from different seeds: Test: ${mean.toFixed(3)} ± ${std.toFixed(3)} (${testAccs.map((a) => a.toFixed(3)).join(', ')})`,
);
results.push({
  name: `prediction problem (${repeats} seeds)`,
  train: Number.NaN,
  test: mean,
  epochs: shortEpochs,
  seconds: (performance.now() - started) / 1000,
  verdict: 'varies',
  reason: `test accuracy ${testAccs.map((a) => a.toFixed(3)).join(', ')}: a spread of ±${std.toFixed(3)} from the random start alone`,
  suggestions: ['average several models (an ensemble)', 'train longer or with a smaller learning rate'],
});

const spec = learningCurves(histories, {
  title: 'Lesson 1: problems of learning, of generalisation, and a good fit',
});
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);

const takeaway = `${results
  .slice(0, 3)
  .map((r) => `${r.name}: ${r.verdict}`)
  .join(
    '; ',
  )}. Runs from ${repeats} different seeds reach test accuracy ${mean.toFixed(3)} ± ${std.toFixed(3)}.`;
console.log(takeaway);
await writeFileAtomic(
  `${out}/result.json`,
  JSON.stringify(
    {
      example: '01-diagnose',
      title: 'A framework: problems of learning, of generalisation, of prediction',
      backend,
      quick,
      seed,
      seconds: (performance.now() - t0) / 1000,
      variants: results,
      figure: { svg: figure.svg && basename(figure.svg), png: figure.png && basename(figure.png) },
      takeaway,
    },
    null,
    2,
  ),
);
tf.dispose([
  big.x,
  big.y,
  small.x,
  small.y,
  trainX,
  testX,
  trainY,
  testY,
  smallTrainX,
  smallTestX,
  smallTrainY,
  smallTestY,
]);
