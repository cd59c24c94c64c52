/**
 * Node entry of `@betterdl/transfer`: everything from the main entry, with `loadPretrained` that also reads
 * `file://` URLs and paths, plus `savePretrained` (both without `@tensorflow/tfjs-node`).
 */

export type { SavePretrainedArgs } from './file-io';
export { loadPretrained, savePretrained } from './file-io';
export type {
  AttachHeadArgs,
  BatchSource,
  ExtractFeaturesArgs,
  FeatureExtractorArgs,
  FineTuneArgs,
  FineTuneData,
  FineTunePhase,
  FineTuneResult,
  FitCallback,
  FreezeOptions,
  FreezeResult,
  Layer,
  LayerEntry,
  LayerSelector,
  LoadPretrainedArgs,
  PretrainedSource,
  RecommendStrategyArgs,
  SoftmaxRegressionArgs,
  SoftmaxRegressionResult,
  StrategyAdvice,
} from './index';
export {
  attachHead,
  extractFeatures,
  featureExtractor,
  fineTune,
  freeze,
  headLayersOf,
  leafLayers,
  recommendStrategy,
  selectLayers,
  softmaxRegression,
  syncTrainable,
  trainableState,
  unfreeze,
  walkLayers,
} from './index';
