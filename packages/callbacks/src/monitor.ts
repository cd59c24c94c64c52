import {
  checkOneOf,
  type MetricMode,
  metricLogKeys,
  pickMetric,
  resolveMetricDirection,
} from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The log key tfjs uses for a monitor name: Keras's `accuracy` / `val_accuracy` become tfjs's
 * `acc` / `val_acc`; other names are unchanged. The rule lives in `@betterdl/runtime`'s metric-name module.
 */
export function tfjsMonitorName(monitor: string): string {
  const keys = metricLogKeys(monitor);
  return keys.find((k) => /^(val_)?acc$/.test(k)) ?? monitor;
}

/** Reads `monitor` from epoch logs, accepting Keras names as aliases of tfjs's. */
export function readMonitor(logs: Record<string, unknown> | undefined, monitor: string): number | undefined {
  const v = pickMetric(logs, monitor);
  return typeof v === 'number' ? v : undefined;
}

/** Whether a smaller or a larger monitored value is better; `'auto'` infers it from the monitor's name. */
export type MonitorMode = MetricMode;

/**
 * The direction of `mode` for `monitor` (`@betterdl/runtime`'s `resolveMetricDirection`, the rule `diagnose`
 * uses too): `'auto'` reads the name; a name that says neither throws.
 */
export function resolveMode(mode: MonitorMode, monitor: string, who: string): 'min' | 'max' {
  return resolveMetricDirection(who, monitor, mode);
}

/** Throws unless `mode` is one of `'min' | 'max' | 'auto'`. */
export function checkMode(mode: unknown, who: string): asserts mode is MonitorMode {
  checkOneOf(who, 'mode', mode, ['auto', 'min', 'max'] as const);
}

/**
 * Keras's improvement test: strict, with `|minDelta|` margin; an unset best always improves; NaN never
 * improves.
 */
export function isImprovement(
  current: number,
  best: number | undefined,
  mode: 'min' | 'max',
  minDelta: number,
): boolean {
  if (Number.isNaN(current)) return false;
  if (best === undefined) return true;
  const d = Math.abs(minDelta);
  return mode === 'min' ? current < best - d : current > best + d;
}

/**
 * Replaces every tensor in tfjs epoch logs by its number, in place, and disposes the tensor (what tfjs's
 * own callbacks do). Later callbacks and `History` then see numbers.
 */
export async function resolveLogs(
  logs: Record<string, unknown> | undefined,
): Promise<Record<string, number>> {
  if (!logs) return {};
  const keys: string[] = [];
  const reads: Promise<tf.TypedArray | string[] | Uint8Array[]>[] = [];
  for (const [k, v] of Object.entries(logs)) {
    if (v instanceof tf.Tensor) {
      keys.push(k);
      reads.push((v as tf.Tensor).data());
    }
  }
  if (reads.length > 0) {
    const values = await Promise.all(reads);
    keys.forEach((k, i) => {
      const t = logs[k] as tf.Tensor;
      logs[k] = Number(values[i]?.[0]);
      t.dispose();
    });
  }
  return logs as Record<string, number>;
}

/** The warning printed when the monitor is absent from the logs, listing what is there. */
export function missingMonitorMessage(who: string, monitor: string, logs: Record<string, unknown>): string {
  const keys = Object.keys(logs);
  return (
    `${who}: monitor '${monitor}' is not in the logs (available: ${keys.length ? keys.join(', ') : 'none'}). ` +
    (monitor.startsWith('val_')
      ? 'Pass validationData or validationSplit to fit(), or monitor a training metric.'
      : 'Check the metric name given to compile().')
  );
}
