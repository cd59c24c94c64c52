// "Deep Learning Quick Reference", chapters 1-2: regression with an MLP and with a deeper network on a real
// data set (scikit-learn's diabetes data, shipped here as diabetes.csv with its licence), train / validation
// / test splits, checkpoints named model-weights.{epoch:02d}-{val_loss:.6f} (the book's ModelCheckpoint
// recipe), a per-epoch CSV training log, saving and loading the trained model, and 5-fold cross-validation.
// TensorBoard event files go to <out>/logs (diagnostics' tensorBoard writer: works without tfjs-node).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvLogger, fileSystemHandler, loadCheckpoint, modelCheckpoint } from '@betterdl/callbacks/node';
import { kFold } from '@betterdl/datasets';
import { learningCurves } from '@betterdl/diagnostics';
import { saveFigure, tensorBoard } from '@betterdl/diagnostics/node';
import { createRandom, initRuntime, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/17-regression-diabetes';
const epochs = quick ? 20 : 300;

await initRuntime({ seed });

// 442 patients: age, sex, bmi, bp, s1..s6, and the target (disease progression one year later).
const csv = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'diabetes.csv'), 'utf8')
  .trim()
  .split('\n');
const header = csv[0]!.split(',');
const rows = csv.slice(1).map((line) => line.split(',').map(Number));
const nFeatures = header.length - 1;
console.log(`diabetes.csv: ${rows.length} rows, features ${header.slice(0, -1).join(', ')}`);

// Shuffle once with a seeded generator, then 60% train, 20% validation, 20% test.
const random = createRandom(seed);
const order = rows.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const nTest = Math.round(rows.length * 0.2);
const nVal = Math.round(rows.length * 0.2);
const pick = (idx: number[]) => ({
  x: tf.tensor2d(idx.map((i) => rows[i]!.slice(0, nFeatures))),
  y: tf.tensor2d(idx.map((i) => [rows[i]![nFeatures]!])),
});
const test = pick(order.slice(0, nTest));
const val = pick(order.slice(nTest, nTest + nVal));
const train = pick(order.slice(nTest + nVal));

// Standardise every feature with the training set's mean and standard deviation (never the test set's).
const { mean, variance } = tf.moments(train.x, 0);
const std = tf.sqrt(variance);
const standardise = (x: tf.Tensor) => tf.div(tf.sub(x, mean), std);
const [xTrain, xVal, xTest] = [train.x, val.x, test.x].map(standardise) as [
  tf.Tensor2D,
  tf.Tensor2D,
  tf.Tensor2D,
];

function mlp(hidden: number[]): tfl.Sequential {
  const model = tfl.sequential();
  hidden.forEach((units, i) => {
    model.add(
      tfl.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [nFeatures] } : {}) }),
    );
  });
  model.add(tfl.layers.dense({ units: 1, activation: 'linear' }));
  model.compile({ optimizer: 'adam', loss: 'meanAbsoluteError' });
  return model;
}

function mae(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(model.predict(x) as tf.Tensor, y))).dataSync()[0]!);
}

const networks = { MLP: [32], 'deep network': [32, 32, 32, 32, 16] };
const histories: Record<string, tfl.History> = {};
const models: Record<string, tfl.Sequential> = {};
for (const [name, hidden] of Object.entries(networks)) {
  setSeed(seed);
  const model = mlp(hidden);
  const slug = name.replace(/ /g, '-');
  const history = await model.fit(xTrain, train.y, {
    validationData: [xVal, val.y],
    epochs,
    batchSize: 32,
    verbose: 0,
    callbacks: [
      // One checkpoint directory per improvement, named like the book's files.
      modelCheckpoint(`${out}/checkpoints/${slug}/model-weights.{epoch:02d}-{val_loss:.6f}`, {
        monitor: 'val_loss',
        saveBestOnly: true,
      }),
      csvLogger(`${out}/training-${slug}.csv`),
      // TensorBoard event files (scalars in train/ and validation/, weight histograms every 10 epochs),
      // written in TypeScript: no tfjs-node needed. View with `tensorboard --logdir <out>/logs`.
      tensorBoard(`${out}/logs/${slug}`, { histogramFreq: 10 }),
    ],
  });
  histories[name] = history;
  models[name] = model;
  console.log(
    `${name} (${hidden.join('-')}-1): MAE train ${mae(model, xTrain, train.y).toFixed(2)}, ` +
      `validation ${mae(model, xVal, val.y).toFixed(2)}, test ${mae(model, xTest, test.y).toFixed(2)}`,
  );
}
console.log(`checkpoints: ${out}/checkpoints/<network>/model-weights.<epoch>-<val_loss>/`);
console.log(`per-epoch logs: ${out}/training-<network>.csv`);
console.log(`TensorBoard logs: ${out}/logs (tensorboard --logdir ${out}/logs)`);

// Save the deep network, load it back, and check that the loaded copy predicts the same numbers.
const deep = models['deep network']!;
const savedTo = `${out}/saved-model`;
await deep.save(fileSystemHandler(savedTo));
const loaded = await loadCheckpoint(savedTo);
const same = tf.tidy(
  () =>
    tf
      .max(tf.abs(tf.sub(deep.predict(xTest) as tf.Tensor, loaded.predict(xTest) as tf.Tensor)))
      .dataSync()[0]!,
);
console.log(`saved to ${savedTo} and loaded back: largest prediction difference ${same}`);

// 5-fold cross-validation of the MLP on train + validation: every row is held out exactly once.
// kFold gives scikit-learn's KFold(n_splits=5, shuffle=True, random_state=seed) indices.
const folds = 5;
const pool = order.slice(nTest);
const foldMae: number[] = [];
for (const fold of kFold(pool.length, folds, { shuffle: true, randomState: seed })) {
  const fit = pick(Array.from(fold.train, (i) => pool[i]!));
  const hold = pick(Array.from(fold.test, (i) => pool[i]!));
  const m = tf.moments(fit.x, 0);
  const s = tf.sqrt(m.variance);
  const xFit = tf.div(tf.sub(fit.x, m.mean), s);
  const xHold = tf.div(tf.sub(hold.x, m.mean), s);
  setSeed(seed);
  const model = mlp(networks.MLP);
  await model.fit(xFit, fit.y, { epochs, batchSize: 32, verbose: 0 });
  foldMae.push(mae(model, xHold, hold.y));
  model.dispose();
  tf.dispose([fit.x, fit.y, hold.x, hold.y, m.mean, m.variance, s, xFit, xHold]);
}
const avg = foldMae.reduce((a, b) => a + b, 0) / folds;
const sd = Math.sqrt(foldMae.reduce((a, b) => a + (b - avg) ** 2, 0) / folds);
console.log(
  `5-fold cross-validation of the MLP: MAE ${foldMae.map((v) => v.toFixed(2)).join(', ')} → ${avg.toFixed(2)} ± ${sd.toFixed(2)}`,
);

const spec = learningCurves(histories, {
  title: 'Diabetes regression: MLP vs deep network (mean absolute error)',
});
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);
for (const m of [...Object.values(models), loaded]) m.dispose();
tf.dispose([train.x, train.y, val.x, val.y, test.x, test.y, mean, variance, std, xTrain, xVal, xTest]);
