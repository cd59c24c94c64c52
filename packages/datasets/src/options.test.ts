import { describe, expect, it } from 'vitest';
import { testUnknownOptions, type UnknownOptionCase } from '../../../scripts/test-support/unknown-options';
import {
  imageAugmenter,
  imageDataset,
  kFold,
  makeBlobs,
  makeClassification,
  makeMoons,
  makeRegression,
  minMaxScaler,
  parseCsv,
  standardScaler,
  stratifiedKFold,
  trainTestSplit,
} from './index';
import { loadMnist } from './node';

const idx = { dtype: 'uint8' as const, shape: [1, 1, 1], data: Uint8Array.from([0]) };

/** Every public function taking an options object rejects unknown names, naming the camelCase option. */
const cases: UnknownOptionCase[] = [
  ['trainTestSplit', (o) => trainTestSplit([1, 2, 3, 4], [1, 2, 3, 4], o), 'test_size', 'testSize'],
  ['kFold', (o) => kFold(10, 2, o), 'random_state', 'randomState'],
  ['stratifiedKFold', (o) => stratifiedKFold([0, 1, 0, 1], 2, o), 'shufle', 'shuffle'],
  ['imageAugmenter', (o) => imageAugmenter(o), 'horizontal_flip', 'flipHorizontal'],
  ['imageAugmenter', (o) => imageAugmenter(o), 'rotation_range', 'rotation'],
  ['imageDataset', (o) => imageDataset(idx, { ...idx, shape: [1] }, o), 'one_hot', 'oneHot'],
  ['minMaxScaler', (o) => minMaxScaler(o), 'feature_range', 'featureRange'],
  ['standardScaler', (o) => standardScaler(o), 'with_mean', 'withMean'],
  ['loadCsv', (o) => parseCsv('a\n1\n', o), 'delimeter', 'delimiter'],
  ['makeMoons', (o) => makeMoons(o), 'random_state', 'randomState'],
  ['makeBlobs', (o) => makeBlobs(o), 'cluster_std', 'clusterStd'],
  ['makeRegression', (o) => makeRegression(o), 'n_informative', 'nInformative'],
  ['makeClassification', (o) => makeClassification(o), 'n_clusters_per_class', 'nClustersPerClass'],
];

describe('unknown options', () => {
  testUnknownOptions(cases);

  it('loadMnist rejects an unknown option before touching the network', async () => {
    await expect(loadMnist({ cache_dir: '/nowhere' } as never)).rejects.toThrow(
      /load mnist: unknown option 'cache_dir'.*Did you mean cacheDir\?/,
    );
  });
});
