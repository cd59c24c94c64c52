// Lesson 06 of the 7-day "Better Deep Learning" course: adding noise. A 500-unit MLP that can memorise 30
// training samples is fitted for 4000 epochs with and without a GaussianNoise(0.1) layer between its hidden
// and output layers on makeCircles; the learning curves of both are overlaid in one figure.
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
const out = process.env.BETTERDL_OUT ?? 'reports/06-gaussian-noise';
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
for (const name of ['without noise', 'GaussianNoise(0.1)']) {
  setSeed(seed); // both variants start from the same initial weights
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [2], units: 500, activation: 'relu' }));
  // Noise is added only while training; evaluate() and predict() see the clean activations.
  if (name === 'GaussianNoise(0.1)') model.add(tfl.layers.gaussianNoise({ stddev: 0.1 }));
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const started = performance.now();
  const history = await model.fit(trainX, trainY, {
    validationData: [testX, testY],
    epochs,
    verbose: 0,
    callbacks: new tfl.CustomCallback({
      onEpochEnd: async (epoch, logs) => {
        if ((epoch + 1) % (epochs / 10) === 0)
          console.log(`${name}: epoch ${epoch + 1}/${epochs}, val_loss ${logs?.val_loss?.toFixed(3)}`);
      },
    }),
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

const spec = learningCurves(histories, {
  title: 'Lesson 6: with and without Gaussian noise between the layers',
});
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);

// Over-fitting shows as a test loss that climbs back up after its minimum.
const rise = (name: string) => {
  const v = histories[name]!.history.val_loss as number[];
  const best = Math.min(...v);
  return { best, final: v[v.length - 1]!, at: v.indexOf(best) + 1 };
};
const describe = (name: string) => {
  const r = rise(name);
  return `${name}: lowest test loss ${r.best.toFixed(3)} at epoch ${r.at}, final ${r.final.toFixed(3)}`;
};
const [plain, noisy] = results;
const takeaway =
  `Final test accuracy ${plain!.test.toFixed(3)} without and ${noisy!.test.toFixed(3)} with the noise layer ` +
  `(train ${plain!.train.toFixed(3)} / ${noisy!.train.toFixed(3)}). ${describe('without noise')}; ${describe('GaussianNoise(0.1)')}.`;
console.log(takeaway);
await writeFileAtomic(
  `${out}/result.json`,
  JSON.stringify(
    {
      example: '06-gaussian-noise',
      title: 'Adding noise: GaussianNoise(0.1), with vs without',
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
