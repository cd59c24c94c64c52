import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime, isBetterDLError, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoBatchHooks, toyData, weightValues } from './fixtures/helpers';
import { getLearningRate, setLearningRate } from './learning-rate';
import { BackupAndRestore, backupAndRestore, fitWithBackup } from './node-backup-and-restore';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});
afterAll(() => setSeed(null));

const root = mkdtempSync(join(tmpdir(), 'betterdl-backup-'));

function build(optimizer: () => tf.Optimizer): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }));
  m.add(tfl.layers.dropout({ rate: 0.3 }));
  m.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: optimizer(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

class Crash extends tfl.Callback {
  constructor(private readonly at: number) {
    super();
  }
  override async onEpochEnd(epoch: number): Promise<void> {
    if (epoch === this.at) throw new Error(`simulated crash after epoch ${epoch}`);
  }
}

const EPOCHS = 7;
const fitArgs = { epochs: EPOCHS, batchSize: 4, verbose: 0, shuffle: true } as const;

for (const [name, make] of [
  ['adam', () => tf.train.adam(0.05)],
  ['adamax', () => tf.train.adamax(0.05)],
  ['momentum', () => tf.train.momentum(0.05, 0.9)],
] as const) {
  it(`${name}: a run crashed mid-training and rerun ends with bit-identical weights to an uninterrupted run`, async () => {
    const { x, y } = toyData(16);
    const lr = () => new tfl.CustomCallback({});

    setSeed(11);
    const a = build(make);
    await a.fit(x, y, { ...fitArgs, callbacks: [lr()] });
    const want = weightValues(a);

    const dir = join(root, name);
    setSeed(11);
    const b = build(make);
    const crashed = fitWithBackup(b, x, y, { ...fitArgs, callbacks: [lr(), new Crash(3)] }, dir);
    await expect(crashed).rejects.toThrow(/simulated crash after epoch 3/);
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
    const probe = backupAndRestore(dir);
    // The crash hit before the backup of epoch index 3 was taken: resume at 3.
    expect(await probe.initialEpoch()).toBe(3);

    setSeed(999); // a different seed: everything that matters must come from the backup
    const c = build(make);
    const before = tf.memory().numTensors;
    const h = await fitWithBackup(c, x, y, { ...fitArgs, callbacks: [lr()] }, dir);
    expect(h.epoch).toEqual([3, 4, 5, 6]);
    expect(weightValues(c)).toEqual(want);
    expect(existsSync(dir)).toBe(false);
    // The only new tensors are the optimizer's slots (2 per weight for Adam/Adamax, 1 for momentum).
    expect(tf.memory().numTensors - before).toBe(c.weights.length * (name === 'momentum' ? 1 : 2));
    for (const m of [a, b, c]) m.optimizer.dispose();
    tf.dispose([x, y]);
  });
}

describe('backupAndRestore', () => {
  it('restores the learning rate changed during the crashed run (with validationSplit)', async () => {
    const { x, y } = toyData(16);
    const dir = join(root, 'lr');
    class Halve extends tfl.Callback {
      override async onEpochEnd(): Promise<void> {
        setLearningRate(
          this.model?.optimizer as tf.Optimizer,
          getLearningRate(this.model?.optimizer as tf.Optimizer) / 2,
        );
      }
    }
    const args = { epochs: 4, verbose: 0, validationSplit: 0.25 } as const;
    await expect(
      fitWithBackup(
        build(() => tf.train.adam(0.08)),
        x,
        y,
        { ...args, callbacks: [new Halve(), new Crash(2)] },
        dir,
      ),
    ).rejects.toThrow(/simulated/);
    const resumed = build(() => tf.train.adam(0.08));
    const h = await fitWithBackup(resumed, x, y, args, dir);
    expect(h.epoch).toEqual([2, 3]);
    // Epochs 0 and 1 halved the rate before their backups: 0.08 → 0.02.
    expect(getLearningRate(resumed.optimizer)).toBe(0.02);
    expect(h.history.val_loss).toHaveLength(2);
    tf.dispose([x, y]);
  });

  it('a fit that does not start at the backed-up epoch fails with the fix', async () => {
    const { x, y } = toyData(8);
    const dir = join(root, 'mismatch');
    setSeed(1);
    const m = build(() => tf.train.sgd(0.1));
    await expect(
      m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [new Crash(1), backupAndRestore(dir)] }),
    ).rejects.toThrow(/simulated/);
    const again = build(() => tf.train.sgd(0.1));
    let err: unknown;
    try {
      await again.fit(x, y, { epochs: 3, verbose: 0, callbacks: [backupAndRestore(dir)] });
    } catch (e) {
      err = e;
    }
    expect(isBetterDLError(err)).toBe(true);
    expect(String(err)).toMatch(/after epoch 1, but fit\(\) starts at epoch 1\. Pass initialEpoch/);
    tf.dispose([x, y]);
  });

  it('owns only its files: others in the directory survive training and the final clean-up', async () => {
    const { x, y } = toyData(8);
    const dir = join(root, 'shared');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const seen: string[][] = [];
    const spy = new tfl.CustomCallback({ onEpochEnd: async () => void seen.push(readdirSync(dir).sort()) });
    const m = build(() => tf.train.sgd(0.1));
    await fitWithBackup(m, x, y, { epochs: 3, verbose: 0, callbacks: [spy] }, dir);
    expect(seen[1]).toEqual(['notes.txt', expect.stringMatching(/^state\.data\..+\.bin$/), 'state.json']);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    writeFileSync(join(dir, 'state.json'), '{"someone":"else"}');
    const e = await fitWithBackup(m, x, y, { epochs: 1, verbose: 0 }, dir).catch((err) => err);
    expect(isBetterDLError(e) && e.message).toMatch(/cannot be read \(not a betterdl backup\)/);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe('{"someone":"else"}');
    tf.dispose([x, y]);
  });

  it('keeps the backup when deleteCheckpoint is false; validates options; no batch hooks', async () => {
    const { x, y } = toyData(8);
    const dir = join(root, 'keep');
    const m = build(() => tf.train.sgd(0.1));
    const cb = new BackupAndRestore(dir, { deleteCheckpoint: false });
    await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [cb] });
    expect(await cb.initialEpoch()).toBe(2);
    expect(() => backupAndRestore('')).toThrow(/backupDir is empty/);
    expect(() => backupAndRestore(dir, { saveFreq: 5 as never })).toThrow(/only saveFreq: 'epoch'/);
    writeFileSync(join(root, 'a-file'), 'x');
    expect(() => backupAndRestore(join(root, 'a-file', 'sub'))).toThrow(/not a writable directory/);
    expectNoBatchHooks(cb);
    tf.dispose([x, y]);
  });
});
