// Keras cookbook, "Building a deep neural network to improve network accuracy": one hidden layer of 1000 units
// against three (784-1000-1000-1000-10), Adam, batch size 1024 as in the recipe. The deeper network has far
// more parameters, fits the training images better and opens a bigger train/test gap. MNIST, or Fashion-MNIST
// where MNIST is not on disk (said when it runs).
import * as tf from '@tensorflow/tfjs-core';
import { compareNetworks } from '../_shared/cookbook';
import type { LessonRun } from '../_shared/host';

/** The recipe's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  await compareNetworks(run, {
    epochs: { quick: 2, full: 20 },
    variants: () => [
      { name: '784-1000-10', hidden: [1000], batchSize: 1024, optimizer: () => tf.train.adam() },
      {
        name: '784-1000-1000-1000-10',
        hidden: [1000, 1000, 1000],
        batchSize: 1024,
        optimizer: () => tf.train.adam(),
      },
    ],
    title: (dataset) => `${dataset}: one hidden layer vs three`,
  });
}
