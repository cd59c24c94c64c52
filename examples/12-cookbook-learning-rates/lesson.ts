// Keras cookbook, "Varying the learning rate to improve network accuracy": the 784-1000-10 network with Adam at
// learning rates 0.0001, 0.001 (Adam's default), 0.01 and 0.1, batch size 1024 as in the recipe. Too high a
// rate makes the loss jump about and stall; too low learns slowly. MNIST, or Fashion-MNIST where MNIST is not
// on disk (said when it runs).
import * as tf from '@tensorflow/tfjs-core';
import { compareNetworks } from '../_shared/cookbook';
import type { LessonRun } from '../_shared/host';

/** The recipe's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  await compareNetworks(run, {
    epochs: { quick: 2, full: 20 },
    variants: () =>
      [0.0001, 0.001, 0.01, 0.1].map((lr) => ({
        name: `Adam lr ${lr}`,
        batchSize: 1024,
        optimizer: () => tf.train.adam(lr),
      })),
    title: (dataset) => `784-1000-10 on ${dataset}: Adam at four learning rates`,
  });
}
