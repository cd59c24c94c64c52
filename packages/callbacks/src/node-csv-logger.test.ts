import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoBatchHooks, tinyModel, toyData } from './fixtures/helpers';
import { fitWithBackup } from './node-backup-and-restore';
import { csvLogger } from './node-csv-logger';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});
const root = mkdtempSync(join(tmpdir(), 'betterdl-csv-'));

describe('csvLogger', () => {
  it('header epoch + sorted keys, 0-based rows, NA for missing values, written every epoch', async () => {
    const file = join(root, 'sub', 'log.csv');
    const cb = csvLogger(file, { separator: ';' });
    cb.setModel(tinyModel());
    await cb.onTrainBegin({});
    await cb.onEpochEnd(0, { val_loss: 0.5, loss: 1, acc: 0.25 });
    expect(readFileSync(file, 'utf8')).toBe('epoch;acc;loss;val_loss\r\n0;0.25;1.0;0.5\r\n');
    await cb.onEpochEnd(1, { loss: 0.5, acc: 0.5 });
    await cb.onTrainEnd({});
    expect(readFileSync(file, 'utf8')).toBe('epoch;acc;loss;val_loss\r\n0;0.25;1.0;0.5\r\n1;0.5;0.5;NA\r\n');
  });

  it('like Keras: val_ columns when the first epoch has none, Python float text, quoting', async () => {
    const file = join(root, 'late-val.csv');
    const cb = csvLogger(file);
    cb.setModel(tinyModel());
    await cb.onTrainBegin({});
    await cb.onEpochEnd(0, { loss: 1e-5, acc: 1 });
    await cb.onEpochEnd(1, { loss: 2.5e-7, acc: Number.NaN, val_loss: 1e16, val_acc: -Infinity });
    await cb.onTrainEnd({});
    expect(readFileSync(file, 'utf8')).toBe(
      'epoch,acc,loss,val_acc,val_loss\r\n0,1.0,1e-05,NA,NA\r\n1,nan,2.5e-07,-inf,1e+16\r\n',
    );
    const tab = join(root, 'tab.csv');
    const cb2 = csvLogger(tab, { separator: '.' });
    cb2.setModel(tinyModel());
    await cb2.onTrainBegin({});
    await cb2.onEpochEnd(0, { loss: 0.5 });
    await cb2.onTrainEnd({});
    expect(readFileSync(tab, 'utf8')).toBe('epoch.loss.val_loss\r\n0."0.5".NA\r\n');
  });

  it('append does not repeat the header; without append the file starts afresh; in a real fit', async () => {
    const { x, y } = toyData();
    const file = join(root, 'fit.csv');
    await tinyModel().fit(x, y, {
      epochs: 2,
      verbose: 0,
      validationData: [x, y],
      callbacks: [csvLogger(file)],
    });
    await tinyModel().fit(x, y, {
      epochs: 1,
      verbose: 0,
      validationData: [x, y],
      callbacks: [csvLogger(file, { append: true })],
    });
    const lines = readFileSync(file, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('epoch,acc,loss,val_acc,val_loss');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['epoch', '0', '1', '0']);
    expect(
      lines.slice(1).every((l) =>
        l
          .split(',')
          .slice(1)
          .every((v) => Number.isFinite(Number(v))),
      ),
    ).toBe(true);
    await tinyModel().fit(x, y, { epochs: 1, verbose: 0, callbacks: [csvLogger(file)] });
    expect(readFileSync(file, 'utf8').trim().split('\r\n')).toHaveLength(2);
    tf.dispose([x, y]);
  });

  it('append after a resume (fitWithBackup) writes every epoch once; other columns are an error', async () => {
    const { x, y } = toyData();
    const file = join(root, 'resumed.csv');
    const backup = join(root, 'resumed-backup');
    // Written by an earlier run (older releases ended rows with \n); Keras adds val_ columns when epoch 1 has none.
    writeFileSync(file, 'epoch,acc,loss,val_acc,val_loss\n0,0.5,1.0,NA,NA\n');
    const crash = new tfl.CustomCallback({
      onEpochEnd: async (epoch) => {
        if (epoch === 2) throw new Error('simulated crash after epoch 2 was logged');
      },
    });
    const args = { epochs: 4, verbose: 0 } as const;
    const logger = () => csvLogger(file, { append: true });
    await expect(
      fitWithBackup(tinyModel(), x, y, { ...args, callbacks: [logger(), crash] }, backup),
    ).rejects.toThrow(/simulated/);
    const rows = () =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(',')[0]);
    expect(rows()).toEqual(['epoch', '0', '0', '1', '2']);
    await fitWithBackup(tinyModel(), x, y, { ...args, callbacks: [logger()] }, backup);
    // The earlier run's row 0 is kept; the crashed run's epoch 2 (re-run after the resume) appears once.
    expect(rows()).toEqual(['epoch', '0', '0', '1', '2', '3']);

    const other = join(root, 'other-columns.csv');
    writeFileSync(other, 'epoch,val_acc\n0,0.5\n');
    const err = await tinyModel()
      .fit(x, y, { epochs: 1, verbose: 0, callbacks: [csvLogger(other, { append: true })] })
      .catch((e) => e);
    expect(isBetterDLError(err) && err.message).toMatch(
      /has the columns epoch,val_acc but this fit logs epoch,acc,loss,val_acc,val_loss; appending would put values under the wrong headers/,
    );
    expect(readFileSync(other, 'utf8')).toBe('epoch,val_acc\n0,0.5\n');
    tf.dispose([x, y]);
  });

  it('validates at construction; defines no batch hooks', () => {
    expect(() => csvLogger('')).toThrow(/filename is empty/);
    expect(() => csvLogger(join(root, 'x.csv'), { separator: '' })).toThrow(/separator/);
    expect(() => csvLogger(join(root, 'x.csv'), { separator: ', ' })).toThrow(/one character/);
    expectNoBatchHooks(csvLogger(join(root, 'y.csv')));
  });
});
