import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from './idx';
import { imageDataset } from './image-dataset';
import { parseCsv } from './load-csv';
import { makeBlobs } from './make-blobs';
import { makeCircles } from './make-circles';
import { makeClassification } from './make-classification';
import { makeMoons } from './make-moons';
import { makeRegression } from './make-regression';
import { loadCsv } from './node-load-csv';
import { type IdxDatasetSpec, loadIdxDataset } from './node-load-mnist';
import { minMaxScaler, scalerFromJSON, standardScaler } from './scalers';

/** Runs `fn` and returns the BetterDLError it threw (failing when it threw nothing or something else). */
async function caught(fn: () => unknown): Promise<{ code: string; message: string; cause?: unknown }> {
  try {
    await fn();
  } catch (err) {
    expect(isBetterDLError(err), String(err)).toBe(true);
    return err as { code: string; message: string };
  }
  throw new Error('expected a BetterDLError, nothing was thrown');
}

let tmp: string;
beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  tmp = await mkdtemp(join(tmpdir(), 'betterdl-bad-input-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('bad input never becomes data', () => {
  it('CSV: a hex cell (0x1A) is not read as 26', async () => {
    const e = await caught(() => parseCsv('a,b\n1,0x1A\n2,3\n'));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toMatch(/line 2, column "b": "0x1A" is not a number/);
    expect(parseCsv('a\n1e3\n-.5\n+2\n').xValues).toEqual(Float64Array.from([1000, -0.5, 2]));
  });

  it('CSV: a numeric target with one blank cell is an error, or classes when asked', async () => {
    const text = 'x,y\n1,0.5\n2,\n3,1.5\n';
    const e = await caught(() => parseCsv(text, { label: 'y' }));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toMatch(/line 3, label column "y": the label is blank.*labelType: 'class'/);
    const mixed = await caught(() => parseCsv('x,y\n1,0\n2,1\n3,l\n', { label: 'y' }));
    expect(mixed.message).toMatch(/line 4, label column "y": "l" is not a decimal number but line 2/);
    const asClasses = parseCsv(text, { label: 'y', labelType: 'class' });
    expect(asClasses.classes).toEqual(['', '0.5', '1.5']);
    expect(Array.from(asClasses.yValues as Float64Array)).toEqual([1, 0, 2]);
    expect(parseCsv('x,y\n1,cat\n2,dog\n', { label: 'y' }).classes).toEqual(['cat', 'dog']);
    tf.dispose([asClasses.x, asClasses.y as tf.Tensor]);
    expect((await caught(() => parseCsv(text, { lable: 'y' } as never))).message).toMatch(
      /Did you mean label\?/,
    );
  });

  it('loadCsv from /node: a missing file is IO_ERROR, also when its name has a comma', async () => {
    const e = await caught(() => loadCsv('no-such-file.csv'));
    expect(e.code).toBe('IO_ERROR');
    expect(e.message).toMatch(/loadCsv: no file "no-such-file.csv" \(looked for .*no-such-file\.csv\)/);
    const comma = await caught(() => loadCsv(join(tmp, 'data,v2.csv')));
    expect(comma.code).toBe('IO_ERROR');
    expect(comma.message).not.toMatch(/no data rows/);
  });

  it('imageDataset: float labels are an error, not NaN', async () => {
    const images = { dtype: 'float32' as const, shape: [2, 1, 1], data: Float32Array.from([0, 1]) };
    const labels = { dtype: 'float32' as const, shape: [2], data: Float32Array.from([1, 1.5]) };
    const e = await caught(() => imageDataset(images as never, labels as never));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toMatch(/labels: label 1\.5 at index 1 is not a class index/);
  });

  it('scalers: ragged rows are never re-split', async () => {
    const e = await caught(() => standardScaler().fit([[1, 2], [3], [4, 5, 6]]));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/row 1 has 1 values but row 0 has 2/);
    const fitted = minMaxScaler().fit([[1], [3]]);
    expect((await caught(() => fitted.transform([[1], [2, 3]]))).message).toMatch(/row 1 has 2 values/);
  });

  it('scalerFromJSON: a scale of 0 or null is corrupt state', async () => {
    const json = standardScaler()
      .fit([
        [1, 2],
        [3, 5],
      ])
      .toJSON();
    for (const scale of [
      [0, 1],
      [null, 1],
      [1, Number.POSITIVE_INFINITY],
    ]) {
      const e = await caught(() => scalerFromJSON({ ...json, scale: scale as number[] }));
      expect(e.code).toBe('INVALID_DATA');
      expect(e.message).toMatch(/standardScaler\.fromJSON: scale\[\d\] is .*finite non-zero/);
    }
    expect((await caught(() => scalerFromJSON({ ...json, shift: [Number.NaN, 1] }))).message).toMatch(
      /shift\[0\]/,
    );
  });

  it('makeClassification: NaN weights are an error, not one class', async () => {
    const e = await caught(() => makeClassification({ weights: [Number.NaN, 0.5], randomState: 0 }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/makeClassification: weights\[0\] must be a finite number >= 0, got NaN/);
    expect((await caught(() => makeClassification({ weights: [1.5], randomState: 0 }))).message).toMatch(
      /weights sum to 1\.5 > 1/,
    );
  });

  it('generators: sizes that cannot be held are INVALID_ARGUMENT, not RangeError', async () => {
    for (const make of [
      () => makeCircles({ nSamples: 1e12 }),
      () => makeMoons({ nSamples: 1e12 }),
      () => makeBlobs({ nSamples: 1e12 }),
      () => makeRegression({ nSamples: 1e9, nFeatures: 100 }),
      () => makeClassification({ nSamples: 1e9 }),
    ]) {
      const e = await caught(make);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/values is more than a generator can hold/);
    }
    expect((await caught(() => makeCircles({ n_samples: 10 } as never))).message).toMatch(
      /Did you mean nSamples\?/,
    );
  });

  it('a cached IDX file is re-verified on every load (a flipped pixel is INVALID_DATA)', async () => {
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const img = encodeIdx({
      dtype: 'uint8',
      shape: [2, 2, 2],
      data: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
    });
    const lab = encodeIdx({ dtype: 'uint8', shape: [2], data: Uint8Array.from([1, 2]) });
    const imgGz = gzipSync(img);
    const cacheDir = join(tmp, 'cache');
    const spec: IdxDatasetSpec = {
      name: 'tiny',
      mirrors: ['http://127.0.0.1:9/'],
      files: {
        trainImages: { file: 'tr-img.gz', sha256: sha(imgGz) },
        trainLabels: { file: 'tr-lab.gz', sha256: 'unused', rawSha256: sha(lab) },
        testImages: { file: 'te-img.gz', sha256: sha(imgGz) },
        testLabels: { file: 'te-lab.gz', sha256: 'unused', rawSha256: sha(lab) },
      },
    };
    await rm(cacheDir, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(cacheDir, { recursive: true });
    await writeFile(join(cacheDir, 'tr-img.gz'), imgGz);
    await writeFile(join(cacheDir, 'te-img.gz'), imgGz);
    await writeFile(join(cacheDir, 'tr-lab'), lab);
    await writeFile(join(cacheDir, 'te-lab'), lab);
    const ok = await loadIdxDataset(spec, { cacheDir, download: false, verbose: false });
    expect(Array.from(ok.train.y.dataSync())).toEqual([1, 2]);
    tf.dispose([ok.train.x, ok.train.y, ok.test.x, ok.test.y]);
    const flipped = Uint8Array.from(lab);
    flipped[flipped.length - 1] = 9;
    await writeFile(join(cacheDir, 'te-lab'), flipped);
    const before = tf.memory().numTensors;
    const e = await caught(() => loadIdxDataset(spec, { cacheDir, download: false, verbose: false }));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toMatch(
      /tiny: the cached .*te-lab \(10 bytes\) has SHA-256 [0-9a-f]{64}, expected .*Delete it/,
    );
    await writeFile(join(cacheDir, 'te-lab'), lab);
    await writeFile(join(cacheDir, 'te-img.gz'), imgGz.subarray(0, imgGz.length - 3));
    expect(
      (await caught(() => loadIdxDataset(spec, { cacheDir, download: false, verbose: false }))).code,
    ).toBe('INVALID_DATA');
    expect(tf.memory().numTensors).toBe(before);
  });
});
