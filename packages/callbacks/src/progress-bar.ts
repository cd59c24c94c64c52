import {
  BetterDLError,
  checkFinite,
  checkInteger,
  checkOptions,
  formatPython,
  optionNames,
} from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { resolveLogs } from './monitor';

/** Options of {@link progressBar}. */
export interface ProgressBarArgs {
  /**
   * Receives each finished line (`Epoch 3/10`, then the epoch's summary line). Given a sink, nothing is written
   * to the terminal. In a browser nothing is shown without one. Defaults to `undefined` (stdout in Node).
   */
  sink?: (line: string) => void;
  /** Minimum time between two redraws of the live bar (TTY only). Defaults to `100` ms. */
  throttleMs?: number;
  /** Bar width in characters. Defaults to `20`. */
  width?: number;
}

const PROGRESS_BAR_OPTIONS = optionNames<ProgressBarArgs>({ sink: true, throttleMs: true, width: true });

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
}

function stdout(): Out | null {
  const p = (globalThis as { process?: { stdout?: Out; versions?: { node?: string } } }).process;
  return p?.versions?.node && p.stdout ? p.stdout : null;
}

/** `2ms/step`, `450us/step`, `1s/step`, as Keras's `Progbar` prints them (Python's `.0f`, half to even). */
export function formatPerStep(seconds: number): string {
  if (seconds >= 1 || seconds === 0) return `${formatPython('.0f', seconds)}s/step`;
  if (seconds >= 1e-3) return `${formatPython('.0f', seconds * 1000)}ms/step`;
  return `${formatPython('.0f', seconds * 1000000)}us/step`;
}

/** Keras's `Progbar` metric text: `.4f` above 1e-3 in magnitude, `.4e` otherwise (0 → `0.0000e+00`). */
function formatMetric(v: number): string {
  return Math.abs(v) > 1e-3 ? formatPython('.4f', v) : formatPython('.4e', v);
}

/** One Keras progress line: `32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - acc: 0.8100 - loss: 0.4200`. */
export function progressLine(
  step: number,
  total: number,
  seconds: number,
  metrics: Record<string, number>,
  width = 20,
  color = false,
): string {
  const done = total > 0 ? Math.min(width, Math.floor((width * step) / total)) : width;
  const bar = color
    ? `\x1b[1m${'━'.repeat(done)}\x1b[0m\x1b[2m${'━'.repeat(width - done)}\x1b[0m`
    : `${'━'.repeat(done)}${'─'.repeat(width - done)}`;
  const perStep = step > 0 ? seconds / step : 0;
  const time = step >= total ? `${Math.round(seconds)}s` : `${Math.round(perStep * (total - step))}s`;
  const pad = String(total).length;
  const ms = Object.keys(metrics)
    .sort()
    .map((k) => ` - ${k}: ${formatMetric(metrics[k] as number)}`)
    .join('');
  return `${String(step).padStart(pad)}/${total} ${bar} ${time} ${formatPerStep(perStep)}${ms}`;
}

/**
 * Keras-style progress output: an `Epoch 3/10` header and a `32/32 ━━━━ 0s 2ms/step - acc: … - loss: …` line
 * per epoch. On a TTY the bar is redrawn in place, at most every `throttleMs`, reading the batch loss only
 * when it redraws; when piped, or with a `sink`, it writes one finished line per epoch and defines no batch
 * hook at all. Silent in a browser unless given a sink.
 */
export class ProgressBar extends tfl.Callback {
  readonly throttleMs: number;
  readonly width: number;
  private readonly sink: ((line: string) => void) | null;
  private readonly out: Out | null;
  private readonly live: boolean;
  private epochStart = 0;
  private lastDraw = 0;
  private steps = 0;
  private seen = 0;

  constructor(args: ProgressBarArgs = {}) {
    super();
    checkOptions('progressBar', args, PROGRESS_BAR_OPTIONS);
    if (args.sink !== undefined && typeof args.sink !== 'function') {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        'progressBar: sink must be a function (line: string) => void.',
      );
    }
    this.throttleMs = checkFinite('progressBar', 'throttleMs', args.throttleMs ?? 100, { min: 0 });
    this.width = checkInteger('progressBar', 'width', args.width ?? 20, { min: 1 });
    this.sink = args.sink ?? null;
    this.out = this.sink ? null : stdout();
    this.live = !this.sink && this.out?.isTTY === true;
    if (this.live) {
      const onBatchEnd = async (batch: number, logs?: tfl.Logs) => this.batchEnd(batch, logs);
      Object.defineProperty(this, 'onBatchEnd', { value: onBatchEnd, writable: true, configurable: true });
    }
  }

  private emit(line: string): void {
    if (this.sink) this.sink(line);
    else if (this.out) this.out.write(this.live ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const p = (this.params ?? {}) as { epochs?: number; samples?: number; batchSize?: number };
    this.steps = p.samples && p.batchSize ? Math.ceil(p.samples / p.batchSize) : 0;
    this.seen = 0;
    this.emit(`Epoch ${epoch + 1}/${p.epochs ?? '?'}`);
    this.epochStart = performance.now();
    this.lastDraw = Number.NEGATIVE_INFINITY;
  }

  private async batchEnd(batch: number, logs?: tfl.Logs): Promise<void> {
    this.seen = batch + 1;
    const now = performance.now();
    if (now - this.lastDraw < this.throttleMs || !this.out) return;
    this.lastDraw = now;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries((logs ?? {}) as Record<string, unknown>)) {
      if (k === 'batch' || k === 'size') continue;
      metrics[k] = v instanceof tf.Tensor ? ((await (v as tf.Tensor).data())[0] as number) : (v as number);
    }
    const line = progressLine(
      this.seen,
      this.steps,
      (now - this.epochStart) / 1e3,
      metrics,
      this.width,
      true,
    );
    this.out.write(`\r${line}\x1b[K`);
  }

  override async onEpochEnd(_epoch: number, logs?: tfl.Logs): Promise<void> {
    const metrics = await resolveLogs(logs);
    const steps = this.steps || this.seen;
    const seconds = (performance.now() - this.epochStart) / 1e3;
    this.emit(progressLine(steps, steps, seconds, { ...metrics }, this.width, this.live));
  }
}

/**
 * A Keras-style progress bar for `model.fit` (use it with `verbose: 0`).
 *
 * @example
 * await model.fit(x, y, { epochs: 10, verbose: 0, callbacks: [progressBar()] });
 * // in a browser: progressBar({ sink: (line) => (pre.textContent += `${line}\n`) })
 */
export function progressBar(args: ProgressBarArgs = {}): ProgressBar {
  return new ProgressBar(args);
}
