import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeaks, initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { tinyModel, toyData } from './fixtures/helpers';
import * as main from './index';
import * as node from './node';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

it('every callback together in one real fit: works and leaks no tensor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'betterdl-all-'));
  const { x, y } = toyData(16);
  const model = tinyModel(tf.train.adam(0.01));
  await model.fit(x, y, { epochs: 1, verbose: 0 }); // Adam's slots exist before the leak check
  const lines: string[] = [];
  const callbacks = [
    node.earlyStopping({ patience: 50, restoreBestWeights: true }),
    node.reduceLROnPlateau({ patience: 2, factor: 0.5 }),
    node.learningRateScheduler((_e, lr) => lr),
    node.stepScheduler(node.schedules.cosineDecay(0.01, 100)),
    node.terminateOnNaN(),
    node.modelCheckpoint(join(dir, 'ckpt-{epoch:02d}-{val_loss:.4f}'), { saveBestOnly: true }),
    node.csvLogger(join(dir, 'log.csv')),
    node.progressBar({ sink: (l) => lines.push(l) }),
    node.backupAndRestore(join(dir, 'backup')),
  ];
  const h = await assertNoLeaks(
    () => model.fit(x, y, { epochs: 5, batchSize: 8, validationData: [x, y], verbose: 0, callbacks }),
    'fit with every callback',
  );
  expect(h.epoch).toEqual([0, 1, 2, 3, 4]);
  expect(readFileSync(join(dir, 'log.csv'), 'utf8').trim().split('\n')).toHaveLength(6);
  expect(lines).toHaveLength(10);
  // The node entry re-exports the whole main entry.
  for (const k of Object.keys(main)) expect(node, k).toHaveProperty(k);
  tf.dispose([x, y]);
});
