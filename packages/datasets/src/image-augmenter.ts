import { BetterDLError, checkOptions } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { checkRandomState, type RandomState } from './random-state';

/** Options of {@link imageAugmenter} (close to Keras's `ImageDataGenerator` ranges). */
export interface ImageAugmenterArgs {
  /** Mirror each image left–right with probability 1/2. Defaults to false. */
  flipHorizontal?: boolean;
  /** Rotate by a uniform random angle in [−rotation, rotation] degrees. Defaults to 0. */
  rotation?: number;
  /** Shift left/right by up to this fraction of the width. Defaults to 0. */
  widthShift?: number;
  /** Shift up/down by up to this fraction of the height. Defaults to 0. */
  heightShift?: number;
  /** Scale the content by a uniform factor in [1 − zoom, 1 + zoom] (above 1 zooms in). Defaults to 0. */
  zoom?: number;
  /** Standard deviation of Gaussian noise added to every pixel. Defaults to 0. */
  noise?: number;
  /** How pixels from outside the image are filled. Defaults to `'nearest'` (as Keras). */
  fillMode?: 'constant' | 'nearest' | 'reflect' | 'wrap';
  /** Value for `fillMode: 'constant'`. Defaults to 0. */
  fillValue?: number;
  /** Seed: the same seed gives the same sequence of augmented batches. Defaults to unseeded (`Math.random`). */
  seed?: number;
}

/** The parameters drawn for one image. */
export interface AugmentParams {
  /** Rotation in radians. */
  angle: number;
  /** Content scale factor. */
  zoom: number;
  /** Shift in pixels, right positive. */
  tx: number;
  /** Shift in pixels, down positive. */
  ty: number;
  /** Mirrored left–right. */
  flip: boolean;
}

/**
 * The projective transform (tfjs `image.transform` row: output pixel → input pixel) that rotates by
 * `angle` and zooms by `zoom` about the image centre, shifts by (tx, ty) and optionally mirrors first.
 */
export function augmentationMatrix(p: AugmentParams, width: number, height: number): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const sf = p.flip ? -1 : 1;
  const ox = p.flip ? width - 1 : 0;
  const c = Math.cos(p.angle) / p.zoom;
  const s = Math.sin(p.angle) / p.zoom;
  return [
    c * sf,
    -s,
    cx + c * (ox - cx) + s * cy - p.tx,
    s * sf,
    c,
    cy + s * (ox - cx) - c * cy - p.ty,
    0,
    0,
  ];
}

/**
 * `tf.image.transform` with one matrix per image, working around two tfjs 4.22 kernel bugs: the cpu kernel
 * returns after the first image of a batch (so images go one at a time there), and the wasm kernel treats
 * `reflect` as `wrap` (so reflection is done by symmetric padding, exact for displacements up to the image
 * size, then clamped).
 */
export function transformBatch(
  x: tf.Tensor4D,
  matrices: Float32Array,
  fillMode: NonNullable<ImageAugmenterArgs['fillMode']>,
  fillValue: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const backend = tf.getBackend();
    let input = x;
    let mode = fillMode;
    let m = matrices;
    if (fillMode === 'reflect' && backend !== 'cpu') {
      input = tf.mirrorPad(
        x,
        [
          [0, 0],
          [h, h],
          [w, w],
          [0, 0],
        ],
        'symmetric',
      );
      mode = 'nearest';
      m = matrices.slice();
      for (let i = 0; i < n; i++) {
        m[i * 8 + 2] = (m[i * 8 + 2] as number) + w;
        m[i * 8 + 5] = (m[i * 8 + 5] as number) + h;
      }
    }
    const one = (img: tf.Tensor4D, rows: Float32Array, count: number) =>
      tf.image.transform(img, tf.tensor2d(rows, [count, 8]), 'bilinear', mode, fillValue, [h, w]);
    if (backend !== 'cpu' || n === 1) return one(input, m, n);
    const [ih, iw] = [input.shape[1], input.shape[2]];
    const parts: tf.Tensor4D[] = [];
    for (let i = 0; i < n; i++) {
      parts.push(one(tf.slice(input, [i, 0, 0, 0], [1, ih, iw, c]), m.subarray(i * 8, i * 8 + 8), 1));
    }
    return tf.concat(parts, 0);
  });
}

/** Keras `ImageDataGenerator` argument names, for "did you mean" hints. */
const KERAS_NAMES: Readonly<Record<string, string>> = {
  horizontal_flip: 'flipHorizontal',
  rotation_range: 'rotation',
  width_shift_range: 'widthShift',
  height_shift_range: 'heightShift',
  zoom_range: 'zoom',
  fill_mode: 'fillMode',
  cval: 'fillValue',
};

/** A reusable random augmentation of image batches; see {@link imageAugmenter}. */
export class ImageAugmenter {
  private readonly args: Required<Omit<ImageAugmenterArgs, 'seed'>>;
  private readonly rs: RandomState;

