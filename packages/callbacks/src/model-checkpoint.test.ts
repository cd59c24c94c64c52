import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeaks, initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { expectNoBatchHooks, tinyModel, toyData, weightValues } from './fixtures/helpers';
import { modelCheckpoint as browserCheckpoint } from './model-checkpoint';
import { fileSystemHandler, loadCheckpoint, loadWeights, writeDirAtomic } from './node-file-io';
import { modelCheckpoint } from './node-model-checkpoint';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});
const root = mkdtempSync(join(tmpdir(), 'betterdl-ckpt-'));

async function driveSaves(cb: tfl.Callback, model: tfl.LayersModel, values: Array<Record<string, number>>) {
  cb.setModel(model);
  await cb.onTrainBegin({});
  for (const [epoch, logs] of values.entries()) {
    await cb.onEpochBegin(epoch, {});
    await cb.onEpochEnd(epoch, { ...logs });
  }
  await cb.onTrainEnd({});
}

describe('modelCheckpoint (node)', () => {
  it('writes file:// checkpoints named from the template inside a real fit, loadable with loadCheckpoint', async () => {
    const { x, y } = toyData();
    const model = tinyModel();
    const dir = join(root, 'fit');
    const cb = modelCheckpoint(`file://${dir}/model-weights.{epoch:02d}-{val_accuracy:.6f}`);
    await model.fit(x, y, { epochs: 3, verbose: 0, validationData: [x, y], callbacks: [cb] });
    expect(cb.saved).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(cb.saved.map((p) => p.split('/').pop()).sort());
    expect(cb.saved[0]).toMatch(/model-weights\.01-\d\.\d{6}$/);
    const last = cb.saved[2] as string;
    const json = JSON.parse(readFileSync(join(last.slice('file://'.length), 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.modelTopology).toBeDefined();
    const loaded = await loadCheckpoint(last);
    expect(weightValues(loaded)).toEqual(weightValues(model));
    const p1 = model.predict(x) as tf.Tensor;
    const p2 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    tf.dispose([x, y, p1, p2]);
    loaded.dispose();
  });

  it('saveBestOnly saves only improvements and says so; initialValueThreshold is the first best', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const dir = join(root, 'best');
    const cb = modelCheckpoint(join(dir, 'e{epoch}'), {
      saveBestOnly: true,
      verbose: 1,
      initialValueThreshold: 0.95,
    });
    await driveSaves(cb, tinyModel(), [
      { val_loss: 1 },
      { val_loss: 0.9 },
      { val_loss: 0.92 },
      { val_loss: 0.5 },
    ]);
    expect(cb.saved.map((p) => p.split('/').pop())).toEqual(['e2', 'e4']);
    expect(log).toHaveBeenCalledWith('Epoch 1: val_loss did not improve from 0.95000');
    expect(log).toHaveBeenCalledWith(
      `Epoch 2: val_loss improved from 0.95000 to 0.90000, saving model to ${join(dir, 'e2')}`,
    );
    expect(existsSync(join(dir, 'e3'))).toBe(false);
    log.mockRestore();
  });

  it('saveBestOnly with the monitor missing warns and saves anyway', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cb = modelCheckpoint(join(root, 'nomon', 'm'), { saveBestOnly: true });
    await driveSaves(cb, tinyModel(), [{ loss: 1 }]);
    expect(cb.saved).toHaveLength(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/'val_loss' is not in the logs.*Saving anyway/);
    warn.mockRestore();
  });

  it('saveWeightsOnly writes weights without topology; loadWeights puts them back', async () => {
    const model = tinyModel();
    const path = join(root, 'wo', 'w');
    await driveSaves(modelCheckpoint(path, { saveWeightsOnly: true }), model, [{ val_loss: 1 }]);
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
    expect(json.modelTopology).toBeUndefined();
    const other = tinyModel();
    other.setWeights(other.weights.map((w) => tf.zeros(w.shape as number[])));
    await assertNoLeaks(() => loadWeights(other, `file://${path}`), 'loadWeights');
    expect(weightValues(other)).toEqual(weightValues(model));
  });

  it('is atomic: a failed write leaves the previous checkpoint intact; a swap cut short still loads', async () => {
    const model = tinyModel();
    const path = join(root, 'atomic', 'ckpt');
    await driveSaves(modelCheckpoint(path), model, [{ val_loss: 1 }]);
    const good = readFileSync(join(path, 'weights.bin'));
    // A write that fails half-way (second file cannot be created) must not touch the good checkpoint.
    await expect(writeDirAtomic(path, { 'model.json': '{}', 'missing/weights.bin': 'x' })).rejects.toThrow(
      /Cannot write/,
    );
    expect(readFileSync(join(path, 'weights.bin'))).toEqual(good);
    expect(readdirSync(join(root, 'atomic'))).toEqual(['ckpt']);
    // A crash between moving the old copy aside and moving the new one in: the old copy is still found.
    renameSync(path, `${path}.previous`);
    const loaded = await loadCheckpoint(path);
    expect(weightValues(loaded)).toEqual(weightValues(model));
    loaded.dispose();
  });

  it('saveFreq in batches adds a batch hook and saves every n batches with {batch}', async () => {
    const { x, y } = toyData(16);
    const model = tinyModel();
    const cb = modelCheckpoint(join(root, 'freq', 'e{epoch}-b{batch}'), { saveFreq: 3 });
    expect(Object.hasOwn(cb, 'onBatchEnd')).toBe(true);
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [cb] });
    // 8 batches in all, counted across epochs: saves after the 3rd and 6th; {batch} is Keras's 1-based batch
    // within the epoch.
    expect(cb.saved.map((p) => p.split('/').pop())).toEqual(['e1-b3', 'e2-b2']);
    expectNoBatchHooks(modelCheckpoint(join(root, 'freq2', 'm')));
    tf.dispose([x, y]);
  });

  it('rejects bad paths and options when made, and unknown template keys when fit starts', async () => {
    const errs: unknown[] = [];
    for (const f of [
      () => modelCheckpoint(''),
      () => modelCheckpoint(join(root, 'x-{batch}')),
      () => modelCheckpoint(join(root, 'x-{epoch'), {}),
      () => modelCheckpoint(join(root, 'x'), { saveFreq: 0 }),
      () => modelCheckpoint(join(root, 'x'), { mode: 'lowest' as never }),
      () => {
        writeFileSync(join(root, 'file'), '');
        return modelCheckpoint(join(root, 'file', 'sub', 'm'));
      },
    ]) {
      try {
        f();
      } catch (e) {
        errs.push(e);
      }
    }
    expect(errs).toHaveLength(6);
    expect(errs.every(isBetterDLError)).toBe(true);
    expect(String(errs[0])).toMatch(/filepath is empty/);
    expect(String(errs[1])).toMatch(/\{batch\}.*can never be filled/);
    expect(String(errs[5])).toMatch(/not a writable directory/);

    const { x, y } = toyData(8);
    const cb = modelCheckpoint(join(root, 'bad', 'm-{val_acc:.3f}'));
    await expect(tinyModel().fit(x, y, { epochs: 1, verbose: 0, callbacks: [cb] })).rejects.toThrow(
      /'\{val_acc\}' .* will never be in this fit's logs/,
    );
    tf.dispose([x, y]);
  });

  it('main entry: tfjs IO URLs only, with a pointer to the node entry', () => {
    expect(() => browserCheckpoint('checkpoints/m')).toThrow(/@betterdl\/callbacks\/node/);
    expect(() => browserCheckpoint('file://checkpoints/m')).toThrow(/@betterdl\/callbacks\/node/);
  });

  it('main entry with a custom registered scheme saves through tfjs IO routing', async () => {
    const saved: tf.io.ModelArtifacts[] = [];
    const memory = tf.io.withSaveHandler(async (artifacts) => {
      saved.push(artifacts);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    });
    tf.io.registerSaveRouter(((url: string) =>
      String(url).startsWith('memtest://') ? memory : null) as unknown as Parameters<
      typeof tf.io.registerSaveRouter
    >[0]);
    await driveSaves(browserCheckpoint('memtest://m{epoch}'), tinyModel(), [
      { val_loss: 1 },
      { val_loss: 2 },
    ]);
    expect(saved).toHaveLength(2);
    expect(fileSystemHandler(join(root, 'fit')).save).toBeTypeOf('function');
  });
});
