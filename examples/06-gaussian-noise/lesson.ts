// Lesson 06 of the 7-day "Better Deep Learning" course: adding noise. A 500-unit MLP that can memorise 30
// training samples is fitted for 4000 epochs with and without a GaussianNoise(0.1) layer between its hidden
// and output layers on makeCircles; the learning curves of both are overlaid in one figure.
import * as tfl from '@tensorflow/tfjs-layers';
import { circles, circlesMlp, describeTestLoss, finishLesson, fitVariants } from '../_shared/course';
import type { LessonRun } from '../_shared/host';

/** The lesson's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  const epochs = run.quick ? 400 : 4000;

  // make_circles(n_samples=100, noise=0.1, random_state=1); the first 30 rows train, the other 70 test.
  const data = circles(100, 30);

  const variants = [
    { name: 'without noise', build: () => circlesMlp(500) },
    {
      name: 'GaussianNoise(0.1)',
      // Noise is added only while training; evaluate() and predict() see the clean activations.
      build: () => circlesMlp(500, { between: () => tfl.layers.gaussianNoise({ stddev: 0.1 }) }),
    },
  ];
  const { histories, fitted } = await fitVariants(
    run,
    variants.map((v) => ({ ...v, optimizer: () => 'adam', data, epochs, progress: 'val_loss' as const })),
  );
  const [plain, noisy] = fitted.map((f) => f.result);

  await finishLesson(run, {
    title: 'Adding noise: GaussianNoise(0.1), with vs without',
    figureTitle: 'Lesson 6: with and without Gaussian noise between the layers',
    histories,
    variants: [plain!, noisy!],
    takeaway: () =>
      `Final test accuracy ${plain!.test.toFixed(3)} without and ${noisy!.test.toFixed(3)} with the noise layer ` +
      `(train ${plain!.train.toFixed(3)} / ${noisy!.train.toFixed(3)}). ` +
      `${variants.map((v) => describeTestLoss(v.name, histories[v.name]!)).join('; ')}.`,
  });
  data.dispose();
}
