import { BetterDLError, checkArgument, checkOptions } from '@betterdl/runtime';
import { type ClassLabels, type ClassSetOptions, classSet, readPair } from './class-indices';
import { FIGURE_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec';

/** Options of {@link confusionMatrix}: which classes, in which order, under which names. */
export interface ConfusionMatrixOptions extends ClassSetOptions {}

/** A confusion matrix: `matrix[i][j]` counts samples of true class `classes[i]` predicted as `classes[j]`. */
export interface ConfusionMatrix {
  /** Counts, rows = true class, columns = predicted class, both in the order of `classes`. */
  matrix: number[][];
  /** Display names of the rows / columns (`targetNames`, else the class indices as text). */
  labels: string[];
  /** The class indices of the rows / columns. */
  classes: number[];
  /** Number of samples counted (samples whose true or predicted class is outside `classes` are left out). */
  total: number;
  /** Fraction of the counted samples on the diagonal. */
  accuracy: number;
}

/**
 * Counts true-versus-predicted classes like scikit-learn's `confusion_matrix`. `yTrue` / `yPred` may be
 * class indices, one-hot rows, class probabilities or binary probabilities (see {@link ClassLabels});
 * mismatched lengths throw. Rows and columns are the sorted classes present in `yTrue` or `yPred`, or
 * `labels` to fix the set and order (samples outside it are not counted).
 *
 * @example
 * const cm = confusionMatrix(yTest, model.predict(xTest) as tf.Tensor, { targetNames: ['cat', 'dog'] });
 */
export function confusionMatrix(
  yTrue: ClassLabels,
  yPred: ClassLabels,
  opts: ConfusionMatrixOptions = {},
): ConfusionMatrix {
  checkOptions('confusionMatrix', opts, ['labels', 'targetNames']);
  const { t, p } = readPair(yTrue, yPred, 'confusionMatrix');
  const { classes, names, given } = classSet(t, p, 'confusionMatrix', opts);
  const pos = new Map(classes.map((c, i) => [c, i]));
  if (given && !t.some((c) => pos.has(c)))
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `confusionMatrix: none of labels ${JSON.stringify(classes)} occurs in yTrue; at least one must.`,
    );
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  let correct = 0;
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = pos.get(t[i] as number);
    const pi = pos.get(p[i] as number);
    if (ti === undefined || pi === undefined) continue;
    const row = matrix[ti] as number[];
    row[pi] = (row[pi] as number) + 1;
    total++;
    if (ti === pi) correct++;
  }
  return { matrix, labels: names, classes, total, accuracy: total ? correct / total : 0 };
}

/** Options of {@link plotConfusionMatrix}. */
export interface PlotConfusionMatrixOptions {
  /** Colour by the fraction of each true class (row) instead of raw counts. Defaults to `false`. */
  normalize?: boolean;
  /** Figure title. Defaults to `'Confusion matrix (accuracy …)'`. */
  title?: string;
  /** Side of the square in pixels. Defaults to `40` per class, at least `200`. */
  size?: number;
}

/** A heat-map figure of a {@link ConfusionMatrix}: true class down, predicted across, counts in the cells. */
export function plotConfusionMatrix(
  cm: ConfusionMatrix,
  opts: PlotConfusionMatrixOptions = {},
): VegaLiteSpec {
  checkOptions('plotConfusionMatrix', opts, ['normalize', 'title', 'size']);
  checkArgument(
    Array.isArray(cm?.matrix) && Array.isArray(cm.labels),
    'plotConfusionMatrix',
    'pass the result of confusionMatrix().',
  );
  const values = cm.matrix.flatMap((row, ti) => {
    const rowSum = row.reduce((a, b) => a + b, 0) || 1;
    return row.map((count, pi) => ({
      true: cm.labels[ti],
      predicted: cm.labels[pi],
      count,
      fraction: count / rowSum,
    }));
  });
  const size = opts.size ?? Math.max(200, 40 * cm.labels.length);
  const field = opts.normalize ? 'fraction' : 'count';
  const order = cm.labels;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: opts.title ?? `Confusion matrix (accuracy ${(cm.accuracy * 100).toFixed(1)}%)`,
    data: { values },
    width: size,
    height: size,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: order, title: 'predicted', axis: { labelAngle: 0 } },
      y: { field: 'true', type: 'ordinal', sort: order, title: 'true' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field,
            type: 'quantitative',
            scale: { scheme: 'blues' },
            title: opts.normalize ? 'fraction' : 'count',
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field, type: 'quantitative', format: opts.normalize ? '.2f' : 'd' },
          color: {
            condition: {
              test: `datum.${field} > 0.5 * ${maxOf(values.map((v) => v[field]))}`,
              value: 'white',
            },
            value: 'black',
          },
        },
      },
    ],
    config: FIGURE_CONFIG,
  };
}

function maxOf(xs: number[]): number {
  return xs.reduce((a, b) => Math.max(a, b), 0);
}
