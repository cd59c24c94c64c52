// Lesson 04 of the 7-day "Better Deep Learning" course: batch normalisation. The lesson-2 MLP is fitted with
// and without a BatchNormalization layer between its hidden and output layers on makeCircles; the learning
// curves of both are overlaid in one figure.
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
const out = process.env.BETTERDL_OUT ?? 'reports/04-batch-norm';
const epochs = quick ? 30 : 300;

const { backend } = await initRuntime({ seed });

// make_circles(n_samples=1000, noise=0.1, random_state=1); the first 500 rows train, the rest test.
const data = makeCircles({ nSamples: 1000, noise: 0.1, randomState: 1 });
const [trainX, testX] = tf.split(data.x, 2) as [tf.Tensor2D, tf.Tensor2D];
const [trainY, testY] = tf.split(data.y, 2) as [tf.Tensor2D, tf.Tensor2D];

function accuracy(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  const [loss, acc] = model.evaluate(x, y, { batchSize: 500 }) as tf.Scalar[];
  const value = acc!.dataSync()[0]!;
  tf.dispose([loss!, acc!]);
  return value;
}

const histories: Record<string, tfl.History> = {};
const results = [];
const t0 = performance.now();
for (const name of ['without batch norm', 'with batch norm']) {
  setSeed(seed); // both variants start from the same initial weights
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [2], units: 50, activation: 'relu' }));
  if (name === 'with batch norm') model.add(tfl.layers.batchNormalization());
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({
    optimizer: tf.train.momentum(0.01, 0.9),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  const started = performance.now();
  const history = await model.fit(trainX, trainY, { validationData: [testX, testY], epochs, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  const train = accuracy(model, trainX, trainY);
  const test = accuracy(model, testX, testY);
  const diagnosis = diagnose(history, { monitor: 'val_loss' });
  console.log(`${name}: Train: ${train.toFixed(3)}, Test: ${test.toFixed(3)} (${seconds.toFixed(1)} s)`);
  console.log(`  diagnosis: ${diagnosis.verdict} — ${diagnosis.reason}`);
  histories[name] = history;
  const { verdict, reason, suggestions } = diagnosis;
  results.push({ name, train, test, epochs: history.epoch.length, seconds, verdict, reason, suggestions });
  model.dispose();
}

const spec = learningCurves(histories, { title: 'Lesson 4: with and without batch normalisation' });
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);

// How many epochs each variant needed to first reach 80% test accuracy: the speed of learning.
const reach = (name: string) => {
  const i = (histories[name]!.history.val_acc as number[]).findIndex((a) => a >= 0.8);
  return i < 0
    ? `never reached 0.80 in ${histories[name]!.epoch.length} epochs`
    : `reached 0.80 at epoch ${i + 1}`;
};
const [plain, bn] = results;
const takeaway =
  `Test accuracy without batch norm ${reach('without batch norm')} and ended at ${plain!.test.toFixed(3)}; ` +
  `with batch norm it ${reach('with batch norm')} and ended at ${bn!.test.toFixed(3)}.`;
console.log(takeaway);
await writeFileAtomic(
  `${out}/result.json`,
  JSON.stringify(
    {
      example: '04-batch-norm',
      title: 'Batch normalisation, with vs without',
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
