import { BetterDLError } from '@betterdl/runtime';

/** Metric name → one value per epoch, as in `History.history` (`loss`, `val_loss`, `acc`, ...). */
export type HistoryRecord = Record<string, number[]>;

/** One training history: a tfjs `History`, any `{ history }` object, or a plain metric record. */
export type HistoryLike =
  | { history: Record<string, ReadonlyArray<unknown>> }
  | Record<string, ReadonlyArray<unknown>>;

/**
 * One history or several named runs: a {@link HistoryLike}, `Record<runName, HistoryLike>`, or
 * `Array<{ name, history }>`.
 */
export type RunsInput =
  | HistoryLike
  | Record<string, HistoryLike>
  | ReadonlyArray<{ name: string; history: HistoryLike }>;

/** A run after normalisation: a name and numeric metric arrays. */
export interface NamedRun {
  /** The run's name (`'run'` for a single unnamed history). */
  name: string;
  /** Metric name → one number per epoch (non-numbers become `NaN`). */
  history: HistoryRecord;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  // tfjs History may hold scalar tensors until syncData(); read them without importing tfjs.
  if (isObject(v) && typeof (v as { dataSync?: unknown }).dataSync === 'function') {
    return Number((v as unknown as { dataSync(): ArrayLike<number> }).dataSync()[0]);
  }
  return Number.NaN;
}

function asRecord(value: unknown, who: string, runName: string): HistoryRecord | undefined {
  const src = isObject(value) && isObject(value.history) ? value.history : value;
  if (!isObject(src)) return undefined;
  const entries = Object.entries(src);
  if (entries.length === 0 || !entries.every(([, v]) => Array.isArray(v))) return undefined;
  const out: HistoryRecord = {};
  for (const [k, v] of entries) out[k] = (v as unknown[]).map(toNumber);
  if (!Object.values(out).some((v) => v.length > 0)) {
    throw new BetterDLError(
      'INVALID_DATA',
      `${who}: run "${runName}" has no epochs. Pass the History returned by model.fit() after training.`,
    );
  }
  return out;
}

/**
 * Normalises every accepted shape of `runs` into a list of named runs. Throws a `BetterDLError` that
 * names the accepted shapes when `runs` is none of them.
 */
export function normalizeRuns(runs: RunsInput, who = 'diagnostics'): NamedRun[] {
  const bad = () =>
    new BetterDLError(
      'INVALID_ARGUMENT',
      `${who}: cannot read the runs. Pass a History from model.fit(), { history: { loss: [...] } }, ` +
        '{ loss: [...], val_loss: [...] }, { runName: history, ... } or [{ name, history }, ...].',
    );
  if (Array.isArray(runs)) {
    if (runs.length === 0) throw bad();
    return runs.map((r, i) => {
      const name = isObject(r) && typeof r.name === 'string' ? r.name : `run ${i + 1}`;
      const history = isObject(r) ? asRecord(r.history, who, name) : undefined;
      if (!history) throw bad();
      return { name, history };
    });
  }
  const single = asRecord(runs, who, 'run');
  if (single) return [{ name: 'run', history: single }];
  if (!isObject(runs)) throw bad();
  const named = Object.entries(runs);
  if (named.length === 0) throw bad();
  return named.map(([name, h]) => {
    const history = asRecord(h, who, name);
    if (!history) throw bad();
    return { name, history };
  });
}

/** Keras writes `accuracy`, tfjs writes `acc`: the metrics shown by default, best first. */
const PREFERRED = ['acc', 'accuracy', 'categoricalAccuracy', 'binaryAccuracy', 'mae', 'mse'];

/**
 * The train metric names present in a run (validation keys `val_*` folded into their train names), `loss`
 * first, then accuracy-like metrics, then the rest in insertion order.
 */
export function metricNames(runs: NamedRun[]): string[] {
  const names = new Set<string>();
  for (const r of runs) {
    for (const k of Object.keys(r.history)) names.add(k.startsWith('val_') ? k.slice(4) : k);
  }
  const rank = (m: string) => (m === 'loss' ? -100 : PREFERRED.includes(m) ? PREFERRED.indexOf(m) - 50 : 0);
  return [...names].sort((a, b) => rank(a) - rank(b));
}