  constructor(args: ImageAugmenterArgs = {}) {
    checkOptions(
      'imageAugmenter',
      args,
      [
        'flipHorizontal',
        'rotation',
        'widthShift',
        'heightShift',
        'zoom',
        'noise',
        'fillMode',
        'fillValue',
        'seed',
      ],
      'options',
      KERAS_NAMES,
    );
    const num = (name: keyof ImageAugmenterArgs, v: unknown, max = Number.POSITIVE_INFINITY) => {
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)) {
        throw new BetterDLError(
          'INVALID_ARGUMENT',
          `imageAugmenter: ${name} must be a number in [0, ${max}], got ${String(v)}.`,
        );
      }
    };
    num('rotation', args.rotation, 180);
    num('widthShift', args.widthShift, 1);
    num('heightShift', args.heightShift, 1);
    num('zoom', args.zoom, 0.99);
    num('noise', args.noise);
    const fillMode = args.fillMode ?? 'nearest';
    if (!['constant', 'nearest', 'reflect', 'wrap'].includes(fillMode)) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `imageAugmenter: fillMode must be constant, nearest, reflect or wrap, got ${String(fillMode)}.`,
      );
    }
    this.args = {
      flipHorizontal: args.flipHorizontal ?? false,
      rotation: args.rotation ?? 0,
      widthShift: args.widthShift ?? 0,
      heightShift: args.heightShift ?? 0,
      zoom: args.zoom ?? 0,
      noise: args.noise ?? 0,
      fillMode,
      fillValue: args.fillValue ?? 0,
    };
    if (
      args.seed !== undefined &&
      !(Number.isInteger(args.seed) && args.seed >= 0 && args.seed <= 0xffffffff)
    ) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `imageAugmenter: seed must be an integer in [0, 4294967295], got ${String(args.seed)}.`,
      );
    }
    this.rs = checkRandomState(args.seed, 'imageAugmenter');
  }

  /** Draws the parameters for one image of the given size. */
  sample(width: number, height: number): AugmentParams {
    const a = this.args;
    const u = (r: number) => (r === 0 ? 0 : this.rs.uniform(-r, r));
    return {
      angle: (u(a.rotation) * Math.PI) / 180,
      zoom: 1 + u(a.zoom),
      tx: u(a.widthShift) * width,
      ty: u(a.heightShift) * height,
      flip: a.flipHorizontal ? this.rs.randomSample() < 0.5 : false,
    };
  }

  /**
   * Augments a batch `[n, h, w, c]` (or one image `[h, w, c]`), returning a new float32 tensor of the same
   * shape; every image gets its own random parameters. The input is not disposed.
   */
  apply<T extends tf.Tensor3D | tf.Tensor4D>(images: T): T {
    if (images.rank !== 4 && images.rank !== 3) {
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `imageAugmenter: expected images [n, height, width, channels] or [height, width, channels], got [${images.shape.join(', ')}].`,
      );
    }
    const batch = (images.rank === 3 ? [1, ...images.shape] : images.shape) as [
      number,
      number,
      number,
      number,
    ];
    const [n, h, w] = batch;
    const a = this.args;
    const geometric =
      a.rotation > 0 || a.widthShift > 0 || a.heightShift > 0 || a.zoom > 0 || a.flipHorizontal;
    const matrices = new Float32Array(n * 8);
    for (let i = 0; i < n; i++) matrices.set(augmentationMatrix(this.sample(w, h), w, h), i * 8);
    const noiseSeed = a.noise > 0 ? this.rs.randint(0, 2 ** 31 - 1) : 0;
    return tf.tidy(() => {
      let x = tf.cast(images.rank === 3 ? tf.expandDims(images, 0) : images, 'float32') as tf.Tensor4D;
      if (geometric) x = transformBatch(x, matrices, a.fillMode, a.fillValue);
      if (a.noise > 0) x = tf.add(x, tf.randomNormal(x.shape, 0, a.noise, 'float32', noiseSeed));
      return (images.rank === 3 ? tf.squeeze(x, [0]) : x) as T;
    });
  }
}

/**
 * Random image augmentation as tfjs ops: flips, rotations, shifts, zoom and noise, one draw per image.
 * Use it in a training loop (`aug.apply(batch)`) or in a tfjs-data pipeline
 * (`ds.map(({ xs, ys }) => ({ xs: aug.apply(xs), ys }))`). Seeded, it repeats exactly.
 *
 * @example
 * const aug = imageAugmenter({ flipHorizontal: true, rotation: 10, widthShift: 0.1, seed: 1 });
 * const augmented = aug.apply(images); // [n, 28, 28, 1] in, same shape out
 */
export function imageAugmenter(args: ImageAugmenterArgs = {}): ImageAugmenter {
  return new ImageAugmenter(args);
}
