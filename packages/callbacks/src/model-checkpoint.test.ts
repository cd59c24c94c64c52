import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeaks, initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { expectNoBatchHooks, tinyModel, toyData, weightValues } from './fixtures/helpers';
import { modelCheckpoint as browserCheckpoint } from './model-checkpoint';
import { fileSystemHandler, loadCheckpoint, loadWeights } from './node-file-io';
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
    expect(json.weightsManifest[0].paths).toEqual([
      expect.stringMatching(/^model\.weights\.\d+-\d+-[a-z0-9]+\.bin$/),
    ]);
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

  it("takes relative file://./ paths: modelCheckpoint('file://./…') saves under the working directory", async () => {
    const model = tinyModel();
    const cwd = process.cwd();
    const dir = join(root, 'relative');
    mkdirSync(dir);
    process.chdir(dir);
    try {
      const cb = modelCheckpoint('file://./ckpt/e{epoch}');
      await driveSaves(cb, model, [{ val_loss: 1 }, { val_loss: 0.5 }]);
      expect(cb.saved).toEqual(['file://./ckpt/e1', 'file://./ckpt/e2']);
      const loaded = await loadCheckpoint('file://./ckpt/e2/model.json');
      expect(weightValues(loaded)).toEqual(weightValues(model));
      loaded.dispose();
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(join(dir, 'ckpt')).sort()).toEqual(['e1', 'e2']);
  });

  it('owns only its files: others are kept, an existing file or a foreign model.json is refused', async () => {
    const model = tinyModel();
    const run = join(root, 'owned');
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, 'notes.txt'), 'mine');
    writeFileSync(join(run, 'training.csv'), 'epoch,loss\n');
    const cb = modelCheckpoint(`file://${run}`);
    await driveSaves(cb, model, [{ val_loss: 1 }, { val_loss: 0.5 }, { val_loss: 0.2 }]);
    const names = readdirSync(run).sort();
    expect(names.filter((n) => !/^model\./.test(n))).toEqual(['notes.txt', 'training.csv']);
    expect(names.filter((n) => n.endsWith('.bin'))).toHaveLength(1);
    expect(readFileSync(join(run, 'notes.txt'), 'utf8')).toBe('mine');
    const loaded = await loadCheckpoint(`${run}/model.json`);
    expect(weightValues(loaded)).toEqual(weightValues(model));
    loaded.dispose();

    const file = join(root, 'owned', 'notes.txt');
    const e1 = await driveSaves(modelCheckpoint(file), model, [{ val_loss: 1 }]).catch((e) => e);
    expect(isBetterDLError(e1) && e1.message).toMatch(/is an existing file.*never replaces/);
    expect(readFileSync(file, 'utf8')).toBe('mine');

    const foreign = join(root, 'foreign');
    mkdirSync(foreign, { recursive: true });
    const tfjsJson = JSON.stringify({
      modelTopology: {},
      weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
    });
    writeFileSync(join(foreign, 'model.json'), tfjsJson);
    writeFileSync(join(foreign, 'weights.bin'), '');
    const e2 = await driveSaves(modelCheckpoint(foreign), model, [{ val_loss: 1 }]).catch((e) => e);
    expect(isBetterDLError(e2) && e2.message).toMatch(/not written by betterdl.*overwrite: true/);
    expect(readFileSync(join(foreign, 'model.json'), 'utf8')).toBe(tfjsJson);
    await driveSaves(modelCheckpoint(foreign, { overwrite: true }), model, [{ val_loss: 1 }]);
    expect(readdirSync(foreign).filter((n) => n === 'weights.bin')).toEqual([]);
    const again = await loadCheckpoint(foreign);
    expect(weightValues(again)).toEqual(weightValues(model));
    again.dispose();
  });

  it('commits atomically: a failed save leaves the previous checkpoint; orphans of dead writers are removed', async () => {
    const model = tinyModel();
    const path = join(root, 'atomic', 'ckpt');
    await driveSaves(modelCheckpoint(path), model, [{ val_loss: 1 }]);
    const before = readFileSync(join(path, 'model.json'), 'utf8');
    // Leftovers of a killed save by a process that is gone (pid 2^22+1 is never a live process here).
    const dead = 4194305;
    writeFileSync(join(path, `model.weights.${dead}-0-abc.bin`), 'partial');
    writeFileSync(join(path, `.model.json.${dead}-0-abd.tmp`), '{');
    const loaded = await loadCheckpoint(path);
    expect(weightValues(loaded)).toEqual(weightValues(model));
    loaded.dispose();
    expect(readdirSync(path).sort()).toEqual(
      ['model.json', JSON.parse(before).weightsManifest[0].paths[0]].sort(),
    );
    // A save that cannot finish (its topology cannot be serialised) leaves the committed checkpoint as it was.
    const bad = fileSystemHandler(path);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(
      bad.save?.({ modelTopology: cyclic, weightSpecs: [], weightData: new ArrayBuffer(0) }),
    ).rejects.toThrow(/cannot write|circular/i);
    expect(readFileSync(join(path, 'model.json'), 'utf8')).toBe(before);
    expect(readdirSync(path)).toHaveLength(2);
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
