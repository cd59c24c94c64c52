// The page's loadDigits (see LessonHost in examples/_shared/host.ts): the Fashion-MNIST subset served with
// the site, fetched, gunzipped and parsed with @betterdl/datasets' parseIdx and imageDataset — the same
// functions the Node loaders use on the files.
import { type IdxArray, imageDataset, parseIdx } from '@betterdl/datasets';
import { BetterDLError } from '@betterdl/runtime';
import type { LessonHost } from '../../examples/_shared/host';
import { DIGITS_FILES, DIGITS_PATH, DIGITS_SUBSET } from './site-data';

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  // A server may already have undone the gzip (Content-Encoding): only inflate what still starts with its magic.
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function fetchIdx(url: string, rank: number): Promise<IdxArray> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new BetterDLError('IO_ERROR', `Cannot fetch ${url}: ${(err as Error).message}.`, { cause: err });
  }
  if (!res.ok)
    throw new BetterDLError(
      'IO_ERROR',
      `Cannot fetch ${url}: HTTP ${res.status}. The site serves the images it builds with (pnpm docs:build / docs:dev).`,
    );
  const bytes = await gunzip(new Uint8Array(await res.arrayBuffer()));
  return parseIdx(bytes, { name: url, rank, dtype: 'uint8' });
}

/** loadDigits for a page whose site is served from `base` (VitePress `base`, ending in `/`). */
export function siteDigits(base: string, log: (line: string) => void): LessonHost['loadDigits'] {
  return async (options) => {
    const dir = new URL(`${base}${DIGITS_PATH}`, self.location.href).href;
    const [trI, trL, teI, teL] = await Promise.all([
      fetchIdx(dir + DIGITS_FILES.trainImages, 3),
      fetchIdx(dir + DIGITS_FILES.trainLabels, 1),
      fetchIdx(dir + DIGITS_FILES.testImages, 3),
      fetchIdx(dir + DIGITS_FILES.testLabels, 1),
    ]);
    log(
      `Fashion-MNIST from this site (${dir}: the first ${DIGITS_SUBSET.train} training and ${DIGITS_SUBSET.test} test images)`,
    );
    const train = imageDataset(trI, trL, options, [DIGITS_FILES.trainImages, DIGITS_FILES.trainLabels]);
    const test = imageDataset(teI, teL, options, [DIGITS_FILES.testImages, DIGITS_FILES.testLabels]);
    return { data: { train, test }, dataset: 'Fashion-MNIST' };
  };
}
