import { BetterDLError, checkBoolean, checkOptions, pyStr } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Options of {@link terminateOnNaN}. */
export interface TerminateOnNaNArgs {
  /** Throw a `BetterDLError` (code `'INVALID_DATA'`) instead of stopping quietly. Defaults to `false`. */
  raiseError?: boolean;
}

/**
 * Stops training as soon as a batch loss is NaN or infinite (Keras `TerminateOnNaN`). A batch-level callback
 * by nature: it reads each batch's loss, which costs one device read per batch.
 */
export class TerminateOnNaN extends tfl.Callback {
  readonly raiseError: boolean;
  /** The batch whose loss was invalid, or `null`. */
  stoppedAtBatch: number | null = null;

  constructor(args: TerminateOnNaNArgs = {}) {
    super();
    checkOptions('terminateOnNaN', args, ['raiseError']);
    this.raiseError = checkBoolean('terminateOnNaN', 'raiseError', args.raiseError ?? false);
  }

  override async onTrainBegin(_logs?: tfl.Logs): Promise<void> {
    this.stoppedAtBatch = null;
  }

  override async onBatchEnd(batch: number, logs?: tfl.Logs): Promise<void> {
    const raw = (logs as Record<string, unknown> | undefined)?.loss;
    if (raw === undefined) return;
    const loss = raw instanceof tf.Tensor ? ((await raw.data())[0] as number) : (raw as number);
    if (Number.isFinite(loss)) return;
    this.stoppedAtBatch = batch;
    if (this.raiseError) {
      throw new BetterDLError(
        'INVALID_DATA',
        `NaN or Inf loss encountered at batch ${batch}. Loss value: ${pyStr(loss)}. Terminating training ` +
          'immediately. Lower the learning rate, check the inputs for NaN/Infinity, or clip gradients.',
      );
    }
    // Keras's message, word for word.
    console.log(`Batch ${batch}: Invalid loss, terminating training`);
    if (this.model) this.model.stopTraining = true;
  }
}

/** Stops (or, with `raiseError`, throws) when the loss becomes NaN or infinite. */
export function terminateOnNaN(args: TerminateOnNaNArgs = {}): TerminateOnNaN {
  return new TerminateOnNaN(args);
}
