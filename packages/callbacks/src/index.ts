export type { EarlyStoppingArgs } from './early-stopping';
export { EarlyStopping, earlyStopping } from './early-stopping';
export { getLearningRate, setLearningRate } from './learning-rate';
export type { EpochSchedule, LearningRateSchedulerArgs } from './learning-rate-scheduler';
export {
  LearningRateScheduler,
  learningRateScheduler,
  StepScheduler,
  stepScheduler,
} from './learning-rate-scheduler';
export type { LrFinderArgs, LrFinderResult } from './lr-finder';
export { lrFinder } from './lr-finder';
export type { ModelCheckpointArgs, TargetResolver } from './model-checkpoint';
export { ModelCheckpoint, modelCheckpoint } from './model-checkpoint';
export type { MonitorMode } from './monitor';
export { resolveLogs } from './monitor';
export type { HostTensor, OptimizerState } from './optimizer-state';
export { captureOptimizerState, restoreOptimizerState } from './optimizer-state';
export type { ProgressBarArgs } from './progress-bar';
export { ProgressBar, progressBar } from './progress-bar';
export type { ReduceLROnPlateauArgs } from './reduce-lr-on-plateau';
export { ReduceLROnPlateau, reduceLROnPlateau } from './reduce-lr-on-plateau';
export type { SaveTarget } from './save-model';
export type { CyclicalOptions, LearningRateSchedule, OneCycleOptions } from './schedules';
export * as schedules from './schedules';
export type { TerminateOnNaNArgs } from './terminate-on-nan';
export { TerminateOnNaN, terminateOnNaN } from './terminate-on-nan';
