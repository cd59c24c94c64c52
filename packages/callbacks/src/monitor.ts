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
