import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsv as loadCsvBrowser, parseCsv } from './load-csv';
import { loadCsv } from './node-load-csv';

const iris = `sepal length,sepal width,"species, name"
5.1,3.5,setosa
7.0,3.2,versicolor\r
6.3,3.3,"virginica"

4.9,3.0,setosa
`;

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('parseCsv / loadCsv', () => {
  it('parses features and a text label into tensors and class indices', () => {
    const before = tf.memory().numTensors;
    const d = parseCsv(iris, { label: 'species, name' });
    expect(d.featureNames).toEqual(['sepal length', 'sepal width']);
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(d.yValues ?? [])).toEqual([0, 1, 2, 0]);
    expect(Array.from(d.xValues)).toEqual([5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0]);
    expect(d.x.shape).toEqual([4, 2]);
    expect(d.y?.shape).toEqual([4, 1]);
    tf.dispose([d.x, d.y as tf.Tensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('selects features by name or index, handles no header, quotes and numeric labels', () => {
    const d = parseCsv('1;"2""x";3\n4;5;6\n', { header: false, delimiter: ';', label: 0, features: [2] });
    expect(d.featureNames).toEqual(['column2']);
    expect(Array.from(d.xValues)).toEqual([3, 6]);
    expect(Array.from(d.yValues ?? [])).toEqual([1, 4]);
    expect(d.classes).toBeNull();
    const noLabel = parseCsv('a,b\n1,2\n');
    expect(noLabel.y).toBeNull();
    tf.dispose([d.x, d.y as tf.Tensor, noLabel.x]);
  });

  it('names the line and column of ragged rows and non-numeric cells', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(/line 3 has 1 fields but the header has 2 \(ragged row/);
    expect(() => parseCsv('a,b\n1,2\n3,x\n')).toThrow(/line 3, column "b": "x" is not a number/);
    expect(() => parseCsv('a,b\n1,\n')).toThrow(/line 2, column "b": "" is not a number/);
    expect(() => parseCsv('a,b\n1,2\n', { label: 'c' })).toThrow(
      /label column "c" not found; columns are a, b/,
    );
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(/unterminated quoted field starting on line 2/);
    expect(() => parseCsv('a,b\n')).toThrow(/no data rows/);
  });

  it('reads files (path, file: URL, relative file://./) and http URLs in Node; the browser version refuses paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'betterdl-csv-'));
    const file = join(dir, 'iris.csv');
    await writeFile(file, iris);
    const server = createServer((_req, res) => res.end(iris));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const a = await loadCsv(file, { label: 2 });
      const b = await loadCsv(pathToFileURL(file), { label: 2 });
      const cwd = process.cwd();
      process.chdir(dir);
      let rel: Awaited<ReturnType<typeof loadCsv>>;
      try {
        rel = await loadCsv('file://./iris.csv', { label: 2 });
        await expect(loadCsv('file://./absent.csv')).rejects.toThrow(/absent\.csv .*does not exist/);
      } finally {
        process.chdir(cwd);
      }
      expect(Array.from(rel.yValues ?? [])).toEqual([0, 1, 2, 0]);
      tf.dispose([rel.x, rel.y as tf.Tensor]);
      const c = await loadCsv(`http://127.0.0.1:${(server.address() as AddressInfo).port}/iris.csv`, {
        label: 2,
      });
      for (const d of [a, b, c]) expect(Array.from(d.yValues ?? [])).toEqual([0, 1, 2, 0]);
      tf.dispose([a, b, c].flatMap((d) => [d.x, d.y as tf.Tensor]));
      await writeFile(file, 'a,b\n1,2\n3\n');
      await expect(loadCsv(file)).rejects.toThrow(`loadCsv: ${file}: line 3 has 1 fields`);
      await expect(loadCsvBrowser(file)).rejects.toThrow(/neither a URL nor CSV text.*datasets\/node/);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
