// Keras cookbook, "Understanding the scenario of overfitting" and the remedies that follow it: the 784-1000-10
// network trained briefly and for long, then with L1 and L2 weight penalties, dropout 0.75, and batch
// normalisation. Over-fitting shows in the gap between train and test accuracy and in the weights: the
// histograms of the output layer's weights spread out as the network memorises, and the remedies pull them
// back towards zero. MNIST, or Fashion-MNIST where MNIST is not on disk (said when it runs).
import type { VegaLiteSpec } from '@betterdl/diagnostics';
import { learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { setSeed } from '@betterdl/runtime';
import * as tfl from '@tensorflow/tfjs-layers';
import { accuracy } from '../_shared/accuracy';
import { loadCookbookData, subsetSizes } from '../_shared/cookbook';
import { loadDigits } from '../_shared/data';
import { startExample } from '../_shared/lesson';

const { quick, seed, out } = await startExample('14-cookbook-overfitting');
const { trainSize, testSize } = subsetSizes(quick);
const epochs = quick ? 3 : 40;
const shortEpochs = quick ? 1 : 5;

// Pixels scaled to [0, 1].
const data = await loadCookbookData(
  { loadDigits, log: (line) => console.log(line) },
  { trainSize, testSize, scale: true },
);
const { dataset, trainX: xTrain, trainY: yTrain, testX: xTest, testY: yTest } = data;

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
  const kernel = Array.from(await model.layers.at(-1)!.getWeights()[0]!.data());
  const beyond = kernel.reduce((n, w) => n + (Math.abs(w) > 0.2 ? 1 : 0), 0) / kernel.length;
  const sd = Math.sqrt(kernel.reduce((s, w) => s + w * w, 0) / kernel.length);
  for (const w of kernel) weights.push({ variant: v.name, weight: w });
  console.log(
    `${v.name}: Train: ${(await accuracy(model, xTrain, yTrain, 1024)).toFixed(3)}, Test: ${(await accuracy(model, xTest, yTest, 1024)).toFixed(3)}; ` +
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
data.dispose();
