import * as tf from '@tensorflow/tfjs-core';
import { BetterDLError } from './errors';

/** What {@link trackTensors} measured around a call. */
export interface TensorLeakReport<T> {
  /** The value the function returned (awaited). */
  result: T;
  /** `tf.memory().numTensors` before the call. */
  before: number;
  /** `tf.memory().numTensors` after the call. */
  after: number;
  /** Tensors created and not disposed, not counting the ones in `result`. */
  leaked: number;
  /** Bytes held by tensors after minus before. */
  bytesDelta: number;
}

function countReturned(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (value instanceof tf.Tensor) return value.isDisposed ? 0 : 1;
  let n = 0;
  const items = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  for (const v of items) n += countReturned(v, seen);
  return n;
}

/**
 * Runs `fn` (sync or async) and reports how many tensors it left behind. Tensors that are part of the
 * returned value (a tensor, or arrays / plain objects holding tensors) are not counted as leaks.
 */
export async function trackTensors<T>(fn: () => T | Promise<T>): Promise<TensorLeakReport<T>> {
  const m0 = tf.memory();
  const result = await fn();
  const m1 = tf.memory();
  const leaked = m1.numTensors - m0.numTensors - countReturned(result);
  return {
    result,
    before: m0.numTensors,
    after: m1.numTensors,
    leaked,
    bytesDelta: m1.numBytes - m0.numBytes,
  };
}

/**
 * Runs `fn` and throws a `TENSOR_LEAK` {@link BetterDLError} if it leaked tensors (see
 * {@link trackTensors}); returns `fn`'s result otherwise. `label` names the call in the message.
 */
export async function assertNoLeaks<T>(fn: () => T | Promise<T>, label = 'call'): Promise<T> {
  const r = await trackTensors(fn);
  if (r.leaked !== 0) {
    throw new BetterDLError(
      'TENSOR_LEAK',
      `${label} leaked ${r.leaked} tensor(s) (numTensors ${r.before} -> ${r.after}). ` +
        'Wrap intermediate work in tf.tidy() or dispose() what you create.',
    );
  }
  return r.result;
}
