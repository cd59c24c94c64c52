import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, loadFixture } from './fixtures.test-helpers';
import { type MakeBlobsArgs, makeBlobs } from './make-blobs';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('makeBlobs', () => {
  it.each(loadFixture('make-blobs').map((c) => [JSON.stringify(c.args), c] as const))(
    'equals scikit-learn make_blobs(%s)',
    (_name, c) => {
      const d = makeBlobs(c.args as MakeBlobsArgs);
      expect([d.nSamples, d.nFeatures]).toEqual(c.shape);
      expectClose(d.xValues, c.x, 1e-12, 'x');
      expect(Array.from(d.yValues)).toEqual(c.y);
      expectClose(d.centers.flat(), (c.centers as number[][]).flat(), 1e-12, 'centers');
      expect(d.x.shape).toEqual(c.shape);
      expect(d.y.shape).toEqual([c.shape[0], 1]);
      tf.dispose([d.x, d.y]);
    },
  );

  it('validates options when called', () => {
    expect(() => makeBlobs({ centers: 0 })).toThrow(/centers must be an integer >= 1/);
    expect(() => makeBlobs({ centers: 2, clusterStd: [1, 2, 3] })).toThrow(
      /one such number per center \(2\)/,
    );
    expect(() => makeBlobs({ nSamples: [2, 3], centers: [[0, 0]] })).toThrow(
      /2 counts but centers has 1 rows/,
    );
    expect(() => makeBlobs({ centers: [[0, 0], [1]] })).toThrow(/equally long rows/);
    expect(() => makeBlobs({ nFeatures: 0 })).toThrow(/nFeatures must be an integer >= 1/);
  });
});
