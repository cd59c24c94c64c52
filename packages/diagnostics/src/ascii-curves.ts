import { BetterDLError, checkArgument, checkInteger, checkOptions } from '@betterdl/runtime';
import { defaultMetrics } from './learning-curves';
import { metricNames, normalizeRuns, type RunsInput } from './runs';

/** Options of {@link asciiCurves}. */
export interface AsciiCurvesOptions {
  /** Metrics to plot, one panel each. Defaults to `loss` and the first accuracy-like metric. */
  metrics?: string[];
  /** Plot width in characters (without the axis labels). Defaults to `60`. */
  width?: number;
  /** Plot height in rows per panel. Defaults to `10`. */
  height?: number;
  /** Colour each run with ANSI escape codes. Defaults to `false`. */
  color?: boolean;
}

const TRAIN_GLYPHS = ['*', '+', '#', '@', '$', '&'];
const VAL_GLYPHS = ['o', 'x', '%', '=', '~', '^'];
const ANSI = [34, 33, 32, 31, 35, 36];

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : v.toPrecision(3);
}

/** Mean of the finite values of each of `width` equal epoch buckets. */
function bucketMeans(ys: number[], width: number, epochs: number): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  for (let c = 0; c < width; c++) {
    const a = Math.floor((c * epochs) / width);
    const b = Math.max(a + 1, Math.floor(((c + 1) * epochs) / width));
    let s = 0;
    let k = 0;
    for (let i = a; i < Math.min(b, ys.length); i++) {
      const v = ys[i] as number;
      if (Number.isFinite(v)) {
        s += v;
        k++;
      }
    }
    out.push(k ? s / k : undefined);
  }
  return out;
}

/**
 * A terminal chart of learning curves: one panel per metric, epochs across, train and validation of every
 * run with their own glyphs (legend underneath). For people who never open an image file.
 *
 * @example
 * console.log(asciiCurves(history));
 */
export function asciiCurves(runs: RunsInput, opts: AsciiCurvesOptions = {}): string {
  checkOptions('asciiCurves', opts, ['metrics', 'width', 'height', 'color']);
  const normalized = normalizeRuns(runs, 'asciiCurves');
  const width = checkInteger('asciiCurves', 'width', opts.width ?? 60, { min: 10 });
  const height = checkInteger('asciiCurves', 'height', opts.height ?? 10, { min: 3 });
  checkArgument(
    normalized.length <= TRAIN_GLYPHS.length,
    'asciiCurves',
    `at most ${TRAIN_GLYPHS.length} runs fit in one terminal chart, got ${normalized.length}. Plot fewer runs.`,
  );
  const available = metricNames(normalized);
  const metrics = opts.metrics ?? defaultMetrics(normalized);
  for (const m of metrics) {
    if (!available.includes(m)) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `asciiCurves: no run has the metric "${m}". Available: ${available.join(', ')}.`,
      );
    }
  }
  const paint = (s: string, run: number) => (opts.color ? `\x1b[${ANSI[run]}m${s}\x1b[0m` : s);
  const epochs = Math.max(...normalized.flatMap((r) => Object.values(r.history).map((v) => v.length)));
  const cols = Math.min(width, Math.max(epochs, 2));
  const lines: string[] = [];
  for (const metric of metrics) {
    const series: Array<{ glyph: string; run: number; cells: Array<number | undefined> }> = [];
    for (const [ri, run] of normalized.entries()) {
      for (const split of ['validation', 'train'] as const) {
        const ys = run.history[split === 'train' ? metric : `val_${metric}`];
        if (!ys) continue;
        const glyph = (split === 'train' ? TRAIN_GLYPHS : VAL_GLYPHS)[ri] as string;
        series.push({ glyph, run: ri, cells: bucketMeans(ys, cols, epochs) });
      }
    }
    const vals = series.flatMap((s) => s.cells.filter((v): v is number => v !== undefined));
    if (vals.length === 0) continue;
    let lo = Math.min(...vals);
    let hi = Math.max(...vals);
    if (hi === lo) {
      hi += Math.abs(hi) * 0.05 || 1;
      lo -= Math.abs(lo) * 0.05 || 1;
    }
    const grid: string[][] = Array.from({ length: height }, () => Array<string>(cols).fill(' '));
    for (const s of series) {
      s.cells.forEach((v, c) => {
        if (v === undefined) return;
        const row = height - 1 - Math.round(((v - lo) / (hi - lo)) * (height - 1));
        (grid[row] as string[])[c] = paint(s.glyph, s.run);
      });
    }
    const labels = grid.map((_, r) => {
      if (r === 0) return fmt(hi);
      if (r === height - 1) return fmt(lo);
      if (r === Math.floor((height - 1) / 2)) return fmt(hi - ((hi - lo) * r) / (height - 1));
      return '';
    });
    const lw = Math.max(...labels.map((l) => l.length));
    lines.push(metric);
    grid.forEach((row, r) => {
      const l = labels[r] as string;
      lines.push(`${l.padStart(lw)} ${l ? '┤' : '│'}${row.join('')}`);
    });
    lines.push(`${' '.repeat(lw)} └${'─'.repeat(cols)}`);
    const last = String(epochs);
    lines.push(`${' '.repeat(lw + 2)}1${last.padStart(cols - 1)} epoch`);
    lines.push('');
  }
  const legend = normalized.flatMap((run, ri) => {
    const name = normalized.length > 1 ? `${run.name} ` : '';
    return [
      `${paint(TRAIN_GLYPHS[ri] as string, ri)} ${name}train`,
      `${paint(VAL_GLYPHS[ri] as string, ri)} ${name}validation`,
    ];
  });
  lines.push(legend.join('   '));
  return lines.join('\n');
}
