import { BetterDLError, checkOptions } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Input batches {@link extractFeatures} accepts besides one tensor: an (async) iterable or a tf.data Dataset. */
export type BatchSource =
  | Iterable<tf.Tensor>
  | AsyncIterable<tf.Tensor>
  | { iterator(): Promise<{ next(): Promise<IteratorResult<tf.Tensor>> }> };

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesArgs {
  /** Samples per forward pass when `x` is one tensor. Defaults to 64. */
  batchSize?: number;
  /**
   * Dispose each batch after use when `x` is an iterable or dataset (set `false` if you still need them).
   * Defaults to `true`.
   */
  disposeBatches?: boolean;
  /** Called after every batch with the number of samples done so far. */
  onBatch?: (samplesDone: number) => void;
}

async function* batchesOf(source: BatchSource): AsyncGenerator<tf.Tensor> {
  if (source === null || typeof source !== 'object') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      'extractFeatures: x must be a tensor, an iterable or async iterable of batch tensors, or a tf.data Dataset of batch tensors.',
    );
  }
  if (typeof (source as { iterator?: unknown }).iterator === 'function') {
    const it = await (
      source as { iterator(): Promise<{ next(): Promise<IteratorResult<tf.Tensor>> }> }
    ).iterator();
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    return;
  }
  if (Symbol.asyncIterator in (source as object)) {
    yield* source as AsyncIterable<tf.Tensor>;
    return;
  }
  if (Symbol.iterator in (source as object)) {
    yield* source as Iterable<tf.Tensor>;
    return;
  }
  throw new BetterDLError(
    'INVALID_ARGUMENT',
    'extractFeatures: x must be a tensor, an iterable or async iterable of batch tensors, or a tf.data Dataset of batch tensors.',
  );
}

/**
 * Runs `extractor` over a whole data set one batch at a time and returns the features as one tensor
 * `[n, ...featureShape]`. Only one batch of activations is alive at a time; the features are collected in a
 * typed array, so memory is bounded by one batch plus the result.
 *
 * @example
 * const feats = await extractFeatures(featureExtractor(base), xTrain, { batchSize: 128 });
 */
export async function extractFeatures(
  extractor: tfl.LayersModel,
  x: tf.Tensor | BatchSource,
  args: ExtractFeaturesArgs = {},
): Promise<tf.Tensor> {
  checkOptions('extractFeatures', args, ['batchSize', 'disposeBatches', 'onBatch']);
  const batchSize = args.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `extractFeatures: batchSize must be a positive integer, got ${batchSize}.`,
    );
  }
  const dispose = args.disposeBatches ?? true;
  const total = x instanceof tf.Tensor ? (x.shape[0] ?? 0) : null;
  const chunks: Float32Array[] = [];
  let into: Float32Array | null = null;
  let featShape: number[] | null = null;
  let done = 0;
  const run = async (batch: tf.Tensor) => {
    const out = extractor.predict(batch, { batchSize: batch.shape[0] }) as tf.Tensor | tf.Tensor[];
    if (Array.isArray(out)) {
      tf.dispose(out);
      throw new BetterDLError(
        'UNSUPPORTED',
        `extractFeatures: the extractor has ${out.length} outputs; use a model with one output (see featureExtractor).`,
      );
    }
    featShape ??= out.shape.slice(1);
    const values = (await out.data()) as Float32Array;
    // A known sample count lets the result be written in place: no second copy at the end.
    if (total !== null) {
      into ??= new Float32Array(total * (values.length / (out.shape[0] ?? 1)));
      into.set(values, (done * values.length) / (out.shape[0] ?? 1));
    } else {
      chunks.push(values);
    }
    done += out.shape[0] ?? 0;
    out.dispose();
    args.onBatch?.(done);
  };
  if (x instanceof tf.Tensor) {
    const n = x.shape[0] ?? 0;
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const batch = tf.slice(x, start, size);
      try {
        await run(batch);
      } finally {
        batch.dispose();
      }
    }
  } else {
    for await (const batch of batchesOf(x)) {
      try {
        await run(batch);
      } finally {
        if (dispose) batch.dispose();
      }
    }
  }
  if (featShape === null) {
    throw new BetterDLError('INVALID_DATA', 'extractFeatures: the input holds no samples.');
  }
  if (into !== null) return tf.tensor(into, [done, ...(featShape as number[])], 'float32');
  const per = (featShape as number[]).reduce((a, b) => a * b, 1);
  const all = new Float32Array(done * per);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  return tf.tensor(all, [done, ...(featShape as number[])], 'float32');
}
