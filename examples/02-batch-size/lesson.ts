// Lesson 02 of the 7-day "Better Deep Learning" course: batch size. The same MLP is fitted with batch
// gradient descent (the whole training set per update), mini-batch (32) and stochastic (1 sample per update)
// gradient descent on makeCircles; the learning curves of the three are overlaid in one figure.
import * as tf from '@tensorflow/tfjs-core';
import { circles, circlesMlp, finishLesson, fitVariants } from '../_shared/course';
import type { LessonRun } from '../_shared/host';

/** The lesson's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  const { quick } = run;

  // make_circles(n_samples=1000, noise=0.1, random_state=1); the first 500 rows train, the rest test.
  const data = circles(1000, 500);

  const variants = [
    { name: 'batch (500)', batchSize: 500, epochs: quick ? 50 : 1000 },
    { name: 'mini-batch (32)', batchSize: 32, epochs: quick ? 50 : 1000 },
    { name: 'stochastic (1)', batchSize: 1, epochs: quick ? 3 : 200 },
  ];
  const { histories, fitted } = await fitVariants(
    run,
    variants.map((v) => ({
      ...v,
      build: () => circlesMlp(50),
      optimizer: () => tf.train.momentum(0.01, 0.9),
      data,
      progress: 'val_acc' as const,
      evalBatchSize: 500,
    })),
  );

  // How many epochs each variant needed to first reach 80% test accuracy: the speed of learning.
  const reach = (name: string) => {
    const i = (histories[name]!.history.val_acc as number[]).findIndex((a) => a >= 0.8);
    return i < 0
      ? `never reached 0.80 in ${histories[name]!.epoch.length} epochs`
      : `reached 0.80 at epoch ${i + 1}`;
  };
  // The wiggle of the train loss around its trend, as diagnose() measured it.
  const wiggle = (i: number) => `${(fitted[i]!.evidence.trainNoise * 100).toFixed(1)}%`;
  await finishLesson(run, {
    title: 'Batch size: batch vs mini-batch vs stochastic gradient descent',
    figureTitle: 'Lesson 2: batch vs mini-batch vs stochastic gradient descent',
    histories,
    variants: fitted.map((f) => f.result),
    takeaway: () =>
      `Test accuracy ${variants.map((v) => `${v.name} ${reach(v.name)}`).join('; ')}. Wiggle of the train loss around its trend (second half, share of its range): ${variants.map((v, i) => `${v.name} ${wiggle(i)}`).join(', ')}.`,
  });
  data.dispose();
}
