import { checkArgument, checkOptions } from '@betterdl/runtime';
import { FIGURE_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec';
import type { WeightHistogramRecord } from './weight-histograms';

/** Options of {@link plotWeightHistograms}. */
export interface PlotWeightHistogramsOptions {
  /** Only these weights (names such as `dense_Dense1/kernel`). Defaults to every kernel (weights named `*kernel*`), or all when there is none. */
  weights?: string[];
  /** Only these recorded epochs. Defaults to all. */
  epochs?: number[];
  /** Panels per row. Defaults to `3`. */
  columns?: number;
  /** Figure title. Defaults to `'Weight distributions over training'`. */
  title?: string;
}

/**
 * One panel per weight showing its distribution at each recorded epoch (a line per epoch, darker = later),
 * so you see the weights spread out during training, or stay near zero with L2.
 */
export function plotWeightHistograms(
  records: readonly WeightHistogramRecord[] | { records: readonly WeightHistogramRecord[] },
  opts: PlotWeightHistogramsOptions = {},
): VegaLiteSpec {
  checkOptions('plotWeightHistograms', opts, ['weights', 'epochs', 'columns', 'title']);
  const all = Array.isArray(records)
    ? records
    : (records as { records: readonly WeightHistogramRecord[] }).records;
  checkArgument(
    Array.isArray(all) && all.length > 0,
    'plotWeightHistograms',
    'no records. Pass weightHistograms(...).records after a fit() that used the callback.',
  );
  const names = [...new Set(all.map((r) => r.weight))];
  const kernels = names.filter((n) => /kernel/i.test(n));
  const weights = opts.weights ?? (kernels.length ? kernels : names);
  for (const w of weights) {
    checkArgument(
      names.includes(w),
      'plotWeightHistograms',
      `no records for weight "${w}". Recorded: ${names.join(', ')}.`,
    );
  }
  const values = all
    .filter((r) => weights.includes(r.weight) && (!opts.epochs || opts.epochs.includes(r.epoch)))
    .flatMap((r) =>
      r.histogram.counts.map((count: number, i: number) => ({
        weight: r.weight,
        epoch: r.epoch,
        value: ((r.histogram.edges[i] as number) + (r.histogram.edges[i + 1] as number)) / 2,
        count,
      })),
    );
  checkArgument(values.length > 0, 'plotWeightHistograms', 'no records match the epochs asked for.');
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: opts.title ?? 'Weight distributions over training',
    data: { values },
    facet: { field: 'weight', type: 'nominal', title: null, sort: weights },
    columns: opts.columns ?? 3,
    spec: {
      width: 240,
      height: 150,
      mark: { type: 'line', strokeWidth: 1.3, interpolate: 'monotone' },
      encoding: {
        x: { field: 'value', type: 'quantitative', title: 'weight value' },
        y: { field: 'count', type: 'quantitative', title: 'count' },
        color: {
          field: 'epoch',
          type: 'quantitative',
          title: 'epoch',
          scale: { scheme: 'viridis', reverse: true },
        },
        detail: { field: 'epoch', type: 'nominal' },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: FIGURE_CONFIG,
  };
}
