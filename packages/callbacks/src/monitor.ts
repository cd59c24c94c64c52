import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Keras metric names that tfjs logs under another name. */
const ALIASES: Record<string, string> = {
  accuracy: 'acc',
  val_accuracy: 'val_acc',
};

/**
 * The log key tfjs uses for a monitor name: Keras's `accuracy` / `val_accuracy` become tfjs's
 * `acc` / `val_acc`; other names are unchanged.
 */
export function tfjsMonitorName(monitor: string): string {
  return ALIASES[monitor] ?? monitor;
}

/** Reads `monitor` from epoch logs, accepting Keras names as aliases of tfjs's. */
export function readMonitor(logs: Record<string, unknown> | undefined, monitor: string): number | undefined {
  if (!logs) return undefined;
  const v = logs[monitor] ?? logs[tfjsMonitorName(monitor)];
  return typeof v === 'number' ? v : undefined;
}

/** Whether a smaller or a larger monitored value is better; `'auto'` infers it from the monitor's name. */
export type MonitorMode = 'min' | 'max' | 'auto';

const MAX_NAMES =
  /(^|_)(acc|accuracy|auc|prc|precision|recall|top_k|topk|f1|fbeta|iou|r2|cosine_similarity)/i;
const MIN_NAMES = /(loss|error|crossentropy|hinge|divergence|mse|mae|mape|msle|logcosh|poisson)/i;

/**
 * The direction `'auto'` resolves to for `monitor`, following Keras: `loss` / `val_loss` and error-like
 * metrics are minimised, accuracy-like metrics maximised. Throws when the name says neither.
 */
export function resolveMode(mode: MonitorMode, monitor: string, who: string): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  const base = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (base === 'loss') return 'min';
  if (MAX_NAMES.test(base)) return 'max';
  if (MIN_NAMES.test(base)) return 'min';
  throw new BetterDLError(
    'INVALID_ARGUMENT',
    `${who}: cannot tell whether monitor '${monitor}' should go up or down. Pass mode: 'min' or mode: 'max'.`,
  );
}

/** Throws unless `mode` is one of `'min' | 'max' | 'auto'`. */
export function checkMode(mode: unknown, who: string): asserts mode is MonitorMode {
  if (mode !== 'min' && mode !== 'max' && mode !== 'auto') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${who}: unknown mode '${String(mode)}'. Use 'min', 'max' or 'auto'.`,
    );
  }
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
