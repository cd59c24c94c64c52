// Reads the Fashion-MNIST IDX files with @betterdl/datasets' IDX reader and keeps chosen classes. The files
// come from FASHION_MNIST_DIR, Debian's dataset-fashion-mnist or the download cache (../_shared/data.ts).
import { join } from 'node:path';
import { fashionMnistClasses, type IdxArray, readIdxFile } from '@betterdl/datasets/node';
import * as tf from '@tensorflow/tfjs-core';
import { fashionMnistFolder } from '../_shared/data';

/** Class names of Fashion-MNIST, by label. */
export const CLASS_NAMES = fashionMnistClasses;

let folder: Promise<string> | undefined;
const files = new Map<string, Promise<IdxArray>>();
/** Each file is read and parsed once per process, however many subsets are taken from it. */
function readIdx(file: string, rank: number): Promise<IdxArray> {
  let read = files.get(file);
  if (!read) {
    folder ??= fashionMnistFolder().catch((err: Error) => {
      folder = undefined;
      throw err;
    });
    read = folder
      .then((dir) => readIdxFile(join(dir, file), { rank, dtype: 'uint8' }))
      .catch((err: Error) => {
        files.delete(file);
        throw err;
      });
    files.set(file, read);
  }
  return read;
}

/** A subset of one split: images [n, 28, 28, 1] scaled to [0, 1], labels re-numbered 0..k-1. */
export interface Subset {
  x: tf.Tensor4D;
  y: tf.Tensor2D;
  labels: Int32Array;
}

/**
 * The first `perClass` images of each of `classes` in the `train` or `t10k` split (all of them when
 * `perClass` is omitted), in file order. Labels become the index of the class in `classes`, one-hot in `y`.
 */
export async function loadClasses(
  split: 'train' | 't10k',
  classes: number[],
  perClass = Number.POSITIVE_INFINITY,
): Promise<Subset> {
  const images = await readIdx(`${split}-images-idx3-ubyte.gz`, 3);
  const labels = await readIdx(`${split}-labels-idx1-ubyte.gz`, 1);
  const px = 28 * 28;
  const taken = new Map<number, number>(classes.map((c) => [c, 0]));
  const rows: number[] = [];
  for (let i = 0; i < (labels.shape[0] ?? 0); i++) {
    const c = labels.data[i] as number;
    const n = taken.get(c);
    if (n !== undefined && n < perClass) {
      taken.set(c, n + 1);
      rows.push(i);
    }
  }
  const x = new Float32Array(rows.length * px);
  const y = new Int32Array(rows.length);
  rows.forEach((r, j) => {
    for (let p = 0; p < px; p++) x[j * px + p] = (images.data[r * px + p] as number) / 255;
    y[j] = classes.indexOf(labels.data[r] as number);
  });
  return {
    x: tf.tensor4d(x, [rows.length, 28, 28, 1]),
    y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), classes.length), 'float32')) as tf.Tensor2D,
    labels: y,
  };
}
