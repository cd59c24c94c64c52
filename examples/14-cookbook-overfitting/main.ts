// Keras cookbook, "Understanding the scenario of overfitting" and the remedies that follow it: the 784-1000-10
// network trained briefly and for long, then with L1 and L2 weight penalties, dropout 0.75, and batch
// normalisation. Over-fitting shows in the gap between train and test accuracy and in the weights: the
// histograms of the output layer's weights spread out as the network memorises, and the remedies pull them
// back towards zero. MNIST, or Fashion-MNIST where MNIST is not on disk (said when it runs).
import { loadFashionMnist, loadMnist } from '@betterdl/datasets/node';
import type { VegaLiteSpec } from '@betterdl/diagnostics';
import { learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/14-cookbook-overfitting';
const trainSize = quick ? 1000 : 10000;
const testSize = quick ? 500 : 2000;
const epochs = quick ? 3 : 40;
const shortEpochs = quick ? 1 : 5;

await initRuntime({ seed });

const options = { flatten: true, oneHot: true, limit: trainSize }; // pixels scaled to [0, 1]
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
const xTrain = data.train.x as tf.Tensor2D;
const yTrain = data.train.y as tf.Tensor2D;
const xTest = tf.slice(data.test.x, 0, testSize) as tf.Tensor2D;
const yTest = tf.slice(data.test.y, 0, testSize) as tf.Tensor2D;
console.log(
  `${dataset}: ${xTrain.shape[0]} training and ${xTest.shape[0]} test images (a subset, to keep the run short)`,
);

interface Variant {
  name: string;
  epochs: number;
  build: () => tfl.Sequential;
}
const dense = tfl.layers.dense;
type Regularizer = ReturnType<typeof tfl.regularizers.l2>;
const plain = () =>
  tfl.sequential({
    layers: [
      dense({ inputShape: [784], units: 1000, activation: 'relu' }),
      dense({ units: 10, activation: 'softmax' }),
    ],
  });
const penalised = (regularizer: () => Regularizer) => () =>
  tfl.sequential({
    layers: [
      dense({ inputShape: [784], units: 1000, activation: 'relu', kernelRegularizer: regularizer() }),
      dense({ units: 10, activation: 'softmax', kernelRegularizer: regularizer() }),
    ],
  });
const variants: Variant[] = [
  { name: `${shortEpochs} epochs`, epochs: shortEpochs, build: plain },
  { name: `${epochs} epochs`, epochs, build: plain },
  { name: 'L1 (0.0001)', epochs, build: penalised(() => tfl.regularizers.l1({ l1: 0.0001 })) },
  { name: 'L2 (0.01)', epochs, build: penalised(() => tfl.regularizers.l2({ l2: 0.01 })) },
  {
    name: 'dropout 0.75',
    epochs,
    build: () =>
      tfl.sequential({
        layers: [
          dense({ inputShape: [784], units: 1000, activation: 'relu' }),
          tfl.layers.dropout({ rate: 0.75 }),
          dense({ units: 10, activation: 'softmax' }),
        ],
      }),
  },
  {
    name: 'batch norm + L2 (0.01)',
    epochs,
    build: () =>
      tfl.sequential({
        layers: [
          dense({
            inputShape: [784],
            units: 1000,
            activation: 'relu',
            kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }),
          }),
          tfl.layers.batchNormalization(),
          dense({ units: 10, activation: 'softmax', kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }) }),
        ],
      }),
  },
];

function accuracy(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  const [loss, acc] = model.evaluate(x, y, { batchSize: 1024 }) as tf.Scalar[];
  const value = acc!.dataSync()[0]!;
  tf.dispose([loss!, acc!]);
  return value;
}

const histories: Record<string, tfl.History> = {};
const weights: { variant: string; weight: number }[] = [];
for (const v of variants) {
  setSeed(seed); // every variant starts from the same initial weights
  const model = v.build();
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xTrain, yTrain, {
    validationData: [xTest, yTest],
    epochs: v.epochs,
    batchSize: 1024,
    verbose: 0,
  });
  if (v.epochs === epochs) histories[v.name] = history;
  // The weights connecting the hidden layer to the output layer (Keras: model.get_weights()[-2]).
  const kernel = Array.from(model.layers.at(-1)!.getWeights()[0]!.dataSync());
  const beyond = kernel.reduce((n, w) => n + (Math.abs(w) > 0.2 ? 1 : 0), 0) / kernel.length;
  const sd = Math.sqrt(kernel.reduce((s, w) => s + w * w, 0) / kernel.length);
  for (const w of kernel) weights.push({ variant: v.name, weight: w });
  console.log(
    `${v.name}: Train: ${accuracy(model, xTrain, yTrain).toFixed(3)}, Test: ${accuracy(model, xTest, yTest).toFixed(3)}; ` +
      `output weights: RMS ${sd.toFixed(3)}, ${(beyond * 100).toFixed(1)}% beyond ±0.2`,
  );
  model.dispose();
}

// One histogram per variant, drawn from a small Vega-Lite spec of our own; saveFigure renders any spec.
const histogram: VegaLiteSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: `Output-layer weights of the 784-1000-10 network on ${dataset}`,
  data: { values: weights },
  facet: { field: 'variant', type: 'nominal', sort: variants.map((v) => v.name), title: null },
  columns: 3,
  spec: {
    width: 220,
    height: 120,
    mark: 'bar',
    encoding: {
      x: { field: 'weight', type: 'quantitative', bin: { extent: [-0.6, 0.6], step: 0.02 }, title: 'weight' },
      y: { aggregate: 'count', type: 'quantitative', title: 'count' },
    },
  },
};
const histFigure = await saveFigure(histogram, `${out}/weights`, { formats: ['svg', 'png'], scale: 1 });
console.log(`weight histograms: ${histFigure.png ?? histFigure.svg}`);
const spec = learningCurves(histories, { title: `784-1000-10 on ${dataset}: over-fitting and its remedies` });
const figure = await saveFigure(spec, `${out}/curves`, { formats: ['svg', 'png'], scale: 1 });
console.log(`figure: ${figure.png ?? figure.svg}`);
tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y, xTest, yTest]);
