// Lesson 07 of the 7-day "Better Deep Learning" course: early stopping. A 500-unit MLP that can memorise 30
// training samples is fitted for up to 4000 epochs without and with EarlyStopping(monitor 'val_loss', mode
// 'min', patience 200) on makeCircles — and once more with restoreBestWeights, which Keras has and stock tfjs
// lacks. The learning curves of the three are overlaid in one figure.
import { earlyStopping } from '@betterdl/callbacks';
import { circles, circlesMlp, finishLesson, fitVariants } from '../_shared/course';
import type { LessonRun } from '../_shared/host';

/** The lesson's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  const epochs = run.quick ? 400 : 4000;

  // make_circles(n_samples=100, noise=0.1, random_state=1); the first 30 rows train, the other 70 test.
  const data = circles(100, 30);

  const patience = run.quick ? 20 : 200;
  const variants = [
    { name: 'no early stopping', callbacks: [] },
    {
      name: 'EarlyStopping',
      callbacks: [earlyStopping({ monitor: 'val_loss', mode: 'min', patience, verbose: 1 })],
    },
    {
      name: 'restoreBestWeights',
      callbacks: [
        earlyStopping({ monitor: 'val_loss', mode: 'min', patience, restoreBestWeights: true, verbose: 1 }),
      ],
    },
  ];
  const { histories, fitted } = await fitVariants(
    run,
    variants.map((v) => ({
      ...v,
      build: () => circlesMlp(500),
      optimizer: () => 'adam',
      data,
      epochs,
      progress: 'val_loss' as const,
    })),
  );
  const [plain, stopped, restored] = fitted.map((f) => f.result);

  await finishLesson(run, {
    title: 'Early stopping, with vs without',
    figureTitle: 'Lesson 7: with and without early stopping',
    histories,
    variants: [plain!, stopped!, restored!],
    takeaway: () => {
      // Where the test loss was lowest in the full run, and where early stopping stopped.
      const full = histories['no early stopping']!.history.val_loss as number[];
      const bestEpoch = full.indexOf(Math.min(...full)) + 1;
      return (
        `Without early stopping the model trained all ${plain!.epochs} epochs (test accuracy ${plain!.test.toFixed(3)}); ` +
        `its test loss was lowest at epoch ${bestEpoch}. EarlyStopping stopped after ${stopped!.epochs} epochs ` +
        `(test accuracy ${stopped!.test.toFixed(3)}, the last weights); with restoreBestWeights it kept the weights of the ` +
        `best epoch (test accuracy ${restored!.test.toFixed(3)}).`
      );
    },
  });
  data.dispose();
}
