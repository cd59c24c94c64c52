// Lesson 02 of the 7-day "Better Deep Learning" course: batch size. The same MLP is fitted with batch
// gradient descent (the whole training set per update), mini-batch (32) and stochastic (1 sample per update)
// gradient descent on makeCircles; the learning curves of the three are overlaid in one figure.
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
const out = process.env.BETTERDL_OUT ?? 'reports/02-batch-size';

const { backend } = await initRuntime({ seed });

// make_circles(n_samples=1000, noise=0.1, random_state=1); the first 500 rows train, the rest test.
const data = makeCircles({ nSamples: 1000, noise: 0.1, randomState: 1 });
const [trainX, testX] = tf.split(data.x, 2) as [tf.Tensor2D, tf.Tensor2D];
const [trainY, testY] = tf.split(data.y, 2) as [tf.Tensor2D, tf.Tensor2D];

const variants = [
  { name: 'batch (500)', batchSize: 500, epochs: quick ? 50 : 1000 },
  { name: 'mini-batch (32)', batchSize: 32, epochs: quick ? 50 : 1000 },
  { name: 'stochastic (1)', batchSize: 1, epochs: quick ? 3 : 200 },
];

function accuracy(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  const [loss, acc] = model.evaluate(x, y, { batchSize: 500 }) as tf.Scalar[];
  const value = acc!.dataSync()[0]!;
  tf.dispose([loss!, acc!]);
  return value;
}

const histories: Record<string, tfl.History> = {};
const wiggle: Record<string, number> = {};
const results = [];
const t0 = performance.now();
for (const v of variants) {
  setSeed(seed); // every variant starts from the same initial weights
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 50, activation: 'relu' }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({
    optimizer: tf.train.momentum(0.01, 0.9),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  const started = performance.now();
  const history = await model.fit(trainX, trainY, {
    validationData: [testX, testY],
    epochs: v.epochs,
    batchSize: v.batchSize,
    verbose: 0,
    callbacks: new tfl.CustomCallback({
      onEpochEnd: async (epoch, logs) => {
        if ((epoch + 1) % Math.ceil(v.epochs / 10) === 0)
          console.log(`${v.name}: epoch ${epoch + 1}/${v.epochs}, val_acc ${logs?.val_acc?.toFixed(3)}`);
      },
    }),
  });
  const seconds = (performance.now() - started) / 1000;
  const train = accuracy(model, trainX, trainY);
  const test = accuracy(model, testX, testY);
  const diagnosis = diagnose(history, { monitor: 'val_loss' });
  console.log(`${v.name}: Train: ${train.toFixed(3)}, Test: ${test.toFixed(3)} (${seconds.toFixed(1)} s)`);
  console.log(`  diagnosis: ${diagnosis.verdict} — ${diagnosis.reason}`);
  histories[v.name] = history;
  wiggle[v.name] = diagnosis.evidence.trainNoise;
  const { verdict, reason, suggestions } = diagnosis;
  results.push({
    name: v.name,
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

const spec = learningCurves(histories, {
  title: 'Lesson 2: batch vs mini-batch vs stochastic gradient descent',
});
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);

// How many epochs each variant needed to first reach 80% test accuracy: the speed of learning.
const reach = (name: string) => {
  const i = (histories[name]!.history.val_acc as number[]).findIndex((a) => a >= 0.8);
  return i < 0
    ? `never reached 0.80 in ${histories[name]!.epoch.length} epochs`
    : `reached 0.80 at epoch ${i + 1}`;
};
const takeaway = `Test accuracy ${variants.map((v) => `${v.name} ${reach(v.name)}`).join('; ')}. Wiggle of the train loss around its trend (second half, share of its range): ${variants.map((v) => `${v.name} ${(wiggle[v.name]! * 100).toFixed(1)}%`).join(', ')}.`;
console.log(takeaway);
await writeFileAtomic(
  `${out}/result.json`,
  JSON.stringify(
    {
      example: '02-batch-size',
      title: 'Batch size: batch vs mini-batch vs stochastic gradient descent',
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
tf.dispose([data.x, data.y, trainX, testX, trainY, testY]);
