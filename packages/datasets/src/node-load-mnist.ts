import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BetterDLError, checkOptions, optionNames } from '@betterdl/runtime';
import { type IdxArray, isGzip, type ParseIdxOptions, parseIdx } from './idx';
import {
  checkLimit,
  IMAGE_DATASET_OPTIONS,
  type ImageDatasetOptions,
  type ImageSplit,
  imageDataset,
} from './image-dataset';
import {
  consoleProgress,
  DEFAULT_DEADLINE_MS,
  type DownloadProgress,
  dataHome,
  downloadFile,
} from './node-download';

/** Options of {@link loadMnist} and {@link loadFashionMnist}. */
export interface LoadMnistOptions extends ImageDatasetOptions {
  /** A directory holding the four IDX files (gzipped or not). Defaults to the cache, downloading into it when files are missing. */
  dir?: string;
  /** Where downloads are kept. Defaults to `$BETTERDL_DATA_HOME/<dataset>` or `~/.betterdl/datasets/<dataset>`. */
  cacheDir?: string;
  /** Download missing files into the cache. Defaults to true (ignored when `dir` is given). */
  download?: boolean;
  /** Base URLs tried in order (each followed by the file name). Defaults to the usual public mirrors. */
  mirrors?: string[];
  /** Extra attempts per mirror. Defaults to 2. */
  retries?: number;
  /** Per request: give up on a mirror that sends nothing for this many ms (see `downloadFile`). Defaults to 15000. */
  timeoutMs?: number;
  /** Overall deadline for downloading all missing files, in ms. Defaults to 600000. */
  deadlineMs?: number;
  /** Download progress callback. Defaults to lines on stderr (silent when `verbose: false`). */
  onProgress?: (p: DownloadProgress) => void;
  /** Print download progress to stderr. Defaults to true. */
  verbose?: boolean;
}

const LOAD_MNIST_OPTIONS = [
  ...IMAGE_DATASET_OPTIONS,
  ...optionNames<Omit<LoadMnistOptions, keyof ImageDatasetOptions>>({
    dir: true,
    cacheDir: true,
    download: true,
    mirrors: true,
    retries: true,
    timeoutMs: true,
    deadlineMs: true,
    onProgress: true,
    verbose: true,
  }),
];

/** Training and test sets of an MNIST-family data set. */
export interface MnistData {
  /** 60 000 training images and labels (fewer with `limit`). */
  train: ImageSplit;
  /** 10 000 test images and labels (fewer with `limit`). */
  test: ImageSplit;
}

/** Where an IDX data set lives: its four files, their SHA-256 and the mirrors that serve them. */
export interface IdxDatasetSpec {
  /** Cache sub-directory and name in messages, e.g. `'fashion-mnist'`. */
  name: string;
  /** Base URLs, tried in order. */
  mirrors: string[];
  /** File name (gzipped) → SHA-256, for trainImages, trainLabels, testImages, testLabels. */
  files: Record<
    'trainImages' | 'trainLabels' | 'testImages' | 'testLabels',
    {
      file: string;
      sha256: string;
      /** SHA-256 of the uncompressed file, to verify a plain (gunzipped) copy in the cache. */
      rawSha256?: string;
    }
  >;
}

/** MNIST digits: file names, checksums and mirrors. */
export const MNIST: IdxDatasetSpec = {
  name: 'mnist',
  mirrors: [
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'https://storage.googleapis.com/cvdf-datasets/mnist/',
  ],
  files: {
    trainImages: {
      file: 'train-images-idx3-ubyte.gz',
      sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      rawSha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    },
    trainLabels: {
      file: 'train-labels-idx1-ubyte.gz',
      sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      rawSha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    },
    testImages: {
      file: 't10k-images-idx3-ubyte.gz',
      sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      rawSha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    },
    testLabels: {
      file: 't10k-labels-idx1-ubyte.gz',
      sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      rawSha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
    },
  },
};

/** Fashion-MNIST (Zalando): file names, checksums and mirrors. */
export const FASHION_MNIST: IdxDatasetSpec = {
  name: 'fashion-mnist',
  mirrors: [
    'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  ],
  files: {
    trainImages: {
      file: 'train-images-idx3-ubyte.gz',
      sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      rawSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    },
    trainLabels: {
      file: 'train-labels-idx1-ubyte.gz',
      sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      rawSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    },
    testImages: {
      file: 't10k-images-idx3-ubyte.gz',
      sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      rawSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    },
    testLabels: {
      file: 't10k-labels-idx1-ubyte.gz',
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      rawSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
  },
};

/** Reads one IDX file (gunzipping it when it is gzip data) and parses it; errors name the file. */
export async function readIdxFile(
  path: string,
  options: Omit<ParseIdxOptions, 'name'> = {},
): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new BetterDLError('IO_ERROR', `Cannot read ${path}: ${(err as Error).message}.`, { cause: err });
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new BetterDLError(
        'INVALID_DATA',
        `${path}: the gzip data is corrupt or truncated (${(err as Error).message}). Delete the file so it is downloaded again.`,
        { cause: err },
      );
    }
  }
  return parseIdx(bytes, { ...options, name: path });
}

/**
 * Re-verifies a cached file against its SHA-256 (which also pins its size) on every load: a flipped byte or
 * a truncated copy is an `INVALID_DATA` error naming the file, never data.
 */
