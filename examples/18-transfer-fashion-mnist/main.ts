// Transfer learning on real data, offline. The base network (base-model/, made by train-base.ts) learnt
// Fashion-MNIST classes 0-4 (T-shirt/top, Trouser, Pullover, Dress, Coat). The new task is classes 5-9
// (Sandal, Shirt, Sneaker, Bag, Ankle boot) with only a few hundred labelled images. Three ways, as in the
// lesson: feature extraction (cut the base before its dense head, train softmax regression on its
// features), fine-tuning (new head, warm it up on the frozen base, then unfreeze and train on) and, for
// reference, the same network trained from scratch. Prints accuracy and time of each, writes result.json.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initRuntime, setSeed } from '@betterdl/runtime';
import {
  attachHead,
  extractFeatures,
  featureExtractor,
  fineTune,
  loadPretrained,
  recommendStrategy,
  softmaxRegression,
} from '@betterdl/transfer/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeResultJson } from '../_shared/lesson';
import { baseCnn } from './base-cnn';
import { CLASS_NAMES, loadClasses, type Subset } from './fashion-mnist';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BETTERDL_QUICK === '1' || process.argv.includes('--quick');
const seed = Number(process.env.BETTERDL_SEED ?? 1);
const out = process.env.BETTERDL_OUT ?? 'reports/18-transfer-fashion-mnist';
const NEW_CLASSES = [5, 6, 7, 8, 9];
const sizes = quick ? [100] : [100, 500];
// Few labelled images make single runs noisy: the full run repeats each approach with 3 seeds.
const seeds = quick ? [seed] : [seed, seed + 1, seed + 2];
const epochs = quick
  ? { warmup: 2, unfreeze: 2, scratch: 4, regression: 20 }
  : { warmup: 10, unfreeze: 10, scratch: 20, regression: 100 };
const baseDir = join(here, 'base-model');

const { backend } = await initRuntime({ seed });
const test = await loadClasses('t10k', NEW_CLASSES, quick ? 200 : Number.POSITIVE_INFINITY);

function accuracyOf(probs: tf.Tensor, labels: Int32Array): number {
  const pred = tf.argMax(probs, 1);
  const p = pred.dataSync();
  pred.dispose();
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (p[i] === labels[i]) hit++;
  return hit / labels.length;
}

