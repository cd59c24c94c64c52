/**
 * `@betterdl/callbacks/node`: everything from the main entry, plus the Node-only pieces (file system,
 * terminal). Its `modelCheckpoint` also writes `file://` URLs and plain paths, atomically.
 */

export type { BackupAndRestoreArgs } from './backup-and-restore';
export { BackupAndRestore, backupAndRestore, fitWithBackup } from './backup-and-restore';
export type { CSVLoggerArgs } from './csv-logger';
export { CSVLogger, csvLogger } from './csv-logger';
export { fileSystemHandler, loadCheckpoint, loadWeights } from './file-io';
export type {
  CyclicalOptions,
  EarlyStoppingArgs,
  EpochSchedule,
  HostTensor,
  LearningRateSchedule,
  LearningRateSchedulerArgs,
  LrFinderArgs,
  LrFinderResult,
  ModelCheckpointArgs,
  MonitorMode,
  OneCycleOptions,
  OptimizerState,
  ProgressBarArgs,
  ReduceLROnPlateauArgs,
  SaveTarget,
  TargetResolver,
  TemplateField,
  TerminateOnNaNArgs,
} from './index';
export {
  captureOptimizerState,
  EarlyStopping,
  earlyStopping,
  fillTemplate,
  formatValue,
  getLearningRate,
  LearningRateScheduler,
  learningRateScheduler,
  lrFinder,
  ModelCheckpoint,
  ProgressBar,
  parseTemplate,
  progressBar,
  progressLine,
  ReduceLROnPlateau,
  readMonitor,
  reduceLROnPlateau,
  resolveLogs,
  restoreOptimizerState,
  StepScheduler,
  schedules,
  setLearningRate,
  stepScheduler,
  TerminateOnNaN,
  terminateOnNaN,
  tfjsMonitorName,
} from './index';
export { modelCheckpoint } from './node-model-checkpoint';
