import {
  BetterDLError,
  checkBoolean,
  checkInteger,
  checkOptions,
  optionNames,
  requireBackend,
} from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type { IdxArray } from './idx';
import { toCategorical } from './to-categorical';

/** How {@link imageDataset} (and the MNIST loaders) turn raw images and labels into tensors. */
export interface ImageDatasetOptions {
  /** Divide pixel values by 255 so they lie in [0, 1]. Defaults to true. */
  scale?: boolean;
  /** Return images as `[n, height * width]` instead of `[n, height, width, 1]`. Defaults to false. */
  flatten?: boolean;
  /** Return labels one-hot `[n, numClasses]` instead of class indices `[n, 1]`. Defaults to false. */
  oneHot?: boolean;
  /** Keep only the first `limit` samples. Defaults to all. */
  limit?: number;
  /** Number of classes for `oneHot`. Defaults to 10. */
  numClasses?: number;
}

/** Images and labels as tensors. */
export interface ImageSplit {
  /** Images, float32 `[n, h, w, 1]` (or `[n, h·w]` when flattened). */
  x: tf.Tensor;
  /** Labels, float32 `[n, 1]` class indices (or `[n, numClasses]` one-hot). */
  y: tf.Tensor2D;
}

/** The option names of {@link ImageDatasetOptions}. */
export const IMAGE_DATASET_OPTIONS = optionNames<ImageDatasetOptions>({
  scale: true,
  flatten: true,
  oneHot: true,
  limit: true,
  numClasses: true,
});

/** Checks `limit` (a positive integer or undefined). */
export function checkLimit(fn: string, limit: unknown): void {
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${fn}: limit must be a positive integer, got ${String(limit)}.`,
    );
  }
}

/**
 * Turns parsed IDX images (`[n, h, w]` uint8) and labels (`[n]` uint8) into float32 tensors ready for
 * `model.fit`. `names` are used in error messages (usually the two file names).
 */
export function imageDataset(
  images: IdxArray,
  labels: IdxArray,
  options: ImageDatasetOptions = {},
  names: [string, string] = ['images', 'labels'],
): ImageSplit {
  checkOptions('imageDataset', options, IMAGE_DATASET_OPTIONS);
  requireBackend('imageDataset');
  const { scale = true, flatten = false, oneHot = false, limit, numClasses = 10 } = options;
  checkLimit('imageDataset', limit);
  checkBoolean('imageDataset', 'scale', scale);
  checkBoolean('imageDataset', 'flatten', flatten);
  checkBoolean('imageDataset', 'oneHot', oneHot);
  checkInteger('imageDataset', 'numClasses', numClasses, { min: 1 });
  if (images.shape.length !== 3) {
    throw new BetterDLError(
      'INVALID_DATA',
      `${names[0]}: expected images [n, height, width], got [${images.shape.join(', ')}].`,
    );
  }
  if (labels.shape.length !== 1) {
    throw new BetterDLError(
      'INVALID_DATA',
      `${names[1]}: expected labels [n], got [${labels.shape.join(', ')}].`,
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) {
    throw new BetterDLError(
      'INVALID_DATA',
      `${names[0]} has ${n} images but ${names[1]} has ${labels.shape[0]} labels; the files do not belong together (mixed train/test or a truncated download?).`,
    );
  }
  const m = Math.min(n, limit ?? n);
  const px = h * w;
  const src = images.data;
  const xs = new Float32Array(m * px);
  if (scale) for (let i = 0; i < m * px; i++) xs[i] = (src[i] as number) / 255;
  else for (let i = 0; i < m * px; i++) xs[i] = src[i] as number;
  const ys = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const v = labels.data[i] as number;
    if (!Number.isInteger(v) || v >= numClasses || v < 0) {
      throw new BetterDLError(
        'INVALID_DATA',
        `${names[1]}: label ${v} at index ${i} is not a class index (an integer from 0 to numClasses - 1 = ${numClasses - 1}). ` +
          'Labels must be whole class numbers; pass numClasses if there are more classes.',
      );
    }
    ys[i] = v;
  }
  const x = flatten ? tf.tensor2d(xs, [m, px], 'float32') : tf.tensor4d(xs, [m, h, w, 1], 'float32');
  const y = oneHot ? toCategorical(ys, numClasses) : tf.tensor2d(ys, [m, 1], 'float32');
  return { x, y };
}

/** Fashion-MNIST's class names, by label index. */
export const fashionMnistClasses = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;
