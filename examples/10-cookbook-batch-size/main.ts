// Keras cookbook, "Impact of batch size on model accuracy": the 784-1000-10 network with batch size 32 and with
// a batch of half the training set (the recipe's 30 000 of 60 000 images; this example trains on a subset, so
// the big batch is half of that subset). Same number of epochs: the small batches make many more updates and
// reach a good accuracy much sooner. MNIST, or Fashion-MNIST where MNIST is not on disk (said when it runs).
import { loadFashionMnist, loadMnist } from '@betterdl/datasets/node';
import { learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/10-cookbook-batch-size';
const trainSize = quick ? 1000 : 10000;
const testSize = quick ? 500 : 2000;
const epochs = quick ? 2 : 10;

await initRuntime({ seed });

const options = { flatten: true, scale: false, oneHot: true, limit: trainSize };
let data: Awaited<ReturnType<typeof loadMnist>>;
let dataset = 'MNIST';
try {
  // MNIST from the cache only (download: false): say so and fall back when it is not on this machine.
  data = await loadMnist({ ...options, download: false });
} catch (err) {
  dataset = 'Fashion-MNIST';
  console.log(`MNIST is not on this machine (${(err as Error).message.split('\n')[0]})`);
  console.log(
    'Using Fashion-MNIST instead: the same 28×28 grey images and 10 classes, of clothes rather than digits.',
  );
  data = await loadFashionMnist({
    ...options,
    dir: process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist',
  });
}
const trainX = data.train.x as tf.Tensor2D;
const trainY = data.train.y as tf.Tensor2D;
const testX = tf.slice(data.test.x, 0, testSize) as tf.Tensor2D;
const testY = tf.slice(data.test.y, 0, testSize) as tf.Tensor2D;
console.log(
  `${dataset}: ${trainX.shape[0]} training and ${testX.shape[0]} test images (a subset, to keep the run short)`,
);

const variants = [
  { name: 'batch size 32', batchSize: 32, optimizer: () => tf.train.adam() },
  {
    name: `batch size ${trainSize / 2} (half the set)`,
    batchSize: trainSize / 2,
    optimizer: () => tf.train.adam(),
  },
] as { name: string; batchSize: number; hidden?: number[]; optimizer: () => tf.Optimizer }[];
const xTrain = tf.div(trainX, 255);
const xTest = tf.div(testX, 255);

function network(hidden: number[]): tfl.Sequential {
  const model = tfl.sequential();
  hidden.forEach((units, i) => {
    model.add(tfl.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) }));
  });
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

function accuracy(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  const [loss, acc] = model.evaluate(x, y, { batchSize: 1024 }) as tf.Scalar[];
  const value = acc!.dataSync()[0]!;
  tf.dispose([loss!, acc!]);
  return value;
}

const histories: Record<string, tfl.History> = {};
for (const v of variants) {
  setSeed(seed); // every variant starts from the same initial weights
  const model = network(v.hidden ?? [1000]);
  model.compile({ optimizer: v.optimizer(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const started = performance.now();
  histories[v.name] = await model.fit(xTrain, trainY, {
    validationData: [xTest, testY],
    epochs,
    batchSize: v.batchSize,
    verbose: 0,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${v.name}: Train: ${accuracy(model, xTrain, trainY).toFixed(3)}, Test: ${accuracy(model, xTest, testY).toFixed(3)} ` +
      `(${epochs} epochs, ${seconds.toFixed(1)} s)`,
  );
  model.dispose();
}

const spec = learningCurves(histories, {
  title: `784-1000-10 on ${dataset}: batch size 32 vs half the training set`,
});
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);
tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y, testX, testY, xTrain, xTest]);
