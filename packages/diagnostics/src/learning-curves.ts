import { BetterDLError, checkArgument, checkInteger, checkOptions, optionNames } from '@betterdl/runtime';
import { downsampleIndices } from './downsample';
import { metricNames, type NamedRun, normalizeRuns, type RunsInput } from './runs';
import { FIGURE_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec';

/** Options of {@link learningCurves}. */
export interface LearningCurvesOptions {
  /**
   * The metrics to draw, one panel each (train solid, validation dashed). Defaults to `loss` plus the first
   * accuracy-like metric (`acc`, `accuracy`, ...) or else the first other metric the runs hold.
   */
  metrics?: string[];
  /** Figure title. Defaults to none. */
  title?: string;
  /** Width of each panel in pixels. Defaults to `320`. */
  width?: number;
  /** Height of each panel in pixels. Defaults to `220`. */
  height?: number;
  /**
   * Most points drawn per curve; longer curves are thinned for drawing (largest-triangle-three-buckets, which
   * keeps peaks and dips). The data is not changed. Defaults to `500`.
   */
  maxPoints?: number;
  /** Draw the loss panel on a log scale. Defaults to `false`. */
  logLoss?: boolean;
}

/** One drawn point of a learning curve. */
export interface CurvePoint {
  run: string;
  split: 'train' | 'validation';
  metric: string;
  /** 1-based epoch. */
  epoch: number;
  value: number;
}

/** The curve points of `runs` for `metrics`, thinned to `maxPoints` per curve. */
export function curvePoints(runs: NamedRun[], metrics: string[], maxPoints: number): CurvePoint[] {
  const rows: CurvePoint[] = [];
  for (const run of runs) {
    for (const metric of metrics) {
      for (const split of ['train', 'validation'] as const) {
        const ys = run.history[split === 'train' ? metric : `val_${metric}`];
        if (!ys) continue;
        for (const i of downsampleIndices(ys, maxPoints)) {
          rows.push({ run: run.name, split, metric, epoch: i + 1, value: ys[i] as number });
        }
      }
    }
  }
  return rows;
}

/** The metrics drawn by default: `loss` and one other (accuracy-like first). */
export function defaultMetrics(runs: NamedRun[]): string[] {
  const names = metricNames(runs);
  return names.slice(0, 2);
}

const LEARNING_CURVES_OPTIONS = optionNames<LearningCurvesOptions>({
  metrics: true,
  title: true,
  width: true,
  height: true,
  maxPoints: true,
  logLoss: true,
});

function intOption(v: number | undefined, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  return checkInteger('learningCurves', name, v, { min }, `Omit it for the default ${dflt}.`);
}

/**
 * A two-panel learning-curve figure (loss; accuracy or another metric) of one history or several named
 * runs: epochs on x, train solid, validation dashed, one colour per run. Returns a Vega-Lite spec; draw it
 * with `render` (browser) or `saveFigure` (Node).
 *
 * @example
 * const history = await model.fit(x, y, { epochs: 100, validationSplit: 0.3 });
 * const spec = learningCurves({ 'no reg': history, l2: historyL2 });
 */
export function learningCurves(runs: RunsInput, opts: LearningCurvesOptions = {}): VegaLiteSpec {
  checkOptions('learningCurves', opts, LEARNING_CURVES_OPTIONS);
  const normalized = normalizeRuns(runs, 'learningCurves');
  const width = intOption(opts.width, 'width', 320, 50);
  const height = intOption(opts.height, 'height', 220, 50);
  const maxPoints = intOption(opts.maxPoints, 'maxPoints', 500, 3);
  const available = metricNames(normalized);
  const metrics = opts.metrics ?? defaultMetrics(normalized);
  checkArgument(
    metrics.length > 0,
    'learningCurves',
    'metrics is empty. Name at least one metric, e.g. ["loss"].',
  );
  for (const m of metrics) {
    if (!available.includes(m)) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `learningCurves: no run has the metric "${m}". Available: ${available.join(', ')}.`,
      );
    }
  }
  const runNames = normalized.map((r) => r.name);
  const panels = metrics.map((metric) => ({
    title: metric,
    width,
    height,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    mark: { type: 'line', strokeWidth: 1.6, clip: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { nice: false } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: metric,
        scale: { zero: false, ...(metric === 'loss' && opts.logLoss ? { type: 'log' } : {}) },
      },
      color: { field: 'run', type: 'nominal', title: 'run', scale: { domain: runNames } },
      strokeDash: {
        field: 'split',
        type: 'nominal',
        title: 'data',
        scale: {
          domain: ['train', 'validation'],
          range: [
            [1, 0],
            [6, 3],
          ],
        },
      },
      tooltip: [
        { field: 'run' },
        { field: 'split' },
        { field: 'epoch', type: 'quantitative' },
        { field: 'value', type: 'quantitative', format: '.4g' },
      ],
    },
  }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    data: { values: curvePoints(normalized, metrics, maxPoints) },
    hconcat: panels,
    config: FIGURE_CONFIG,
  };
}
