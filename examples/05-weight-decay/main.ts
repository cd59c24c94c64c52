// Lesson 05 of the 7-day "Better Deep Learning" course: weight regularisation. A 500-unit MLP that can
// memorise 30 training samples is fitted for 4000 epochs with and without an L2 weight penalty
// (kernel_regularizer=l2(0.01)) on makeCircles; the learning curves of both are overlaid in one figure.
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
const out = process.env.BETTERDL_OUT ?? 'reports/05-weight-decay';
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
for (const name of ['without L2', 'L2(0.01)']) {
  setSeed(seed); // both variants start from the same initial weights
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [2],
        units: 500,
        activation: 'relu',
        kernelRegularizer: name === 'L2(0.01)' ? tfl.regularizers.l2({ l2: 0.01 }) : undefined,
      }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
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

const spec = learningCurves(histories, { title: 'Lesson 5: with and without L2 weight regularisation' });
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
const [plain, l2] = results;
const takeaway =
  `Final test accuracy ${plain!.test.toFixed(3)} without and ${l2!.test.toFixed(3)} with the L2 penalty ` +
  `(train ${plain!.train.toFixed(3)} / ${l2!.train.toFixed(3)}). ${describe('without L2')}; ${describe('L2(0.01)')}.`;
console.log(takeaway);
await writeFileAtomic(
  `${out}/result.json`,
  JSON.stringify(
    {
      example: '05-weight-decay',
      title: 'Weight regularisation: L2 weight decay, with vs without',
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
