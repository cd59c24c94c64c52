// The Keras cookbook recipes (examples 08-14) train 784-…-10 networks on a subset of 28×28 digit images. What
// they share lives here: the data (MNIST or Fashion-MNIST, see data.ts), the network, and the runner of the
// recipes that compare variants of one network by their learning curves (10-13: a table of variants each).
import { learningCurves } from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { accuracy } from './accuracy';
import { loadDigits } from './data';
import { type ExampleRun, startExample } from './lesson';

/** The recipe's images: flattened to 784 values, one-hot labels, a subset of each split. */
export interface CookbookData {
  dataset: 'MNIST' | 'Fashion-MNIST';
  trainX: tf.Tensor2D;
  trainY: tf.Tensor2D;
  testX: tf.Tensor2D;
  testY: tf.Tensor2D;
  /** Disposes every tensor of the data. */
  dispose(): void;
}

/** The sizes of the subset: 1000 / 500 images in quick mode, else 10 000 / 2000. */
export function subsetSizes(quick: boolean): { trainSize: number; testSize: number } {
  return quick ? { trainSize: 1000, testSize: 500 } : { trainSize: 10000, testSize: 2000 };
}

/** Loads the subset and prints what it got. `scale`: pixels / 255 (true) or raw 0-255 values (false). */
export async function loadCookbookData(options: {
  trainSize: number;
  testSize: number;
  scale: boolean;
}): Promise<CookbookData> {
  const { data, dataset } = await loadDigits({
    flatten: true,
    scale: options.scale,
    oneHot: true,
    limit: options.trainSize,
  });
  const trainX = data.train.x as tf.Tensor2D;
  const trainY = data.train.y as tf.Tensor2D;
  const testX = tf.slice(data.test.x, 0, options.testSize) as tf.Tensor2D;
  const testY = tf.slice(data.test.y, 0, options.testSize) as tf.Tensor2D;
  console.log(
    `${dataset}: ${trainX.shape[0]} training and ${testX.shape[0]} test images (a subset, to keep the run short)`,
  );
  return {
    dataset,
    trainX,
    trainY,
    testX,
    testY,
    dispose: () => tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y, testX, testY]),
  };
}

/** 784 inputs → one ReLU layer per entry of `hidden` → 10 softmax outputs. */
export function network(hidden: number[]): tfl.Sequential {
  const model = tfl.sequential();
  hidden.forEach((units, i) => {
    model.add(tfl.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) }));
  });
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

/** One row of a recipe's table of variants. */
export interface NetworkVariant {
  name: string;
  batchSize: number;
  /** Units of the hidden layers. Defaults to `[1000]` (784-1000-10). */
  hidden?: number[];
  optimizer: () => tf.Optimizer;
}

/** A recipe that compares variants of the network on pixels / 255. */
export interface NetworkComparison {
  /** The example's directory name, e.g. `10-cookbook-batch-size`. */
  example: string;
  epochs: { quick: number; full: number };
  /** The table of variants; gets the number of training images. */
  variants: (trainSize: number) => NetworkVariant[];
  /** The figure's title; gets the data set's name. */
  title: (dataset: string) => string;
}

/**
 * Runs a recipe: loads the data, fits every variant from the same initial weights, prints its train and test
 * accuracy, and overlays the learning curves in one figure.
 */
export async function compareNetworks(recipe: NetworkComparison): Promise<ExampleRun> {
  const run = await startExample(recipe.example);
  const { trainSize, testSize } = subsetSizes(run.quick);
  const epochs = run.quick ? recipe.epochs.quick : recipe.epochs.full;
  const data = await loadCookbookData({ trainSize, testSize, scale: false });
  const xTrain = tf.div(data.trainX, 255);
  const xTest = tf.div(data.testX, 255);
  const histories: Record<string, tfl.History> = {};
  for (const v of recipe.variants(trainSize)) {
    setSeed(run.seed); // every variant starts from the same initial weights
    const model = network(v.hidden ?? [1000]);
    model.compile({ optimizer: v.optimizer(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const started = performance.now();
    histories[v.name] = await model.fit(xTrain, data.trainY, {
      validationData: [xTest, data.testY],
      epochs,
      batchSize: v.batchSize,
      verbose: 0,
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${v.name}: Train: ${(await accuracy(model, xTrain, data.trainY, 1024)).toFixed(3)}, Test: ${(await accuracy(model, xTest, data.testY, 1024)).toFixed(3)} ` +
        `(${epochs} epochs, ${seconds.toFixed(1)} s)`,
    );
    model.dispose();
  }
  const spec = learningCurves(histories, { title: recipe.title(data.dataset) });
  const figure = await saveFigure(spec, `${run.out}/curves`, { formats: ['svg', 'png'], scale: 1 });
  console.log(`figure: ${figure.png ?? figure.svg}`);
  tf.dispose([xTrain, xTest]);
  data.dispose();
  return run;
}
