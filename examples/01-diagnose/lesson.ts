// Lesson 01 of the 7-day "Better Deep Learning" course: a framework for better deep learning. Problems show up
// in one of three places — learning (the model cannot fit the training data, or fits it slowly),
// generalisation (it fits the training data but not new data) or prediction (results vary from run to run).
// Each is provoked here on makeCircles and diagnosed from its learning curves with diagnose().
import { setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { accuracy } from '../_shared/accuracy';
import { circles, circlesMlp, finishLesson, fitVariants, type LessonVariant } from '../_shared/course';
import type { LessonRun } from '../_shared/host';

/** The lesson's training code, run by a host: Node (main.ts) or the docs site's Web Worker. */
export async function lesson(run: LessonRun): Promise<void> {
  const { quick, seed } = run;

  // make_circles(n_samples=1000, noise=0.1, random_state=1); the first 500 rows train, the rest test.
  const big = circles(1000, 500);
  // The same problem with only 30 training samples (and 70 test samples): easy to over-fit.
  const small = circles(100, 30);

  const variants: (LessonVariant & { detail: string })[] = [
    {
      name: 'learning problem',
      detail: 'SGD, lr 1e-4',
      build: () => circlesMlp(50),
      optimizer: () => tf.train.sgd(0.0001),
      data: big,
      epochs: quick ? 20 : 200,
    },
    {
      name: 'generalisation',
      detail: '30 samples, 500 units',
      build: () => circlesMlp(500),
      optimizer: () => tf.train.adam(),
      data: small,
      epochs: quick ? 100 : 1000,
    },
    {
      name: 'good fit',
      detail: 'SGD 0.01, momentum 0.9',
      build: () => circlesMlp(50),
      optimizer: () => tf.train.momentum(0.01, 0.9),
      data: big,
      epochs: quick ? 20 : 200,
    },
  ];
  const { histories, fitted } = await fitVariants(
    run,
    variants.map((v) => ({ ...v, label: `${v.name} (${v.detail})`, evalBatchSize: 500 })),
  );
  const results = fitted.map((f) => f.result);

  // Prediction problems: the same configuration trained from different random starts ends differently.
  const repeats = quick ? 3 : 5;
  const shortEpochs = quick ? 10 : 50;
  const testAccs: number[] = [];
  const started = performance.now();
  for (let r = 0; r < repeats; r++) {
    setSeed(seed + 1000 + r);
    const model = circlesMlp(50);
    model.compile({
      optimizer: tf.train.momentum(0.01, 0.9),
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    await model.fit(big.trainX, big.trainY, { epochs: shortEpochs, verbose: 0 });
    testAccs.push(await accuracy(model, big.testX, big.testY, 500));
    model.dispose();
  }
  const mean = testAccs.reduce((s, a) => s + a, 0) / repeats;
  const std = Math.sqrt(testAccs.reduce((s, a) => s + (a - mean) ** 2, 0) / repeats);
  run.host.log(
    `prediction problem: ${repeats} runs of ${shortEpochs} epochs from different seeds: Test: ${mean.toFixed(3)} ± ${std.toFixed(3)} (${testAccs.map((a) => a.toFixed(3)).join(', ')})`,
  );
  results.push({
    name: `prediction problem (${repeats} seeds)`,
    train: Number.NaN,
    test: mean,
    epochs: shortEpochs,
    seconds: (performance.now() - started) / 1000,
    verdict: 'varies',
    reason: `test accuracy ${testAccs.map((a) => a.toFixed(3)).join(', ')}: a spread of ±${std.toFixed(3)} from the random start alone`,
    suggestions: ['average several models (an ensemble)', 'train longer or with a smaller learning rate'],
  });

  await finishLesson(run, {
    title: 'A framework: problems of learning, of generalisation, of prediction',
    figureTitle: 'Lesson 1: problems of learning, of generalisation, and a good fit',
    histories,
    variants: results,
    takeaway: () =>
      `${results
        .slice(0, 3)
        .map((r) => `${r.name}: ${r.verdict}`)
        .join(
          '; ',
        )}. Runs from ${repeats} different seeds reach test accuracy ${mean.toFixed(3)} ± ${std.toFixed(3)}.`,
  });
  big.dispose();
  small.dispose();
}
