import {
  checkBoolean,
  checkFinite,
  checkInteger,
  checkOptions,
  checkString,
  optionNames,
} from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  checkMode,
  isImprovement,
  type MonitorMode,
  missingMonitorMessage,
  readMonitor,
  resolveLogs,
  resolveMode,
} from './monitor';
import { cloneWeights } from './optimizer-state';

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingArgs {
  /** Quantity to watch; Keras names (`val_accuracy`) work. Defaults to `'val_loss'`. */
  monitor?: string;
  /** Smallest change that counts as an improvement (its absolute value is used). Defaults to `0`. */
  minDelta?: number;
  /** Epochs without improvement after which training stops. Defaults to `0`. */
  patience?: number;
  /** `1` prints when training stops and which weights were restored. Defaults to `0`. */
  verbose?: number;
  /** `'min'`, `'max'`, or `'auto'` (inferred from the monitor's name). Defaults to `'auto'`. */
  mode?: MonitorMode;
  /** The monitor must beat this value for patience to reset. Defaults to `null` (no baseline). */
  baseline?: number | null;
  /** At the end of training, put back the weights of the best epoch. Defaults to `false`. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all (warm-up). Defaults to `0`. */
  startFromEpoch?: number;
}

const EARLY_STOPPING_OPTIONS = optionNames<EarlyStoppingArgs>({
  monitor: true,
  minDelta: true,
  patience: true,
  verbose: true,
  mode: true,
  baseline: true,
  restoreBestWeights: true,
  startFromEpoch: true,
});

/**
 * Stops training when a monitored quantity stops improving (Keras `EarlyStopping`), and can restore the
 * best epoch's weights. Epoch-level: defines no batch hooks.
 */
export class EarlyStopping extends tfl.Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch (0-based) at which training was stopped, or 0. */
  stoppedEpoch = 0;
  /** Best monitored value so far (`undefined` before the first). */
  best: number | undefined = undefined;
  /** Epoch (0-based) of the best value. */
  bestEpoch = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    const who = 'earlyStopping';
    checkOptions(who, args, EARLY_STOPPING_OPTIONS);
    this.monitor = checkString(
      who,
      'monitor',
      args.monitor ?? 'val_loss',
      "Pass a metric name such as 'val_loss'.",
    );
    const mode = args.mode ?? 'auto';
    checkMode(mode, who);
    this.mode = resolveMode(mode, this.monitor, who);
    this.minDelta = Math.abs(checkFinite(who, 'minDelta', args.minDelta ?? 0));
    this.patience = checkInteger(who, 'patience', args.patience ?? 0, { min: 0 });
    this.verbose = checkInteger(who, 'verbose', args.verbose ?? 0, { min: 0 });
    this.baseline =
      args.baseline == null
        ? null
        : checkFinite(who, 'baseline', args.baseline, {}, 'Pass a number or null.');
    this.restoreBestWeights = checkBoolean(who, 'restoreBestWeights', args.restoreBestWeights ?? false);
    this.startFromEpoch = checkInteger(who, 'startFromEpoch', args.startFromEpoch ?? 0, { min: 0 });
  }

  override async onTrainBegin(_logs?: tfl.Logs): Promise<void> {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = undefined;
    this.bestEpoch = 0;
    this.dropSnapshot();
  }

  override async onEpochEnd(epoch: number, logs?: tfl.Logs): Promise<void> {
    const resolved = await resolveLogs(logs);
    const current = readMonitor(resolved, this.monitor);
    if (current === undefined) {
      console.warn(missingMonitorMessage('earlyStopping', this.monitor, resolved));
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) this.snapshot();
    this.wait += 1;
    if (isImprovement(current, this.best, this.mode, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.snapshot();
      if (this.baseline === null || isImprovement(current, this.baseline, this.mode, this.minDelta))
        this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      if (this.model) this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(_logs?: tfl.Logs): Promise<void> {
    if (this.stoppedEpoch > 0 && this.verbose > 0)
      console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights && this.model) {
      if (this.verbose > 0) {
        console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      }
      this.model.setWeights(this.bestWeights);
    }
    this.dropSnapshot();
  }

  private snapshot(): void {
    if (!this.model) return;
    this.dropSnapshot();
    this.bestWeights = cloneWeights(this.model);
  }

  private dropSnapshot(): void {
    if (this.bestWeights) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }
}

/**
 * Stops training when `monitor` stops improving, like Keras `EarlyStopping`, including
 * `restoreBestWeights` (which tfjs-layers' own `earlyStopping` rejects) and `startFromEpoch`.
 *
 * @example
 * await model.fit(x, y, { epochs: 500, validationSplit: 0.3,
 *   callbacks: [earlyStopping({ monitor: 'val_loss', patience: 20, restoreBestWeights: true })] });
 */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
