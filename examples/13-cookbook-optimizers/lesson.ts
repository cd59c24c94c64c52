// Keras cookbook, "Varying the loss optimizer to improve network accuracy": the 784-1000-10 network trained with
// SGD, Adam, RMSprop, Adagrad, Adadelta and Adamax at their Keras default learning rates, batch size 32.
// Nadam, also in the recipe, is not in tfjs and is left out. MNIST, or Fashion-MNIST where MNIST is not on disk
// (said when it runs).
import * as tf from '@tensorflow/tfjs-core';
import { compareNetworks } from '../_shared/cookbook';
import type { LessonRun } from '../_shared/host';

/** The recipe's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  await compareNetworks(run, {
    epochs: { quick: 1, full: 5 },
    // The default learning rates of Keras 2, which the recipe used: SGD 0.01, Adam 0.001, RMSprop 0.001,
    // Adagrad 0.01, Adadelta 1.0, Adamax 0.002.
    variants: () => [
      { name: 'SGD', batchSize: 32, optimizer: () => tf.train.sgd(0.01) },
      { name: 'Adam', batchSize: 32, optimizer: () => tf.train.adam(0.001) },
      { name: 'RMSprop', batchSize: 32, optimizer: () => tf.train.rmsprop(0.001) },
      { name: 'Adagrad', batchSize: 32, optimizer: () => tf.train.adagrad(0.01) },
      { name: 'Adadelta', batchSize: 32, optimizer: () => tf.train.adadelta(1.0) },
      { name: 'Adamax', batchSize: 32, optimizer: () => tf.train.adamax(0.002) },
    ],
    title: (dataset) => `784-1000-10 on ${dataset}: six optimizers`,
  });
}
