import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyModel, toyData, weightValues } from './fixtures/helpers';
import { loadCheckpoint, loadWeights } from './node-file-io';
import { modelCheckpoint } from './node-model-checkpoint';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});
const root = mkdtempSync(join(tmpdir(), 'betterdl-load-'));

describe('loadCheckpoint', () => {
  it('a weights-only checkpoint is a BetterDLError that points at loadWeights', async () => {
    const { x, y } = toyData();
    const model = tinyModel();
    const cb = modelCheckpoint(join(root, 'w-{epoch}'), { saveWeightsOnly: true });
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [cb] });
    const path = cb.saved[0] as string;
    const err = await loadCheckpoint(path).catch((e: unknown) => e);
    expect(isBetterDLError(err)).toBe(true);
    expect(String(err)).toMatch(/weights only.*loadWeights\(model, /);
    const fresh = tinyModel();
    await loadWeights(fresh, path);
    expect(weightValues(fresh)).toEqual(weightValues(model));
    tf.dispose([x, y]);
  });

  it('a full checkpoint loads uncompiled; compile it before evaluate, as the docs say', async () => {
    const { x, y } = toyData();
    const model = tinyModel();
    const cb = modelCheckpoint(join(root, 'm-{epoch}'));
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [cb] });
    const loaded = await loadCheckpoint(cb.saved[0] as string);
    expect(() => loaded.evaluate(x, y)).toThrow(/compile/);
    loaded.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const out = loaded.evaluate(x, y) as tf.Scalar[];
    const want = model.evaluate(x, y) as tf.Scalar[];
    expect(out[0]?.dataSync()[0]).toBeCloseTo(want[0]?.dataSync()[0] as number, 6);
    tf.dispose([x, y, ...out, ...want]);
    loaded.dispose();
  });
});
