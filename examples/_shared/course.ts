// The 7-day course (lessons 01-07) trains small MLPs on makeCircles and compares variants by their learning
// curves. What every lesson does the same way lives here: the data split, the model, fitting one variant
// (same seed, progress lines, accuracies, diagnosis) and finishing (figure, takeaway, result). It uses only
// the packages' main entries and the run's host (host.ts), so it runs in Node and in the docs site's worker.
import { makeCircles } from '@betterdl/datasets';
import { diagnose, learningCurves } from '@betterdl/diagnostics';
import { setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { accuracy } from './accuracy';
import type { LessonRun, VariantResult } from './host';

/** makeCircles split into a training and a test set. */
export interface Circles {
  trainX: tf.Tensor2D;
  trainY: tf.Tensor2D;
  testX: tf.Tensor2D;
  testY: tf.Tensor2D;
  /** Disposes every tensor of the split. */
  dispose(): void;
}

/** `make_circles(n_samples=nSamples, noise=0.1, random_state=1)`: the first `nTrain` rows train, the rest test. */
export function circles(nSamples: number, nTrain: number): Circles {
  const data = makeCircles({ nSamples, noise: 0.1, randomState: 1 });
  const sizes = [nTrain, nSamples - nTrain];
  const [trainX, testX] = tf.split(data.x, sizes) as [tf.Tensor2D, tf.Tensor2D];
  const [trainY, testY] = tf.split(data.y, sizes) as [tf.Tensor2D, tf.Tensor2D];
  return {
    trainX,
    trainY,
    testX,
    testY,
    dispose: () => tf.dispose([data.x, data.y, trainX, testX, trainY, testY]),
  };
}

/** Options of {@link circlesMlp}. */
export interface CirclesMlpOptions {
  /** The hidden layer's kernel regularizer. Defaults to none. */
  kernelRegularizer?: ReturnType<typeof tfl.regularizers.l2>;
  /** A layer made between the hidden and the output layer (batch norm, noise). Defaults to none. */
  between?: () => tfl.layers.Layer;
}

/** The course's model: 2 inputs → Dense(units, relu) → [between] → Dense(1, sigmoid). */
export function circlesMlp(units: number, options: CirclesMlpOptions = {}): tfl.Sequential {
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      inputShape: [2],
      units,
      activation: 'relu',
      ...(options.kernelRegularizer ? { kernelRegularizer: options.kernelRegularizer } : {}),
    }),
  );
  if (options.between) model.add(options.between());
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  return model;
}

/** One variant of a lesson: its model, optimizer, data and training settings. */
export interface LessonVariant {
  /** Its name in the figure's legend. */
  name: string;
  /** Its name in the printed lines and result.json. Defaults to `name`. */
  label?: string;
  /** Builds the (uncompiled) model; called right after `setSeed(seed)`, so every variant starts alike. */
  build: () => tfl.LayersModel;
  /** The optimizer (a new one per variant). */
  optimizer: () => tf.Optimizer | string;
  data: Circles;
  epochs: number;
  /** Defaults to tfjs's 32. */
  batchSize?: number;
  /** Defaults to none. */
  callbacks?: tfl.Callback[];
  /** Print this validation metric ten times during the fit. Defaults to no progress lines. */
  progress?: 'val_acc' | 'val_loss';
  /** evaluate's batch size for the accuracies. Defaults to 32. */
  evalBatchSize?: number;
}

/** A fitted variant: its history and its row of result.json. */
export interface FittedVariant {
  history: tfl.History;
  result: VariantResult;
  /** `diagnose(history).evidence`. */
  evidence: ReturnType<typeof diagnose>['evidence'];
}

/** Seeds, builds, compiles and fits one variant, prints its accuracies and diagnosis, and disposes the model. */
export async function fitVariant(run: LessonRun, v: LessonVariant): Promise<FittedVariant> {
  const { host } = run;
  setSeed(run.seed);
  const model = v.build();
  model.compile({ optimizer: v.optimizer(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const label = v.label ?? v.name;
  const callbacks: (tfl.Callback | tfl.CustomCallback)[] = [...(v.callbacks ?? [])];
  const metric = v.progress;
  if (metric) {
    const every = Math.ceil(v.epochs / 10);
    callbacks.push(
      new tfl.CustomCallback({
        onEpochEnd: async (epoch, logs) => {
          if ((epoch + 1) % every === 0)
            host.log(`${label}: epoch ${epoch + 1}/${v.epochs}, ${metric} ${logs?.[metric]?.toFixed(3)}`);
        },
      }),
    );
  }
  const onEpochEnd = host.onEpochEnd;
  if (onEpochEnd) {
    callbacks.push(
      new tfl.CustomCallback({ onEpochEnd: async (epoch, logs) => onEpochEnd(v.name, epoch, logs ?? {}) }),
    );
  }
  const { trainX, trainY, testX, testY } = v.data;
  const started = performance.now();
  const history = await model.fit(trainX, trainY, {
    validationData: [testX, testY],
    epochs: v.epochs,
    ...(v.batchSize === undefined ? {} : { batchSize: v.batchSize }),
    verbose: 0,
    callbacks,
  });
  const seconds = (performance.now() - started) / 1000;
  const train = await accuracy(model, trainX, trainY, v.evalBatchSize);
  const test = await accuracy(model, testX, testY, v.evalBatchSize);
  const { verdict, reason, suggestions, evidence } = diagnose(history, { monitor: 'val_loss' });
  host.log(`${label}: Train: ${train.toFixed(3)}, Test: ${test.toFixed(3)} (${seconds.toFixed(1)} s)`);
  host.log(`  diagnosis: ${verdict} — ${reason}`);
  model.dispose();
  const result = {
    name: label,
    train,
    test,
    epochs: history.epoch.length,
    seconds,
    verdict,
    reason,
    suggestions,
  };
  host.onVariantEnd?.(result);
  return { history, evidence, result };
}

/** Fits every variant in turn; returns the histories by name (for the figure) and the fitted variants. */
export async function fitVariants(
  run: LessonRun,
  variants: LessonVariant[],
): Promise<{ histories: Record<string, tfl.History>; fitted: FittedVariant[] }> {
  const histories: Record<string, tfl.History> = {};
  const fitted: FittedVariant[] = [];
  for (const v of variants) {
    const f = await fitVariant(run, v);
    histories[v.name] = f.history;
    fitted.push(f);
  }
  return { histories, fitted };
}

/** Shows the overlaid learning curves (Node: saves them), prints the takeaway and reports the result. */
export async function finishLesson(
  run: LessonRun,
  lesson: {
    /** result.json's title. */
    title: string;
    /** The figure's title. */
    figureTitle: string;
    histories: Record<string, tfl.History>;
    variants: VariantResult[];
    /** Written from the histories and results once the figure is saved. */
    takeaway: () => string;
  },
): Promise<void> {
  const spec = learningCurves(lesson.histories, { title: lesson.figureTitle });
  const figure = await run.host.figure(spec);
  const takeaway = lesson.takeaway();
  run.host.log(takeaway);
  await run.host.result({ title: lesson.title, variants: lesson.variants, figure, takeaway });
}

/** Over-fitting shows as a test loss that climbs back up after its minimum: where it was lowest, and its end. */
export function describeTestLoss(name: string, history: tfl.History): string {
  const v = history.history.val_loss as number[];
  const best = Math.min(...v);
  return `${name}: lowest test loss ${best.toFixed(3)} at epoch ${v.indexOf(best) + 1}, final ${v[v.length - 1]!.toFixed(3)}`;
}
