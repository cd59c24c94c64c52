import { BetterDLError, checkInteger, checkOptions, pyStr } from '@betterdl/runtime';
import * as tfl from '@tensorflow/tfjs-layers';
import { getLearningRate, modelOptimizer, setLearningRate } from './learning-rate';
import type { LearningRateSchedule } from './schedules';

/** `(epoch, currentLr) → newLr`; every {@link LearningRateSchedule} from `schedules` also fits. */
export type EpochSchedule = (epoch: number, lr: number) => number;

/** Options of {@link learningRateScheduler} and {@link stepScheduler}. */
export interface LearningRateSchedulerArgs {
  /** `1` prints the rate each time it is set. Defaults to `0`. */
  verbose?: number;
}

function checkRate(lr: unknown, where: string): number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `learningRateScheduler: the schedule returned ${String(lr)} at ${where}; it must return a finite number >= 0.`,
    );
  }
  return lr;
}

/**
 * Sets the learning rate at the start of every epoch to `schedule(epoch, currentLr)` (0-based epoch), like Keras
 * `LearningRateScheduler`, and logs it as `lr` / `learning_rate`. Epoch-level: defines no batch hooks.
 */
export class LearningRateScheduler extends tfl.Callback {
  readonly schedule: EpochSchedule;
  readonly verbose: number;

  constructor(schedule: EpochSchedule, args: LearningRateSchedulerArgs = {}) {
    super();
    if (typeof schedule !== 'function') {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        'learningRateScheduler: schedule must be a function (epoch, lr) => number, e.g. schedules.stepDecay(0.1).',
      );
    }
    this.schedule = schedule;
    checkOptions('learningRateScheduler', args, ['verbose']);
    this.verbose = checkInteger('learningRateScheduler', 'verbose', args.verbose ?? 0, { min: 0 });
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const optimizer = modelOptimizer(this.model, 'learningRateScheduler');
    // Like Keras, the schedule sees the float32 rate the optimizer applies (0.1 → 0.10000000149011612).
    const lr = checkRate(this.schedule(epoch, Math.fround(getLearningRate(optimizer))), `epoch ${epoch}`);
    setLearningRate(optimizer, lr);
    if (this.verbose > 0)
      console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${pyStr(lr)}.`);
  }

  override async onEpochEnd(_epoch: number, logs?: tfl.Logs): Promise<void> {
    if (!logs) return;
    const lr = Math.fround(getLearningRate(modelOptimizer(this.model, 'learningRateScheduler')));
    logs.lr = lr;
    logs.learning_rate = lr;
  }
}

/**
 * Applies a schedule per epoch: `schedule(epoch, lr)` before each epoch. For per-batch schedules use
 * {@link stepScheduler}.
 *
 * @example
 * callbacks: [learningRateScheduler(schedules.stepDecay(0.1, 0.5, 10), { verbose: 1 })]
 * callbacks: [learningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)))]
 */
export function learningRateScheduler(
  schedule: EpochSchedule,
  args: LearningRateSchedulerArgs = {},
): LearningRateScheduler {
  return new LearningRateScheduler(schedule, args);
}

/**
 * Sets the learning rate before every batch to `schedule(step)`, where `step` is the optimizer's iteration
 * count (how Keras applies a schedule given to an optimizer). A batch-level callback by design; it reads no
 * batch logs, so it adds no device sync.
 */
export class StepScheduler extends tfl.Callback {
  readonly schedule: LearningRateSchedule;
  readonly verbose: number;

  constructor(schedule: LearningRateSchedule, args: LearningRateSchedulerArgs = {}) {
    super();
    if (typeof schedule !== 'function') {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        'stepScheduler: schedule must be a function step => number, e.g. schedules.cosineDecay(0.01, 1000).',
      );
    }
    this.schedule = schedule;
    checkOptions('stepScheduler', args, ['verbose']);
    this.verbose = checkInteger('stepScheduler', 'verbose', args.verbose ?? 0, { min: 0 });
  }

  override async onBatchBegin(): Promise<void> {
    const optimizer = modelOptimizer(this.model, 'stepScheduler');
    const step = optimizer.iterations;
    setLearningRate(optimizer, checkRate(this.schedule(step), `step ${step}`));
  }

  override async onEpochEnd(epoch: number, logs?: tfl.Logs): Promise<void> {
    const lr = getLearningRate(modelOptimizer(this.model, 'stepScheduler'));
    if (logs) {
      logs.lr = lr;
      logs.learning_rate = lr;
    }
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: learning rate is ${pyStr(lr)}.`);
  }
}

/** Applies a {@link LearningRateSchedule} per optimizer step (before each batch). */
export function stepScheduler(
  schedule: LearningRateSchedule,
  args: LearningRateSchedulerArgs = {},
): StepScheduler {
  return new StepScheduler(schedule, args);
}
