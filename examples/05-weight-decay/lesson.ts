// Lesson 05 of the 7-day "Better Deep Learning" course: weight regularisation. A 500-unit MLP that can
// memorise 30 training samples is fitted for 4000 epochs with and without an L2 weight penalty
// (kernel_regularizer=l2(0.01)) on makeCircles; the learning curves of both are overlaid in one figure.
import * as tfl from '@tensorflow/tfjs-layers';
import { circles, circlesMlp, describeTestLoss, finishLesson, fitVariants } from '../_shared/course';
import type { LessonRun } from '../_shared/host';

/** The lesson's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  const epochs = run.quick ? 400 : 4000;

  // make_circles(n_samples=100, noise=0.1, random_state=1); the first 30 rows train, the other 70 test.
  const data = circles(100, 30);

  const variants = [
    { name: 'without L2', build: () => circlesMlp(500) },
    {
      name: 'L2(0.01)',
      build: () => circlesMlp(500, { kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }) }),
    },
  ];
  const { histories, fitted } = await fitVariants(
    run,
    variants.map((v) => ({ ...v, optimizer: () => 'adam', data, epochs, progress: 'val_loss' as const })),
  );
  const [plain, l2] = fitted.map((f) => f.result);

  await finishLesson(run, {
    title: 'Weight regularisation: L2 weight decay, with vs without',
    figureTitle: 'Lesson 5: with and without L2 weight regularisation',
    histories,
    variants: [plain!, l2!],
    takeaway: () =>
      `Final test accuracy ${plain!.test.toFixed(3)} without and ${l2!.test.toFixed(3)} with the L2 penalty ` +
      `(train ${plain!.train.toFixed(3)} / ${l2!.train.toFixed(3)}). ` +
      `${variants.map((v) => describeTestLoss(v.name, histories[v.name]!)).join('; ')}.`,
  });
  data.dispose();
}
