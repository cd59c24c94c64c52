// Lesson 07 of the 7-day "Better Deep Learning" course: early stopping. A 500-unit MLP that can memorise 30
// training samples is fitted for up to 4000 epochs without and with EarlyStopping(monitor 'val_loss', mode
// 'min', patience 200) on makeCircles — and once more with restoreBestWeights, which Keras has and stock tfjs
// lacks. The learning curves of the three are overlaid in one figure.
import { basename } from 'node:path';
import { earlyStopping } from '@betterdl/callbacks';
import { makeCircles } from '@betterdl/datasets';
import { diagnose, learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/07-early-stopping';
const epochs = quick ? 400 : 4000;

const { backend } = await initRuntime({ seed });

// make_circles(n_samples=100, noise=0.1, random_state=1); the first 30 rows train, the other 70 test.
const data = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
const [trainX, testX] = tf.split(data.x, [30, 70]) as [tf.Tensor2D, tf.Tensor2D];
const [trainY, testY] = tf.split(data.y, [30, 70]) as [tf.Tensor2D, tf.Tensor2D];

function accuracy(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  const [loss, acc] = model.evaluate(x, y) as tf.Scalar[];
  const value = acc!.dataSync()[0]!;
  tf.dispose([loss!, acc!]);
  return value;
}

const histories: Record<string, tfl.History> = {};
const results = [];
const t0 = performance.now();
const patience = quick ? 20 : 200;
const variants = [
  { name: 'no early stopping', callbacks: [] },
  {
    name: 'EarlyStopping',
    callbacks: [earlyStopping({ monitor: 'val_loss', mode: 'min', patience, verbose: 1 })],
  },
  {
    name: 'restoreBestWeights',
    callbacks: [
      earlyStopping({ monitor: 'val_loss', mode: 'min', patience, restoreBestWeights: true, verbose: 1 }),
    ],
  },
];
for (const { name, callbacks } of variants) {
  setSeed(seed); // every variant starts from the same initial weights
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 500, activation: 'relu' }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const started = performance.now();
  const history = await model.fit(trainX, trainY, {
    validationData: [testX, testY],
    epochs,
    verbose: 0,
    callbacks: [
      ...callbacks,
      new tfl.CustomCallback({
        onEpochEnd: async (epoch, logs) => {
          if ((epoch + 1) % (epochs / 10) === 0)
            console.log(`${name}: epoch ${epoch + 1}/${epochs}, val_loss ${logs?.val_loss?.toFixed(3)}`);
        },
      }),
    ],
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

const spec = learningCurves(histories, { title: 'Lesson 7: with and without early stopping' });
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);

// Where the test loss was lowest in the full run, and where early stopping stopped.
const full = histories['no early stopping']!.history.val_loss as number[];
const bestEpoch = full.indexOf(Math.min(...full)) + 1;
const [plain, stopped, restored] = results;
const takeaway =
  `Without early stopping the model trained all ${plain!.epochs} epochs (test accuracy ${plain!.test.toFixed(3)}); ` +
  `its test loss was lowest at epoch ${bestEpoch}. EarlyStopping stopped after ${stopped!.epochs} epochs ` +
  `(test accuracy ${stopped!.test.toFixed(3)}, the last weights); with restoreBestWeights it kept the weights of the ` +
  `best epoch (test accuracy ${restored!.test.toFixed(3)}).`;
console.log(takeaway);
await writeFileAtomic(
  `${out}/result.json`,
  JSON.stringify(
    {
      example: '07-early-stopping',
      title: 'Early stopping, with vs without',
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
