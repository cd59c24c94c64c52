import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from './idx';
import {
  consoleProgress,
  DEFAULT_TIMEOUT_MS,
  type DownloadProgress,
  dataHome,
  downloadFile,
} from './node-download';
import { type IdxDatasetSpec, loadIdxDataset, loadMnist } from './node-load-mnist';

const payload = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) % 251);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hits: Record<string, number> = {};
const files: Record<string, Uint8Array> = {};
let server: Server;
let base: string;
let tmp: string;

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  tmp = await mkdtemp(join(tmpdir(), 'betterdl-dl-'));
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    hits[url] = (hits[url] ?? 0) + 1;
    if (url === '/ok/data.bin') {
      res.writeHead(200, { 'content-length': payload.length });
      // Two chunks so that progress is reported more than once.
      res.write(payload.subarray(0, 100_000));
      setTimeout(() => res.end(payload.subarray(100_000)), 5);
    } else if (url === '/flaky/data.bin') {
      if ((hits[url] as number) <= 2) {
        res.writeHead(503);
        res.end('busy');
      } else res.end(payload);
    } else if (url === '/short/data.bin') {
      // A dropped connection: fewer bytes than announced, then the socket closes.
      res.writeHead(200, { 'content-length': payload.length + 10 });
      res.write(payload, () => res.socket?.destroy());
    } else if (url === '/hang/data.bin') {
      res.writeHead(200, { 'content-length': 10 });
      res.write('12345');
    } else if (url.startsWith('/silent/')) {
      // Accepts the connection and never answers: a dead mirror.
    } else if (url === '/trickle/data.bin') {
      // Slow but alive: 8 bytes, one every 60 ms (longer in total than timeoutMs, never silent that long).
      res.writeHead(200, { 'content-length': 8 });
      let n = 0;
      const tick = setInterval(() => {
        res.write(String(n++));
        if (n === 8) {
          clearInterval(tick);
          res.end();
        }
      }, 60);
    } else if (url === '/wrong/data.bin') {
      res.end(payload.subarray(1));
    } else if (url.startsWith('/mnist/') && files[url.slice(7)]) {
      res.end(files[url.slice(7)]);
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(tmp, { recursive: true, force: true });
});

