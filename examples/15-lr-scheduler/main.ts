// "Deep learning, the summarised way, part 2": learning-rate schedulers. Keras's LearningRateScheduler takes a
// function of the epoch and sets the optimizer's rate before every epoch; learningRateScheduler does the same
// for any tfjs optimizer (Adam here, whose rate stock tfjs cannot change). The course's MLP on makeCircles
// with a constant rate, a custom function (halve every 50 epochs) and a ready-made cosine decay; the
// learning curves and the rates themselves are overlaid in one figure.
import { learningRateScheduler, schedules } from '@betterdl/callbacks';
import { makeCircles } from '@betterdl/datasets';
import { learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/15-lr-scheduler';
const epochs = quick ? 20 : 300;
const initialRate = 0.01;

await initRuntime({ seed });

// make_circles(n_samples=1000, noise=0.1, random_state=1); the first 500 rows train, the rest test.
const data = makeCircles({ nSamples: 1000, noise: 0.1, randomState: 1 });
const [trainX, testX] = tf.split(data.x, 2) as [tf.Tensor2D, tf.Tensor2D];
const [trainY, testY] = tf.split(data.y, 2) as [tf.Tensor2D, tf.Tensor2D];

// The custom function the lesson asks for: it gets the epoch (0-based) and returns the rate for that epoch.
function halveEvery50(epoch: number): number {
  return initialRate * 0.5 ** Math.floor(epoch / 50);
}

const variants: { name: string; callbacks: tfl.Callback[] }[] = [
  // Logging the (constant) rate as well keeps the rate panel of the figure complete.
  { name: 'constant 0.01', callbacks: [learningRateScheduler(() => initialRate)] },
  { name: 'halve every 50', callbacks: [learningRateScheduler(halveEvery50, { verbose: 0 })] },
  { name: 'cosine decay', callbacks: [learningRateScheduler(schedules.cosineDecay(initialRate, epochs))] },
];

const histories: Record<string, tfl.History> = {};
for (const { name, callbacks } of variants) {
  setSeed(seed); // every variant starts from the same initial weights
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 50, activation: 'relu' }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(initialRate), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(trainX, trainY, {
    validationData: [testX, testY],
    epochs,
    verbose: 0,
    callbacks,
  });
  histories[name] = history;
  const h = history.history;
  const lr = h.lr as number[];
  console.log(
    `${name}: Train: ${(h.acc!.at(-1) as number).toFixed(3)}, Test: ${(h.val_acc!.at(-1) as number).toFixed(3)}; ` +
      `rate ${lr[0]?.toPrecision(3)} at epoch 1, ${lr.at(-1)?.toPrecision(3)} at epoch ${epochs}; lowest test loss ${Math.min(...(h.val_loss as number[])).toFixed(4)}`,
  );
  model.dispose();
}

const spec = learningCurves(histories, {
  metrics: ['loss', 'acc', 'lr'],
  title: 'Adam with a constant rate, a custom schedule and cosine decay',
});
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);
tf.dispose([data.x, data.y, trainX, testX, trainY, testY]);
