import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyCnn } from './fixtures/models';
import { loadPretrained } from './load-pretrained';
import { loadPretrained as loadPretrainedNode, savePretrained } from './node-file-io';

const root = join(tmpdir(), `betterdl-transfer-load-${process.pid}`);
const good = join(root, 'good');
let server: Server;
let base = '';
let expected: Float32Array;
const x = () => tf.ones([1, 8, 8, 1]);

async function predict(m: Awaited<ReturnType<typeof loadPretrained>>): Promise<Float32Array> {
  const input = x();
  const out = m.predict(input) as tf.Tensor;
  const v = (await out.data()) as Float32Array;
  tf.dispose([input, out]);
  m.dispose();
  return v;
}

async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    expect(isBetterDLError(e)).toBe(true);
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false, seed: 13 });
  const m2 = tinyCnn();
  const input = x();
  const out = m2.predict(input) as tf.Tensor;
  expected = Float32Array.from(out.dataSync());
  tf.dispose([input, out]);
  await savePretrained(m2, good);
  m2.dispose();
  // Variants of the saved model, each broken in one way.
  const json = await readFile(join(good, 'model.json'), 'utf8');
  const shard = JSON.parse(json).weightsManifest[0].paths[0] as string;
  expect(shard).toMatch(/^model\.weights\.[\w-]+\.bin$/);
  const bin = await readFile(join(good, shard));
  const variant = async (name: string, files: Record<string, string | Uint8Array>) => {
    for (const [f, data] of Object.entries(files)) {
      await savePretrainedFile(join(root, name, f), data);
    }
  };
  await variant('no-shard', { 'model.json': json });
  await variant('truncated', { 'model.json': json, [shard]: bin.subarray(0, 100) });
  await variant('not-json', { 'model.json': 'HDF\u0001 binary keras file' });
  await variant('no-topology', { 'model.json': JSON.stringify({ weightsManifest: [] }) });
  await variant('graph', {
    'model.json': JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }),
  });
  server = createServer(async (req, res) => {
    try {
      const data = await readFile(join(root, decodeURIComponent(req.url ?? '')));
      res.writeHead(200).end(data);
    } catch {
      res.writeHead(404, 'Not Found').end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});

async function savePretrainedFile(path: string, data: string | Uint8Array) {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, data);
}

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await rm(root, { recursive: true, force: true });
});

describe('loadPretrained (file:// and paths, Node entry)', () => {
  it('round-trips a model saved with savePretrained: path, directory and file:// URL', async () => {
    const before = tf.memory().numTensors;
    for (const src of [join(good, 'model.json'), good, pathToFileURL(join(good, 'model.json')).href]) {
      expect(Array.from(await predict(await loadPretrainedNode(src)))).toEqual(Array.from(expected));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads the README's relative form: loadPretrained('file://./…/model.json')", async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      for (const src of ['file://./good/model.json', 'file://./good', './good'])
        expect(Array.from(await predict(await loadPretrainedNode(src)))).toEqual(Array.from(expected));
    } finally {
      process.chdir(cwd);
    }
  });

  it('says which weights shard is missing, and when one is truncated', async () => {
    const e1 = await errorOf(loadPretrainedNode(join(root, 'no-shard')));
    expect(e1.message).toMatch(
      /weights shard 'model\.weights\.[\w-]+\.bin' named in .*model\.json is missing \(ENOENT/,
    );
    const e2 = await errorOf(loadPretrainedNode(join(root, 'truncated')));
    expect(e2.message).toMatch(/hold 100 bytes but model\.json describes \d+: a shard is truncated/);
  });

  it('recognises the wrong format and a graph model', async () => {
    expect((await errorOf(loadPretrainedNode(join(root, 'not-json')))).message).toMatch(
      /is not JSON.*tensorflowjs_converter/,
    );
    expect((await errorOf(loadPretrainedNode(join(root, 'no-topology')))).message).toMatch(
      /not a tfjs Layers model\.json: it has no modelTopology/,
    );
    const g = await errorOf(loadPretrainedNode(join(root, 'graph')));
    expect(g.code).toBe('INVALID_DATA');
    expect(g.message).toMatch(/graph model.*not a Layers model.*tf\.loadGraphModel/);
    expect((await errorOf(loadPretrainedNode(join(root, 'nowhere')))).message).toMatch(
      /does not exist \(ENOENT\)/,
    );
  });
});

describe('loadPretrained (http, main entry)', () => {
  it('loads over http from a local server, through both entries', async () => {
    expect(Array.from(await predict(await loadPretrained(`${base}/good/model.json`)))).toEqual(
      Array.from(expected),
    );
    expect(Array.from(await predict(await loadPretrainedNode(`${base}/good/model.json`)))).toEqual(
      Array.from(expected),
    );
  });

  it('reports HTTP errors for model.json and for a missing shard, and the graph model', async () => {
    expect((await errorOf(loadPretrained(`${base}/missing/model.json`))).message).toMatch(
      /model\.json .* answered HTTP 404.*must point at model\.json/,
    );
    expect((await errorOf(loadPretrained(`${base}/no-shard/model.json`))).message).toMatch(
      /weights shard .*\/no-shard\/model\.weights\.[\w-]+\.bin answered HTTP 404.*upload every \.bin file/,
    );
    expect((await errorOf(loadPretrained(`${base}/not-json/model.json`))).message).toMatch(/is not JSON/);
    expect((await errorOf(loadPretrained(`${base}/graph/model.json`))).message).toMatch(/graph model/);
    expect((await errorOf(loadPretrained('http://127.0.0.1:1/model.json'))).message).toMatch(/cannot fetch/);
  });

  it('sends file paths in the browser-safe entry to the Node entry, and loads from an IO handler', async () => {
    expect((await errorOf(loadPretrained(join(good, 'model.json')))).message).toMatch(
      /@betterdl\/transfer\/node/,
    );
    const json = JSON.parse(await readFile(join(good, 'model.json'), 'utf8'));
    const bin = await readFile(join(good, json.weightsManifest[0].paths[0]));
    const handler = tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    });
    expect(Array.from(await predict(await loadPretrained(handler)))).toEqual(Array.from(expected));
    const graph = tf.io.fromMemory({ modelTopology: { node: [] }, format: 'graph-model' } as never);
    expect((await errorOf(loadPretrained(graph))).message).toMatch(/graph model/);
  });
});
