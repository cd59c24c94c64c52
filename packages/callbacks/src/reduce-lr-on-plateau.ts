import { checkFinite, checkInteger, checkOptions, checkString, optionNames, pyStr } from '@betterdl/runtime';
import * as tfl from '@tensorflow/tfjs-layers';
import { getLearningRate, modelOptimizer, setLearningRate } from './learning-rate';
import {
  checkMode,
  isImprovement,
  type MonitorMode,
  missingMonitorMessage,
  readMonitor,
  resolveLogs,
  resolveMode,
} from './monitor';

/** Options of {@link reduceLROnPlateau}. */
export interface ReduceLROnPlateauArgs {
  /** Quantity to watch; Keras names (`val_accuracy`) work. Defaults to `'val_loss'`. */
  monitor?: string;
  /** Multiplier applied to the rate on a plateau; must be in (0, 1). Defaults to `0.1`. */
  factor?: number;
  /** Epochs without improvement before the rate is reduced. Defaults to `10`. */
  patience?: number;
  /** `1` prints each reduction. Defaults to `0`. */
  verbose?: number;
  /** `'min'`, `'max'`, or `'auto'` (inferred from the monitor's name). Defaults to `'auto'`. */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement. Defaults to `1e-4`. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Defaults to `0`. */
  cooldown?: number;
  /** The rate never goes below this. Defaults to `0`. */
  minLr?: number;
}

const REDUCE_LR_OPTIONS = optionNames<ReduceLROnPlateauArgs>({
  monitor: true,
  factor: true,
  patience: true,
  verbose: true,
  mode: true,
  minDelta: true,
  cooldown: true,
  minLr: true,
});

/**
 * Lowers the learning rate when a monitored quantity stops improving (Keras `ReduceLROnPlateau`). Changes the
 * rate in place, keeping the optimizer's state, and logs it as `lr` and `learning_rate`. Epoch-level: defines
 * no batch hooks.
 */
export class ReduceLROnPlateau extends tfl.Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  /** Epochs since the last improvement (outside cooldown). */
  wait = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Best monitored value so far. */
  best: number | undefined = undefined;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    const who = 'reduceLROnPlateau';
    checkOptions(who, args, REDUCE_LR_OPTIONS);
    this.monitor = checkString(
      who,
      'monitor',
      args.monitor ?? 'val_loss',
      "Pass a metric name such as 'val_loss'.",
    );
    this.factor = checkFinite(
      who,
      'factor',
      args.factor ?? 0.1,
      { gt: 0, lt: 1 },
      '(The rate is multiplied by it.) Use e.g. factor: 0.1 or 0.5.',
    );
    const mode = args.mode ?? 'auto';
    checkMode(mode, who);
    this.mode = resolveMode(mode, this.monitor, who);
    this.patience = checkInteger(who, 'patience', args.patience ?? 10, { min: 0 });
    this.cooldown = checkInteger(who, 'cooldown', args.cooldown ?? 0, { min: 0 });
    this.minDelta = Math.abs(checkFinite(who, 'minDelta', args.minDelta ?? 1e-4));
    this.minLr = checkFinite(who, 'minLr', args.minLr ?? 0, { min: 0 });
    this.verbose = checkInteger(who, 'verbose', args.verbose ?? 0, { min: 0 });
  }

  override async onTrainBegin(_logs?: tfl.Logs): Promise<void> {
    this.best = undefined;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  override async onEpochEnd(epoch: number, logs?: tfl.Logs): Promise<void> {
    const resolved = await resolveLogs(logs);
    const optimizer = modelOptimizer(this.model, 'reduceLROnPlateau');
    // The rate as tfjs applies it and Keras stores it: a float32. Logging and comparing that value gives
    // Keras's numbers exactly (0.1 is logged as 0.10000000149011612, as Keras logs it).
    const lr = Math.fround(getLearningRate(optimizer));
    if (logs) {
      logs.lr = lr;
      logs.learning_rate = lr;
    }
    const current = readMonitor(resolved, this.monitor);
    if (current === undefined) {
      console.warn(missingMonitorMessage('reduceLROnPlateau', this.monitor, resolved));
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (isImprovement(current, this.best, this.mode, this.minDelta)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait += 1;
      if (this.wait >= this.patience && lr > Math.fround(this.minLr)) {
        const next = Math.max(lr * this.factor, this.minLr);
        setLearningRate(optimizer, next);
        if (this.verbose > 0)
          console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${pyStr(next)}.`);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}

/**
 * Multiplies the learning rate by `factor` when `monitor` has not improved for `patience` epochs, like Keras
 * `ReduceLROnPlateau`. Works with every tfjs-core optimizer without losing its state.
 *
 * @example
 * callbacks: [reduceLROnPlateau({ monitor: 'val_loss', factor: 0.1, patience: 5, minDelta: 1e-7 })]
 */
export function reduceLROnPlateau(args: ReduceLROnPlateauArgs = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}
