// Lesson 04 of the 7-day "Better Deep Learning" course: batch normalisation. The lesson-2 MLP is fitted with
// and without a BatchNormalization layer between its hidden and output layers on makeCircles; the learning
// curves of both are overlaid in one figure.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { circles, circlesMlp, finishLesson, fitVariants } from '../_shared/course';
import type { LessonRun } from '../_shared/host';

/** The lesson's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  const epochs = run.quick ? 30 : 300;

  // make_circles(n_samples=1000, noise=0.1, random_state=1); the first 500 rows train, the rest test.
  const data = circles(1000, 500);

  const variants = [
    { name: 'without batch norm', build: () => circlesMlp(50) },
    {
      name: 'with batch norm',
      build: () => circlesMlp(50, { between: () => tfl.layers.batchNormalization() }),
    },
  ];
  const { histories, fitted } = await fitVariants(
    run,
    variants.map((v) => ({
      ...v,
      optimizer: () => tf.train.momentum(0.01, 0.9),
      data,
      epochs,
      evalBatchSize: 500,
    })),
  );
  const results = fitted.map((f) => f.result);

  // How many epochs each variant needed to first reach 80% test accuracy: the speed of learning.
  const reach = (name: string) => {
    const i = (histories[name]!.history.val_acc as number[]).findIndex((a) => a >= 0.8);
    return i < 0
      ? `never reached 0.80 in ${histories[name]!.epoch.length} epochs`
      : `reached 0.80 at epoch ${i + 1}`;
  };
  await finishLesson(run, {
    title: 'Batch normalisation, with vs without',
    figureTitle: 'Lesson 4: with and without batch normalisation',
    histories,
    variants: results,
    takeaway: () =>
      `Test accuracy without batch norm ${reach('without batch norm')} and ended at ${results[0]!.test.toFixed(3)}; ` +
      `with batch norm it ${reach('with batch norm')} and ended at ${results[1]!.test.toFixed(3)}.`,
  });
  data.dispose();
}
