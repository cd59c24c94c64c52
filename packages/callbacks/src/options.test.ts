import { describe, expect, it } from 'vitest';
import { testUnknownOptions, type UnknownOptionCase } from '../../../scripts/test-support/unknown-options';
import {
  earlyStopping,
  learningRateScheduler,
  lrFinder,
  progressBar,
  reduceLROnPlateau,
  schedules,
  stepScheduler,
  terminateOnNaN,
} from './index';
import { backupAndRestore, csvLogger, modelCheckpoint } from './node';

/** Every public factory taking an options object rejects unknown names, naming the camelCase option. */
const cases: UnknownOptionCase[] = [
  ['earlyStopping', (o) => earlyStopping(o as never), 'restore_best_weights', 'restoreBestWeights'],
  ['reduceLROnPlateau', (o) => reduceLROnPlateau(o as never), 'min_lr', 'minLr'],
  [
    'modelCheckpoint',
    (o) => modelCheckpoint('file://./ckpt-{epoch}', o as never),
    'save_best_only',
    'saveBestOnly',
  ],
  [
    'backupAndRestore',
    (o) => backupAndRestore('./backup-options-test', o as never),
    'delete_checkpoint',
    'deleteCheckpoint',
  ],
  ['csvLogger', (o) => csvLogger('log.csv', o as never), 'seperator', 'separator'],
  ['terminateOnNaN', (o) => terminateOnNaN(o as never), 'raise_error', 'raiseError'],
  ['progressBar', (o) => progressBar(o as never), 'throttle_ms', 'throttleMs'],
  ['learningRateScheduler', (o) => learningRateScheduler(() => 0.1, o as never), 'verbos', 'verbose'],
  ['stepScheduler', (o) => stepScheduler(() => 0.1, o as never), 'Verbose', 'verbose'],
  ['schedules.oneCycle', (o) => schedules.oneCycle(0.1, 100, o as never), 'pct_start', 'pctStart'],
  ['schedules.cyclical', (o) => schedules.cyclical(0.01, 0.1, 10, o as never), 'gama', 'gamma'],
];

describe('unknown options', () => {
  testUnknownOptions(cases);

  it('lrFinder rejects an unknown option before touching the model', async () => {
    await expect(
      lrFinder(null as never, null as never, null as never, { max_lr: 1 } as never),
    ).rejects.toThrow(/lrFinder: unknown option 'max_lr'.*Did you mean maxLr\?/);
  });
});
