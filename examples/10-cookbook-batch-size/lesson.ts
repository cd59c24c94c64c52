// Keras cookbook, "Impact of batch size on model accuracy": the 784-1000-10 network with batch size 32 and with
// a batch of half the training set (the recipe's 30 000 of 60 000 images; this example trains on a subset, so
// the big batch is half of that subset). Same number of epochs: the small batches make many more updates and
// reach a good accuracy much sooner. MNIST, or Fashion-MNIST where MNIST is not on disk (said when it runs).
import * as tf from '@tensorflow/tfjs-core';
import { compareNetworks } from '../_shared/cookbook';
import type { LessonRun } from '../_shared/host';

/** The recipe's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  await compareNetworks(run, {
    epochs: { quick: 2, full: 10 },
    variants: (trainSize) => [
      { name: 'batch size 32', batchSize: 32, optimizer: () => tf.train.adam() },
      {
        name: `batch size ${trainSize / 2} (half the set)`,
        batchSize: trainSize / 2,
        optimizer: () => tf.train.adam(),
      },
    ],
    title: (dataset) => `784-1000-10 on ${dataset}: batch size 32 vs half the training set`,
  });
}
