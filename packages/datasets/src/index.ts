export type { IdxArray, IdxDType, ParseIdxOptions } from './idx';
export { encodeIdx, parseIdx } from './idx';
export type { AugmentParams, ImageAugmenterArgs } from './image-augmenter';
export { ImageAugmenter, imageAugmenter } from './image-augmenter';
export type { ImageDatasetOptions, ImageSplit } from './image-dataset';
export { fashionMnistClasses, imageDataset } from './image-dataset';
export type { Fold, KFoldArgs } from './k-fold';
export { kFold, stratifiedKFold } from './k-fold';
export type { LabelsLike } from './labels';
export type { CsvDataset, CsvOptions } from './load-csv';
export { loadCsv, parseCsv } from './load-csv';
export type { BlobsDataset, MakeBlobsArgs } from './make-blobs';
export { makeBlobs } from './make-blobs';
export type { MakeCirclesArgs } from './make-circles';
export { makeCircles } from './make-circles';
export type { MakeClassificationArgs } from './make-classification';
export { makeClassification } from './make-classification';
export type { MakeMoonsArgs } from './make-moons';
export { makeMoons } from './make-moons';
export type { MakeRegressionArgs, RegressionDataset } from './make-regression';
export { makeRegression } from './make-regression';
export type { RandomStateLike } from './random-state';
export { checkRandomState, RandomState } from './random-state';
export type {
  ColumnStats,
  MinMaxScalerArgs,
  ScalerInput,
  ScalerJSON,
  StandardScalerArgs,
} from './scalers';
export {
  MaxAbsScaler,
  MinMaxScaler,
  maxAbsScaler,
  minMaxScaler,
  Scaler,
  StandardScaler,
  scalerFromJSON,
  standardScaler,
} from './scalers';
export type { NestedLabels } from './to-categorical';
export { toCategorical } from './to-categorical';
export type { ToyDataset } from './toy-dataset';
export { toyDataset } from './toy-dataset';
export type { SplittableData, TrainTestSplit, TrainTestSplitArgs } from './train-test-split';
export { trainTestSplit } from './train-test-split';
