// Makes the pictures of packages/diagnostics/README.md with the package itself, from real (small) training
// runs, into packages/diagnostics/assets/. Run from the repository root:
//   npx tsx packages/diagnostics/scripts/make-readme-pictures.ts
// Seeded and on the cpu backend (one core), so a rerun draws the same curves. Prints what the README quotes:
// the diagnoses, a terminal chart, the classification report and the cookbook network's summary.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeBlobs, makeCircles } from '@betterdl/datasets';
import {
  asciiCurves,
  classificationReport,
  confusionMatrix,
  diagnose,
  learningCurves,
  plotConfusionMatrix,
  plotWeightHistograms,
  summary,
  topKAccuracy,
  weightHistograms,
} from '@betterdl/diagnostics';
import { saveFigure } from '@betterdl/diagnostics/node';
import { initRuntime, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const seed = 1;
const epochs = 1000;
const assets = fileURLToPath(new URL('../assets/', import.meta.url));
mkdirSync(assets, { recursive: true });

await initRuntime({ seed, backend: 'cpu' });

async function save(spec: Parameters<typeof saveFigure>[0], name: string): Promise<void> {
  const { png } = await saveFigure(spec, `${assets}${name}`, { formats: ['png'], scale: 1.5 });
  console.log(`${png}: ${(statSync(png as string).size / 1024).toFixed(0)} KB`);
}

// 1. Over-fitting and its remedy: a 2-500-1 MLP that can memorise 30 points of makeCircles, with and without
//    an L2 penalty on its hidden kernel, judged on 70 held-out points (lesson 5 of the course).
const circles = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
const [trainX, testX] = tf.split(circles.x, [30, 70]) as [tf.Tensor2D, tf.Tensor2D];
const [trainY, testY] = tf.split(circles.y, [30, 70]) as [tf.Tensor2D, tf.Tensor2D];

const runs: Record<string, tfl.History> = {};
let histograms: ReturnType<typeof weightHistograms> | undefined;
for (const name of ['no regularisation', 'L2 (0.01)']) {
  setSeed(seed); // both runs start from the same weights
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [2],
        units: 500,
        activation: 'relu',
        kernelRegularizer: name === 'L2 (0.01)' ? tfl.regularizers.l2({ l2: 0.01 }) : undefined,
      }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const callbacks = name === 'no regularisation' ? [(histograms = weightHistograms({ freq: 200 }))] : [];
  runs[name] = await model.fit(trainX, trainY, {
    validationData: [testX, testY],
    epochs,
    verbose: 0,
    callbacks,
  });
  const d = diagnose(runs[name] as tfl.History);
  console.log(`\n${name}: ${d.verdict} — ${d.reason}`);
  console.log(JSON.stringify(d.evidence));
  model.dispose();
}
await save(
  learningCurves(runs, { title: 'makeCircles, 30 training points: without and with L2' }),
  'learning-curves',
);
console.log(`\n${asciiCurves(runs, { width: 50, height: 8 })}`);
await save(
  plotWeightHistograms(histograms as NonNullable<typeof histograms>, {
    title: 'Weights spreading out while the unregularised MLP over-fits',
  }),
  'weight-histograms',
);
tf.dispose([circles.x, circles.y, trainX, testX, trainY, testY]);

// 2. Three overlapping blobs (the lessons' multi-class problem), a small softmax classifier, and its confusion
//    matrix on the held-out half.
const blobs = makeBlobs({ nSamples: 1000, centers: 3, nFeatures: 2, clusterStd: 2, randomState: 2 });
const [bTrainX, bTestX] = tf.split(blobs.x, 2) as [tf.Tensor2D, tf.Tensor2D];
const labels = tf.tidy(() => tf.oneHot(tf.cast(tf.reshape(blobs.y, [-1]), 'int32'), 3));
const [bTrainY, bTestY] = tf.split(labels, 2) as [tf.Tensor2D, tf.Tensor2D];
setSeed(seed);
const classifier = tfl.sequential({
  layers: [
    tfl.layers.dense({ inputShape: [2], units: 50, activation: 'relu' }),
    tfl.layers.dense({ units: 3, activation: 'softmax' }),
  ],
});
classifier.compile({
  optimizer: tf.train.adam(0.01),
  loss: 'categoricalCrossentropy',
  metrics: ['accuracy'],
});
await classifier.fit(bTrainX, bTrainY, { epochs: 100, batchSize: 32, verbose: 0 });
const probabilities = classifier.predict(bTestX) as tf.Tensor2D;
const names = ['blob A', 'blob B', 'blob C'];
const cm = confusionMatrix(bTestY, probabilities, { targetNames: names });
console.log(`\n${classificationReport(bTestY, probabilities, { targetNames: names }).text}`);
console.log(
  `top-1 ${topKAccuracy(bTestY, probabilities, 1)}, top-2 ${topKAccuracy(bTestY, probabilities, 2)}`,
);
await save(plotConfusionMatrix(cm), 'confusion-matrix');
tf.dispose([blobs.x, blobs.y, bTrainX, bTestX, labels, bTrainY, bTestY, probabilities]);
classifier.dispose();

// 3. The cookbook's 784-1000-10 network, for the summary in the README (not trained).
const cookbook = tfl.sequential({
  layers: [
    tfl.layers.dense({ inputShape: [784], units: 1000, activation: 'relu' }),
    tfl.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
console.log(`\n${summary(cookbook)}`);
cookbook.dispose();
