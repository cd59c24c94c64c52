import { checkOneOf, checkString, invalidArgument } from './validate';

/**
 * The one set of metric-name rules of betterdl: which log keys a monitored name reads, and whether higher
 * or lower is better. Callbacks (`earlyStopping`, `reduceLROnPlateau`, `modelCheckpoint`) and diagnostics
 * (`diagnose`) all call these functions, so a name means the same thing everywhere.
 */

/** Whether a smaller (`'min'`) or a larger (`'max'`) value of a metric is better. */
export type MetricDirection = 'min' | 'max';

/** A mode option: a direction, or `'auto'` to read it from the metric's name. */
export type MetricMode = MetricDirection | 'auto';

/** Keras and tfjs spellings of the same metric (tfjs logs `acc` whichever of the two was compiled). */
const ALIASES: Readonly<Record<string, string>> = Object.freeze({ accuracy: 'acc', acc: 'accuracy' });

const MAX_NAMES =
  /(^|_)(acc|accuracy|auc|prc|precision|recall|top_?k|f1|fbeta|iou|r2|cosine_similarity|true_positives|true_negatives|sensitivity|specificity)(?=_|\d|$)/;
const MIN_NAMES =
  /(^|_)(loss|error|crossentropy|ce|hinge|divergence|kld|mse|mae|mape|msle|rmse|logcosh|poisson|false_positives|false_negatives|cosine_proximity)(?=_|\d|$)/;

/** `val_binaryAccuracy` → `{ validation: true, base: 'binaryAccuracy' }`. */
export function splitMetricName(name: string): { validation: boolean; base: string } {
  return name.startsWith('val_')
    ? { validation: true, base: name.slice(4) }
    : { validation: false, base: name };
}

/**
 * The log keys that hold `name`, most specific first: the name itself, then its alias
 * (`val_accuracy` → `['val_accuracy', 'val_acc']`, `acc` → `['acc', 'accuracy']`).
 */
export function metricLogKeys(name: string): string[] {
  const { validation, base } = splitMetricName(name);
  const alias = ALIASES[base];
  return alias === undefined ? [name] : [name, `${validation ? 'val_' : ''}${alias}`];
}

/** The value of metric `name` in `record` (epoch logs or a history), trying its aliases; `undefined` if absent. */
export function pickMetric<V>(record: Readonly<Record<string, V>> | undefined, name: string): V | undefined {
  if (!record) return undefined;
  for (const key of metricLogKeys(name)) {
    if (Object.hasOwn(record, key) && record[key] !== undefined) return record[key];
  }
  return undefined;
}

/**
 * The direction of a metric read from its name, or `undefined` when the name does not say. `val_` is
 * ignored and camelCase tfjs names read like Keras's snake_case ones. Names ending in `loss` are minimised;
 * accuracy-like names (`acc`, `auc`, `prc`, `precision`, `recall`, `top_k…`, `f1`, `iou`, `r2`, …) are
 * maximised; error-like names (`…error`, `…crossentropy`, `mse`, `mae`, `hinge`, `poisson`, …) minimised.
 */
export function metricDirectionOf(name: string): MetricDirection | undefined {
  const snake = splitMetricName(name)
    .base.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
  if (snake.endsWith('loss')) return 'min';
  if (MAX_NAMES.test(snake)) return 'max';
  if (MIN_NAMES.test(snake)) return 'min';
  return undefined;
}

/**
 * Resolves a `mode` option for metric `name` (the rule of every betterdl function with a `mode`): `'min'`
 * and `'max'` are kept; `'auto'` is {@link metricDirectionOf}, and a name that says neither throws
 * `INVALID_ARGUMENT` asking for `mode: 'min'` or `mode: 'max'`. Any other mode throws too.
 */
export function resolveMetricDirection(fn: string, name: unknown, mode: unknown = 'auto'): MetricDirection {
  const m = checkOneOf(fn, 'mode', mode, ['auto', 'min', 'max'] as const);
  const metric = checkString(fn, 'monitor', name, "Pass a metric name such as 'val_loss'.");
  if (m !== 'auto') return m;
  const dir = metricDirectionOf(metric);
  if (dir === undefined) {
    throw invalidArgument(
      fn,
      `cannot tell whether a higher or a lower '${metric}' is better. Pass mode: 'min' or mode: 'max'.`,
    );
  }
  return dir;
}
