// Lesson 03 of the 7-day "Better Deep Learning" course: a learning-rate schedule. The lesson-2 MLP is fitted
// with and without ReduceLROnPlateau(monitor 'val_loss', factor 0.1, patience 5, minDelta 1e-7) on
// makeCircles; the learning curves of both are overlaid in one figure.
import { basename } from 'node:path';
import { reduceLROnPlateau } from '@betterdl/callbacks';
import { makeCircles } from '@betterdl/datasets';
import { diagnose, learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/03-reduce-lr-on-plateau';
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
for (const name of ['without schedule', 'ReduceLROnPlateau']) {
  setSeed(seed); // both variants start from the same initial weights
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 50, activation: 'relu' }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  // SGD with momentum: the tfjs optimizer whose learning rate a callback may change.
  model.compile({
    optimizer: tf.train.momentum(0.01, 0.9),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  const callbacks =
    name === 'ReduceLROnPlateau'
      ? [reduceLROnPlateau({ monitor: 'val_loss', factor: 0.1, patience: 5, minDelta: 1e-7, verbose: 1 })]
      : [];
  const started = performance.now();
  const history = await model.fit(trainX, trainY, {
    validationData: [testX, testY],
    epochs,
    verbose: 0,
    callbacks,
  });
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

const spec = learningCurves(histories, { title: 'Lesson 3: with and without ReduceLROnPlateau' });
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);

// How much the test loss still moved over the last 50 epochs: the schedule should leave it flat.
const tailMove = (name: string) => {
  const v = histories[name]!.history.val_loss as number[];
  const tail = v.slice(-Math.min(50, v.length));
  return Math.max(...tail) - Math.min(...tail);
};
const [plain, rlrp] = results;
const [moveWithout, moveWith] = [tailMove('without schedule'), tailMove('ReduceLROnPlateau')];
// ReduceLROnPlateau logs the rate of every epoch as `lr`: find the first cut.
const lrs = (histories.ReduceLROnPlateau!.history.lr ?? []) as number[];
const firstCut = lrs.findIndex((lr) => lr < (lrs[0] ?? 0));
const takeaway =
  `Final test accuracy ${plain!.test.toFixed(3)} without a schedule and ${rlrp!.test.toFixed(3)} with ReduceLROnPlateau` +
  `${firstCut >= 0 ? `, which first cut the rate after epoch ${firstCut}` : ', which never cut the rate'}. ` +
  `Over the last 50 epochs the test loss moved by ${moveWithout.toFixed(4)} without and ${moveWith.toFixed(4)} with the schedule` +
  `${moveWith < moveWithout / 2 ? ': once the rate is cut, the curves go flat.' : '.'}`;
console.log(takeaway);
await writeFileAtomic(
  `${out}/result.json`,
  JSON.stringify(
    {
      example: '03-reduce-lr-on-plateau',
      title: 'Learning-rate schedule: ReduceLROnPlateau, with vs without',
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
