// Pins the public surface of both entries. Adding an export? Add its name to the sorted list below.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { testEntries } from '../../../scripts/entry-exports';
import * as main from './index';
import * as node from './node';

describe('@betterdl/transfer entries', () => {
  testEntries({
    dir: dirname(fileURLToPath(import.meta.url)),
    main,
    node,
    mainValues: [
      'attachHead',
      'extractFeatures',
      'featureExtractor',
      'fineTune',
      'freeze',
      'headLayersOf',
      'leafLayers',
      'loadPretrained',
      'recommendStrategy',
      'selectLayers',
      'softmaxRegression',
      'syncTrainable',
      'trainableState',
      'unfreeze',
      'walkLayers',
    ],
    mainTypes: [
      'AttachHeadArgs',
      'BatchSource',
      'ExtractFeaturesArgs',
      'FeatureExtractorArgs',
      'FineTuneArgs',
      'FineTuneData',
      'FineTunePhase',
      'FineTuneResult',
      'FitCallback',
      'FreezeOptions',
      'FreezeResult',
      'Layer',
      'LayerEntry',
      'LayerSelector',
      'LoadPretrainedArgs',
      'PretrainedSource',
      'RecommendStrategyArgs',
      'SoftmaxRegressionArgs',
      'SoftmaxRegressionResult',
      'StrategyAdvice',
    ],
    nodeValues: ['savePretrained'],
    nodeTypes: ['SavePretrainedArgs'],
    nodeOverrides: ['loadPretrained'],
  });
});
