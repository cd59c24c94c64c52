import { checkArgument, checkOptions } from '@betterdl/runtime';
import { type ClassLabels, readPair } from './class-indices';
import { FIGURE_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Class names, one per class index. Defaults to `'0'`, `'1'`, ... for as many classes as seen. */
  labels?: string[];
}

/** A confusion matrix: `matrix[t][p]` counts samples of true class `t` predicted as `p`. */
export interface ConfusionMatrix {
  /** Counts, rows = true class, columns = predicted class. */
  matrix: number[][];
  /** Class names. */
  labels: string[];
  /** Number of samples. */
  total: number;
  /** Fraction on the diagonal. */
  accuracy: number;
}

/**
 * Counts true-versus-predicted classes. `yTrue` / `yPred` may be class indices, one-hot rows, class
 * probabilities or binary probabilities (see {@link ClassLabels}); mismatched lengths throw.
 */
export function confusionMatrix(
  yTrue: ClassLabels,
  yPred: ClassLabels,
  opts: ConfusionMatrixOptions = {},
): ConfusionMatrix {
  checkOptions('confusionMatrix', opts, ['labels']);
  checkArgument(
    opts.labels === undefined || (Array.isArray(opts.labels) && opts.labels.length > 0),
    'confusionMatrix',
    'labels must be a non-empty array of class names.',
  );
  const { t, p, numClasses } = readPair(yTrue, yPred, 'confusionMatrix', opts.labels);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < t.length; i++) {
    const row = matrix[t[i] as number] as number[];
    row[p[i] as number] = (row[p[i] as number] as number) + 1;
    if (t[i] === p[i]) correct++;
  }
  const labels = opts.labels ?? Array.from({ length: numClasses }, (_, i) => String(i));
  return { matrix, labels, total: t.length, accuracy: correct / t.length };
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