describe('downloadFile', () => {
  it('streams, checks SHA-256, reports progress and writes atomically', async () => {
    const dest = join(tmp, 'a', 'data.bin');
    const seen: DownloadProgress[] = [];
    const bytes = await downloadFile(`${base}/ok/data.bin`, dest, {
      sha256: sha(payload),
      onProgress: (p) => seen.push(p),
    });
    expect(sha(bytes)).toBe(sha(payload));
    expect(sha(await readFile(dest))).toBe(sha(payload));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toMatchObject({ done: true, received: payload.length, total: payload.length });
    expect(seen.some((p) => !p.done && (p.received as number) < payload.length)).toBe(true);
    expect(await readdir(join(tmp, 'a'))).toEqual(['data.bin']);
  });

  it('retries transient failures and falls back to the next mirror after a 404', async () => {
    const dest = join(tmp, 'b', 'data.bin');
    await downloadFile([`${base}/missing/data.bin`, `${base}/flaky/data.bin`], dest, {
      sha256: sha(payload),
      retries: 2,
      retryDelayMs: 1,
    });
    expect(hits['/missing/data.bin']).toBe(1);
    expect(hits['/flaky/data.bin']).toBe(3);
    expect(sha(await readFile(dest))).toBe(sha(payload));
  });

  it('gives up with every failure listed and leaves no file behind', async () => {
    const dest = join(tmp, 'c', 'data.bin');
    const err = await downloadFile([`${base}/wrong/data.bin`, `${base}/short/data.bin`], dest, {
      sha256: sha(payload),
      retries: 1,
      retryDelayMs: 1,
    }).catch((e: unknown) => e);
    expect(isBetterDLError(err)).toBe(true);
    const msg = (err as Error).message;
    expect(msg).toMatch(/wrong\/data.bin \(attempt 2\): SHA-256 mismatch/);
    expect(msg).toMatch(/short\/data.bin \(attempt 1\): .*/);
    expect(msg).toMatch(/download the file yourself into/);
    await expect(readdir(join(tmp, 'c'))).rejects.toThrow();
  });

  it('times out a stalled server', async () => {
    const err = await downloadFile(`${base}/hang/data.bin`, join(tmp, 'd', 'data.bin'), {
      timeoutMs: 100,
      retries: 0,
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/hang\/data.bin \(attempt 1\): timed out/);
  });

  it('timeoutMs: a silent mirror is dropped after timeoutMs per attempt and the next mirror used; a slow live one is not cut', async () => {
    const t0 = Date.now();
    const err = (await downloadFile(`${base}/silent/a.bin`, join(tmp, 's', 'a.bin'), {
      timeoutMs: 200,
      retries: 1,
      retryDelayMs: 10,
    }).catch((e: Error) => e)) as Error;
    const took = Date.now() - t0;
    expect(isBetterDLError(err)).toBe(true);
    expect(err.message).toMatch(/silent\/a.bin \(attempt 1\): timed out: no data for 200 ms \(timeoutMs\)/);
    expect(err.message).toMatch(/\(attempt 2\): timed out/);
    expect(hits['/silent/a.bin']).toBe(2);
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(10_000);
    const bytes = await downloadFile(
      [`${base}/silent/b.bin`, `${base}/ok/data.bin`],
      join(tmp, 's', 'b.bin'),
      {
        timeoutMs: 200,
        retries: 0,
      },
    );
    expect(bytes.length).toBe(payload.length);
    const slow = await downloadFile(`${base}/trickle/data.bin`, join(tmp, 's', 't.bin'), { timeoutMs: 300 });
    expect(new TextDecoder().decode(slow)).toBe('01234567');
  });

  it('deadlineMs bounds the whole call, whatever the retries; bad values are refused', async () => {
    const t0 = Date.now();
    const err = (await downloadFile(`${base}/silent/c.bin`, join(tmp, 's', 'c.bin'), {
      timeoutMs: 150,
      retries: 100,
      retryDelayMs: 10,
      deadlineMs: 500,
    }).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/deadline of 500 ms passed \(deadlineMs\)/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(hits['/silent/c.bin']).toBeLessThanOrEqual(5);
    for (const bad of [0, -1, Number.NaN, Infinity])
      await expect(
        downloadFile(`${base}/ok/data.bin`, join(tmp, 's', 'x'), { timeoutMs: bad }),
      ).rejects.toThrow(/timeoutMs must be a positive number/);
    expect(DEFAULT_TIMEOUT_MS * 3 + 500 + 1000).toBeLessThan(60_000);
  });

  it('consoleProgress prints live percentages on a terminal and start/end lines in logs', () => {
    const fake = (isTTY: boolean) => {
      const out: string[] = [];
      return { out, stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
    };
    const events: DownloadProgress[] = [
      { url: 'u', dest: '/c/f.gz', received: 0, total: 2097152, done: false },
      { url: 'u', dest: '/c/f.gz', received: 1048576, total: 2097152, done: false },
      { url: 'u', dest: '/c/f.gz', received: 2097152, total: 2097152, done: true },
    ];
    const tty = fake(true);
    const log = fake(false);
    const t = consoleProgress(tty.stream);
    for (const e of events) t(e);
    const p = consoleProgress(log.stream);
    for (const e of events) p(e);
    expect(tty.out.join('')).toContain('f.gz 1.0/2.0 MB (50%)');
    expect(log.out).toEqual([
      'betterdl: downloading u\n',
      'betterdl: f.gz 2.0 MB, SHA-256 ok, saved to /c/f.gz\n',
    ]);
  });

  it('dataHome honours BETTERDL_DATA_HOME', () => {
    const old = process.env.BETTERDL_DATA_HOME;
    process.env.BETTERDL_DATA_HOME = '/data/x';
    expect(dataHome()).toBe('/data/x');
    delete process.env.BETTERDL_DATA_HOME;
    expect(dataHome()).toMatch(/\.betterdl[/\\]datasets$/);
    if (old !== undefined) process.env.BETTERDL_DATA_HOME = old;
  });
});

describe('loaders download into the cache', () => {
  it('fetches missing files once, verified, then reads them from the cache', async () => {
    const img = gzipSync(
      encodeIdx({
        dtype: 'uint8',
        shape: [3, 2, 2],
        data: Uint8Array.from({ length: 12 }, (_, i) => i * 20),
      }),
    );
    const lab = gzipSync(encodeIdx({ dtype: 'uint8', shape: [3], data: Uint8Array.from([4, 5, 6]) }));
    Object.assign(files, { 'tr-img.gz': img, 'tr-lab.gz': lab, 'te-img.gz': img, 'te-lab.gz': lab });
    const spec: IdxDatasetSpec = {
      name: 'tiny',
      mirrors: [`${base}/nothing/`, `${base}/mnist/`],
      files: {
        trainImages: { file: 'tr-img.gz', sha256: sha(img) },
        trainLabels: { file: 'tr-lab.gz', sha256: sha(lab) },
        testImages: { file: 'te-img.gz', sha256: sha(img) },
        testLabels: { file: 'te-lab.gz', sha256: sha(lab) },
      },
    };
    const old = process.env.BETTERDL_DATA_HOME;
    process.env.BETTERDL_DATA_HOME = join(tmp, 'home');
    try {
      const before = tf.memory().numTensors;
      const a = await loadIdxDataset(spec, { verbose: false });
      expect(Array.from(a.train.y.dataSync())).toEqual([4, 5, 6]);
      expect(a.test.x.shape).toEqual([3, 2, 2, 1]);
      expect((await readdir(join(tmp, 'home', 'tiny'))).sort()).toEqual([
        'te-img.gz',
        'te-lab.gz',
        'tr-img.gz',
        'tr-lab.gz',
      ]);
      const served = hits['/mnist/tr-img.gz'];
      const b = await loadIdxDataset(spec, { verbose: false });
      expect(hits['/mnist/tr-img.gz']).toBe(served);
      tf.dispose([a.train.x, a.train.y, a.test.x, a.test.y, b.train.x, b.train.y, b.test.x, b.test.y]);
      expect(tf.memory().numTensors).toBe(before);
      await expect(loadMnist({ download: false })).rejects.toThrow(
        /mnist[/\\]train-images-idx3-ubyte.gz is missing and download is false/,
      );
      // The pinned MNIST checksums reject a file that is not the real one.
      files['train-images-idx3-ubyte.gz'] = img;
      await expect(loadMnist({ mirrors: [`${base}/mnist/`], retries: 0, verbose: false })).rejects.toThrow(
        /train-images-idx3-ubyte.gz \(attempt 1\): SHA-256 mismatch: got [0-9a-f]{64}, expected 440fcabf/,
      );
      expect(existsSync(join(tmp, 'home', 'mnist', 'train-images-idx3-ubyte.gz'))).toBe(false);
      // A dead mirror: timeoutMs reaches through loadMnist, and deadlineMs bounds the whole load.
      const t0 = Date.now();
      await expect(
        loadMnist({ mirrors: [`${base}/silent/`], retries: 0, timeoutMs: 150, verbose: false }),
      ).rejects.toThrow(/silent\/train-images-idx3-ubyte.gz \(attempt 1\): timed out: no data for 150 ms/);
      await expect(
        loadMnist({
          mirrors: [`${base}/silent/`],
          retries: 50,
          deadlineMs: 300,
          verbose: false,
        }),
      ).rejects.toThrow(/deadline of \d+ ms passed \(deadlineMs\)/);
      expect(Date.now() - t0).toBeLessThan(15_000);
    } finally {
      if (old === undefined) delete process.env.BETTERDL_DATA_HOME;
      else process.env.BETTERDL_DATA_HOME = old;
    }
  });
});
