// Lesson 03 of the 7-day "Better Deep Learning" course: a learning-rate schedule. The lesson-2 MLP is fitted
// with and without ReduceLROnPlateau(monitor 'val_loss', factor 0.1, patience 5, minDelta 1e-7) on
// makeCircles; the learning curves of both are overlaid in one figure.
import { reduceLROnPlateau } from '@betterdl/callbacks';
import * as tf from '@tensorflow/tfjs-core';
import { circles, circlesMlp, finishLesson, fitVariants } from '../_shared/course';
import type { LessonRun } from '../_shared/host';

/** The lesson's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  const epochs = run.quick ? 30 : 300;

  // make_circles(n_samples=1000, noise=0.1, random_state=1); the first 500 rows train, the rest test.
  const data = circles(1000, 500);

  const variants = [
    { name: 'without schedule', callbacks: [] },
    {
      name: 'ReduceLROnPlateau',
      callbacks: [
        reduceLROnPlateau({ monitor: 'val_loss', factor: 0.1, patience: 5, minDelta: 1e-7, verbose: 1 }),
      ],
    },
  ];
  const { histories, fitted } = await fitVariants(
    run,
    variants.map((v) => ({
      ...v,
      build: () => circlesMlp(50),
      // SGD with momentum: the tfjs optimizer whose learning rate a callback may change.
      optimizer: () => tf.train.momentum(0.01, 0.9),
      data,
      epochs,
      evalBatchSize: 500,
    })),
  );
  const results = fitted.map((f) => f.result);

  // How much the test loss still moved over the last 50 epochs: the schedule should leave it flat.
  const tailMove = (name: string) => {
    const v = histories[name]!.history.val_loss as number[];
    const tail = v.slice(-Math.min(50, v.length));
    return Math.max(...tail) - Math.min(...tail);
  };
  const takeaway = () => {
    const [plain, rlrp] = results;
    const [moveWithout, moveWith] = [tailMove('without schedule'), tailMove('ReduceLROnPlateau')];
    // ReduceLROnPlateau logs the rate of every epoch as `lr`: find the first cut.
    const lrs = (histories.ReduceLROnPlateau!.history.lr ?? []) as number[];
    const firstCut = lrs.findIndex((lr) => lr < (lrs[0] ?? 0));
    return (
      `Final test accuracy ${plain!.test.toFixed(3)} without a schedule and ${rlrp!.test.toFixed(3)} with ReduceLROnPlateau` +
      `${firstCut >= 0 ? `, which first cut the rate after epoch ${firstCut}` : ', which never cut the rate'}. ` +
      `Over the last 50 epochs the test loss moved by ${moveWithout.toFixed(4)} without and ${moveWith.toFixed(4)} with the schedule` +
      `${moveWith < moveWithout / 2 ? ': once the rate is cut, the curves go flat.' : '.'}`
    );
  };
  await finishLesson(run, {
    title: 'Learning-rate schedule: ReduceLROnPlateau, with vs without',
    figureTitle: 'Lesson 3: with and without ReduceLROnPlateau',
    histories,
    variants: results,
    takeaway,
  });
  data.dispose();
}
