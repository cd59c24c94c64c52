// `tsx docs/live/make-data.ts <dir>`: writes the Fashion-MNIST subset the site serves (site-data.ts) into
// <dir>. The images come from where the examples read them (examples/_shared/data.ts): FASHION_MNIST_DIR,
// Debian's dataset-fashion-mnist folder, else @betterdl/datasets' checksummed download into its cache — so
// the page trains on exactly the images `pnpm example` uses. The site's build runs this (vite-plugin.ts).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, type IdxArray } from '@betterdl/datasets';
import { FASHION_MNIST, readIdxFile } from '@betterdl/datasets/node';
import { fashionMnistFolder } from '../../examples/_shared/data';
import { DIGITS_FILES, DIGITS_SUBSET } from './site-data';

/** The first `n` rows of an IDX array. */
function head(a: IdxArray, n: number): IdxArray {
  const row = a.shape.slice(1).reduce((x, y) => x * y, 1);
  const rows = Math.min(n, a.shape[0] as number);
  return { dtype: a.dtype, shape: [rows, ...a.shape.slice(1)], data: a.data.subarray(0, rows * row) };
}

/** Writes the four gzipped subset files into `out`; returns their names and sizes. */
export async function makeSiteData(out: string): Promise<Record<string, number>> {
  const dir = await fashionMnistFolder();
  const files = FASHION_MNIST.files;
  const parts = [
    { src: files.trainImages.file, dest: DIGITS_FILES.trainImages, rank: 3, n: DIGITS_SUBSET.train },
    { src: files.trainLabels.file, dest: DIGITS_FILES.trainLabels, rank: 1, n: DIGITS_SUBSET.train },
    { src: files.testImages.file, dest: DIGITS_FILES.testImages, rank: 3, n: DIGITS_SUBSET.test },
    { src: files.testLabels.file, dest: DIGITS_FILES.testLabels, rank: 1, n: DIGITS_SUBSET.test },
  ];
  mkdirSync(out, { recursive: true });
  const sizes: Record<string, number> = {};
  for (const p of parts) {
    // The loaders read `name.gz` or the unpacked `name`, whichever is there.
    const src = await readIdxFile(join(dir, p.src), { rank: p.rank, dtype: 'uint8' }).catch(() =>
      readIdxFile(join(dir, p.src.replace(/\.gz$/, '')), { rank: p.rank, dtype: 'uint8' }),
    );
    const bytes = gzipSync(encodeIdx(head(src, p.n)), { level: 9 });
    const tmp = join(out, `${p.dest}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, join(out, p.dest));
    sizes[p.dest] = bytes.length;
  }
  return sizes;
}

if (process.argv[2]) {
  const out = resolve(process.argv[2]);
  const sizes = await makeSiteData(out);
  console.log(
    `site data: ${Object.entries(sizes)
      .map(([f, b]) => `${f} ${(b / 1024).toFixed(0)} KiB`)
      .join(', ')} in ${out}`,
  );
}
