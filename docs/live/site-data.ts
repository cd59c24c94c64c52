// The images the site serves for the cookbook recipes: the first rows of Fashion-MNIST's training and test
// files, as gzipped IDX files (make-data.ts writes them at build time; vite-plugin.ts serves them). The subset
// holds what the recipes' full mode uses (10 000 / 2000 images, subsetSizes of examples/_shared/cookbook.ts);
// quick mode takes the first 1000 / 500 of it — the same images `pnpm example` reads in Node.

/** The URL path of the folder below the site's base. */
export const DIGITS_PATH = 'live-data/fashion-mnist/';

/** The four files, as Fashion-MNIST names them (gzipped). */
export const DIGITS_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/** Rows kept of each split. */
export const DIGITS_SUBSET = { train: 10000, test: 2000 } as const;
