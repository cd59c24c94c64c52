// The Keras cookbook recipes (examples 08-14) train 784-…-10 networks on a subset of 28×28 digit images. What
// they share lives here: the data (MNIST or Fashion-MNIST, from the host: see host.ts), the network, and the
// runner of the recipes that compare variants of one network by their learning curves (10-13: a table of
// variants each). It uses only the packages' main entries, so it runs in Node and in the docs site's worker.
import { diagnose, learningCurves } from '@betterdl/diagnostics';
import { setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { accuracy } from './accuracy';
import type { LessonHost, LessonRun } from './host';

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

/**
 * Loads the subset through the host and prints what it got. `scale`: pixels / 255 (true) or raw 0-255 values
 * (false).
 */
export async function loadCookbookData(
  host: Pick<LessonHost, 'loadDigits' | 'log'>,
  options: { trainSize: number; testSize: number; scale: boolean },
): Promise<CookbookData> {
  const { data, dataset } = await host.loadDigits({
    flatten: true,
    scale: options.scale,
    oneHot: true,
    limit: options.trainSize,
  });
  const trainX = data.train.x as tf.Tensor2D;
  const trainY = data.train.y as tf.Tensor2D;
  const testX = tf.slice(data.test.x, 0, options.testSize) as tf.Tensor2D;
  const testY = tf.slice(data.test.y, 0, options.testSize) as tf.Tensor2D;
  host.log(
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
export async function compareNetworks(run: LessonRun, recipe: NetworkComparison): Promise<void> {
  const { host } = run;
  const { trainSize, testSize } = subsetSizes(run.quick);
  const epochs = run.quick ? recipe.epochs.quick : recipe.epochs.full;
  const data = await loadCookbookData(host, { trainSize, testSize, scale: false });
  const xTrain = tf.div(data.trainX, 255);
  const xTest = tf.div(data.testX, 255);
  const histories: Record<string, tfl.History> = {};
  for (const v of recipe.variants(trainSize)) {
    setSeed(run.seed); // every variant starts from the same initial weights
    const model = network(v.hidden ?? [1000]);
    model.compile({ optimizer: v.optimizer(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const onEpochEnd = host.onEpochEnd;
    const callbacks = onEpochEnd
      ? [new tfl.CustomCallback({ onEpochEnd: async (epoch, logs) => onEpochEnd(v.name, epoch, logs ?? {}) })]
      : [];
    const started = performance.now();
    const history = await model.fit(xTrain, data.trainY, {
      validationData: [xTest, data.testY],
      epochs,
      batchSize: v.batchSize,
      verbose: 0,
      callbacks,
    });
    histories[v.name] = history;
    const seconds = (performance.now() - started) / 1000;
    const train = await accuracy(model, xTrain, data.trainY, 1024);
    const test = await accuracy(model, xTest, data.testY, 1024);
    host.log(
      `${v.name}: Train: ${train.toFixed(3)}, Test: ${test.toFixed(3)} (${epochs} epochs, ${seconds.toFixed(1)} s)`,
    );
    const { verdict, reason, suggestions } = diagnose(history, { monitor: 'val_loss' });
    host.onVariantEnd?.({ name: v.name, train, test, epochs, seconds, verdict, reason, suggestions });
    model.dispose();
  }
  await host.figure(learningCurves(histories, { title: recipe.title(data.dataset) }));
  tf.dispose([xTrain, xTest]);
  data.dispose();
}
