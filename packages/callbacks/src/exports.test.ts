// Pins the public surface of both entries. Adding an export? Add its name to the sorted list below.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { testEntries } from '../../../scripts/entry-exports';
import * as main from './index';
import * as node from './node';

describe('@betterdl/callbacks entries', () => {
  testEntries({
    dir: dirname(fileURLToPath(import.meta.url)),
    main,
    node,
    mainValues: [
      'EarlyStopping',
      'LearningRateScheduler',
      'ModelCheckpoint',
      'ProgressBar',
      'ReduceLROnPlateau',
      'StepScheduler',
      'TerminateOnNaN',
      'captureOptimizerState',
      'earlyStopping',
      'getLearningRate',
      'learningRateScheduler',
      'lrFinder',
      'modelCheckpoint',
      'progressBar',
      'reduceLROnPlateau',
      'resolveLogs',
      'restoreOptimizerState',
      'schedules',
      'setLearningRate',
      'stepScheduler',
      'terminateOnNaN',
    ],
    mainTypes: [
      'CyclicalOptions',
      'EarlyStoppingArgs',
      'EpochSchedule',
      'HostTensor',
      'LearningRateSchedule',
      'LearningRateSchedulerArgs',
      'LrFinderArgs',
      'LrFinderResult',
      'ModelCheckpointArgs',
      'MonitorMode',
      'OneCycleOptions',
      'OptimizerState',
      'ProgressBarArgs',
      'ReduceLROnPlateauArgs',
      'SaveTarget',
      'TargetResolver',
      'TerminateOnNaNArgs',
    ],
    nodeValues: [
      'BackupAndRestore',
      'CSVLogger',
      'backupAndRestore',
      'csvLogger',
      'fileSystemHandler',
      'fitWithBackup',
      'loadCheckpoint',
      'loadWeights',
    ],
    nodeTypes: ['BackupAndRestoreArgs', 'CSVLoggerArgs'],
    nodeOverrides: ['modelCheckpoint'],
  });
});