async function verifyCached(name: string, path: string, expected: string | undefined): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new BetterDLError('IO_ERROR', `${name}: cannot read ${path}: ${(err as Error).message}.`, {
      cause: err,
    });
  }
  if (expected === undefined) return;
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== expected) {
    throw new BetterDLError(
      'INVALID_DATA',
      `${name}: the cached ${path} (${bytes.length} bytes) has SHA-256 ${digest}, expected ${expected}: it is ` +
        'corrupt or not the original file. Delete it; the next load downloads it again.',
    );
  }
}

async function locate(
  spec: IdxDatasetSpec,
  key: keyof IdxDatasetSpec['files'],
  o: LoadMnistOptions,
  deadlineAt: number,
): Promise<string> {
  const { file, sha256 } = spec.files[key];
  const plain = file.replace(/\.gz$/, '');
  if (o.dir !== undefined) {
    for (const candidate of [file, plain])
      if (existsSync(join(o.dir, candidate))) return join(o.dir, candidate);
    throw new BetterDLError(
      'IO_ERROR',
      `${spec.name}: neither ${file} nor ${plain} is in ${o.dir}. Point dir at the folder with the four IDX files, or omit dir to download into the cache.`,
    );
  }
  const cache = o.cacheDir ?? join(dataHome(), spec.name);
  for (const [candidate, expected] of [
    [file, sha256],
    [plain, spec.files[key].rawSha256],
  ] as const) {
    const path = join(cache, candidate);
    if (existsSync(path)) {
      await verifyCached(spec.name, path, expected);
      return path;
    }
  }
  const dest = join(cache, file);
  if (o.download === false) {
    throw new BetterDLError(
      'IO_ERROR',
      `${spec.name}: ${dest} is missing and download is false. Allow downloads or pass dir.`,
    );
  }
  if (Date.now() >= deadlineAt) {
    throw new BetterDLError(
      'IO_ERROR',
      `${spec.name}: the overall deadline (deadlineMs: ${o.deadlineMs ?? DEFAULT_DEADLINE_MS}) passed before ${file} could be downloaded. Allow more time or pass dir.`,
    );
  }
  const mirrors = o.mirrors ?? spec.mirrors;
  const onProgress = o.onProgress ?? (o.verbose === false ? undefined : consoleProgress());
  await downloadFile(
    mirrors.map((m) => (m.endsWith('/') ? m : `${m}/`) + file),
    dest,
    {
      sha256,
      retries: o.retries,
      onProgress,
      timeoutMs: o.timeoutMs,
      deadlineMs: Math.max(1, deadlineAt - Date.now()),
    },
  );
  return dest;
}

/** Loads any MNIST-format data set described by `spec` (see {@link loadMnist}). */
export async function loadIdxDataset(
  spec: IdxDatasetSpec,
  options: LoadMnistOptions = {},
): Promise<MnistData> {
  checkOptions(`load ${spec.name}`, options, LOAD_MNIST_OPTIONS);
  checkLimit(`load ${spec.name}`, options.limit);
  const { scale, flatten, oneHot, limit, numClasses } = options;
  const imageOptions = Object.fromEntries(
    Object.entries({ scale, flatten, oneHot, limit, numClasses }).filter(([, v]) => v !== undefined),
  ) as ImageDatasetOptions;
  const paths = {} as Record<keyof IdxDatasetSpec['files'], string>;
  const deadlineAt = Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  for (const key of ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const) {
    paths[key] = await locate(spec, key, options, deadlineAt);
  }
  const [trI, trL, teI, teL] = await Promise.all([
    readIdxFile(paths.trainImages, { rank: 3, dtype: 'uint8' }),
    readIdxFile(paths.trainLabels, { rank: 1, dtype: 'uint8' }),
    readIdxFile(paths.testImages, { rank: 3, dtype: 'uint8' }),
    readIdxFile(paths.testLabels, { rank: 1, dtype: 'uint8' }),
  ]);
  const train = imageDataset(trI, trL, imageOptions, [paths.trainImages, paths.trainLabels]);
  try {
    return { train, test: imageDataset(teI, teL, imageOptions, [paths.testImages, paths.testLabels]) };
  } catch (err) {
    train.x.dispose();
    train.y.dispose();
    throw err;
  }
}

/**
 * MNIST handwritten digits, like Keras's `mnist.load_data()`: 60 000 training and 10 000 test images of
 * 28×28, as float32 tensors `[n, 28, 28, 1]` scaled to [0, 1] and labels `[n, 1]` (see the options).
 * Reads `dir`, or the cache, downloading into it when needed.
 *
 * @example
 * const { train, test } = await loadMnist({ flatten: true, oneHot: true });
 */
export function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  return loadIdxDataset(MNIST, options);
}

/**
 * Fashion-MNIST (Zalando's 10 clothing classes, see `fashionMnistClasses`), like Keras's
 * `fashion_mnist.load_data()`; same shapes and options as {@link loadMnist}. On Debian, `apt install
 * dataset-fashion-mnist` and pass `dir: '/usr/share/datasets/fashion-mnist'`.
 *
 * @example
 * const { train, test } = await loadFashionMnist({ dir: '/usr/share/datasets/fashion-mnist' });
 */
export function loadFashionMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  return loadIdxDataset(FASHION_MNIST, options);
}