function evaluate(model: tfl.LayersModel, data: Subset): number {
  const probs = model.predict(data.x, { batchSize: 256 }) as tf.Tensor;
  const acc = accuracyOf(probs, data.labels);
  probs.dispose();
  return acc;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** Feature extraction: the base without its dense head, then softmax regression on its 400 features. */
async function featureExtraction(train: Subset) {
  const base = await loadPretrained(baseDir);
  const extractor = featureExtractor(base); // ends at 'flatten', the layer before fc1
  const { value: classifier, seconds } = await timed(async () => {
    const feats = await extractFeatures(extractor, train.x, { batchSize: 128 });
    const fit = await softmaxRegression(feats, train.labels, { epochs: epochs.regression });
    feats.dispose();
    return fit.model;
  });
  const testFeats = await extractFeatures(extractor, test.x, { batchSize: 256 });
  const acc = evaluate(classifier, { ...test, x: testFeats as tf.Tensor4D });
  testFeats.dispose();
  classifier.dispose();
  base.dispose();
  return { acc, seconds, detail: `${extractor.outputs[0]?.shape[1]} features, ${epochs.regression} epochs` };
}

/** Fine-tuning: a new head on the frozen body, warmed up, then everything unfrozen with a 10x smaller rate. */
async function fineTuning(train: Subset) {
  const base = await loadPretrained(baseDir);
  const model = attachHead(featureExtractor(base), { classes: NEW_CLASSES.length, hidden: 64, dropout: 0.3 });
  const { seconds } = await timed(() =>
    fineTune(
      model,
      { x: train.x, y: train.y },
      {
        warmup: { epochs: epochs.warmup, lr: 1e-3 },
        unfreeze: { layers: 'all', epochs: epochs.unfreeze, lr: 1e-4 },
        batchSize: 32,
      },
    ),
  );
  const acc = evaluate(model, test);
  model.dispose();
  base.getLayer('fc1').dispose();
  base.getLayer('predictions').dispose();
  return { acc, seconds, detail: `${epochs.warmup} warm-up + ${epochs.unfreeze} epochs` };
}

/** From scratch: the base architecture, randomly initialised, trained on the few new images only. */
async function fromScratch(train: Subset) {
  const model = baseCnn(NEW_CLASSES.length);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const { seconds } = await timed(() =>
    model.fit(train.x, train.y, { epochs: epochs.scratch, batchSize: 32, shuffle: true, verbose: 0 }),
  );
  const acc = evaluate(model, test);
  model.dispose();
  return { acc, seconds, detail: `${epochs.scratch} epochs` };
}

const t0 = performance.now();
interface Row {
  samples: number;
  approach: string;
  testAccuracy: number;
  min: number;
  max: number;
  seconds: number;
  detail: string;
  runs: Array<{ seed: number; testAccuracy: number; seconds: number }>;
}
const rows: Row[] = [];
for (const n of sizes) {
  const train = await loadClasses('train', NEW_CLASSES, n / NEW_CLASSES.length);
  for (const [approach, run] of [
    ['feature extraction', featureExtraction],
    ['fine-tuning', fineTuning],
    ['from scratch', fromScratch],
  ] as const) {
    const runs: Row['runs'] = [];
    let detail = '';
    for (const s of seeds) {
      setSeed(s);
      const r = await run(train);
      detail = r.detail;
      runs.push({ seed: s, testAccuracy: r.acc, seconds: r.seconds });
      console.log(
        `${n} samples, ${approach}, seed ${s}: accuracy ${r.acc.toFixed(4)} in ${r.seconds.toFixed(1)} s (${detail})`,
      );
    }
    const accs = runs.map((r) => r.testAccuracy);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    rows.push({
      samples: n,
      approach,
      testAccuracy: mean(accs),
      min: Math.min(...accs),
      max: Math.max(...accs),
      seconds: mean(runs.map((r) => r.seconds)),
      detail,
      runs,
    });
  }
  tf.dispose([train.x, train.y]);
}
const seconds = (performance.now() - t0) / 1000;

console.log(
  `\nTransfer from ${[0, 1, 2, 3, 4].map((c) => CLASS_NAMES[c]).join(', ')} to ${NEW_CLASSES.map((c) => CLASS_NAMES[c]).join(', ')}` +
    `\n(test: ${test.labels.length} images; backend ${backend}; seeds ${seeds.join(', ')}${quick ? '; QUICK mode' : ''})\n`,
);
console.log(
  `| labelled images | approach           | test accuracy (mean of ${seeds.length}) | min – max       | train time (s) |`,
);
console.log(
  '| --------------- | ------------------ | ------------------------ | --------------- | -------------- |',
);
for (const r of rows) {
  console.log(
    `| ${String(r.samples).padEnd(15)} | ${r.approach.padEnd(18)} | ${r.testAccuracy.toFixed(4).padEnd(24)} | ${`${r.min.toFixed(4)} – ${r.max.toFixed(4)}`.padEnd(15)} | ${r.seconds.toFixed(1).padEnd(14)} |`,
  );
}
const advice = recommendStrategy({ samples: sizes[0] as number, similarity: 'similar' });
console.log(
  `\nrecommendStrategy({ samples: ${sizes[0]}, similarity: 'similar' }): ${advice.strategy} — ${advice.reason}`,
);

const resultPath = await writeResultJson(out, {
  example: '18-transfer-fashion-mnist',
  title: 'Transfer learning: feature extraction vs fine-tuning vs from scratch on Fashion-MNIST 5-9',
  backend,
  quick,
  seeds,
  seconds: Number(seconds.toFixed(1)),
  base: JSON.parse(readFileSync(join(baseDir, 'training.json'), 'utf8')),
  testImages: test.labels.length,
  rows: rows.map((r) => ({
    ...r,
    testAccuracy: Number(r.testAccuracy.toFixed(4)),
    seconds: Number(r.seconds.toFixed(2)),
    runs: r.runs.map((u) => ({
      ...u,
      testAccuracy: Number(u.testAccuracy.toFixed(4)),
      seconds: Number(u.seconds.toFixed(2)),
    })),
  })),
  recommendation: advice,
});
tf.dispose([test.x, test.y]);
console.log(`wrote ${resultPath}`);
