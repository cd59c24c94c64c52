import { checkFinite, checkInteger, checkOptions, invalidArgument, optionNames } from '@betterdl/runtime';
import { checkRandomState, type RandomState, type RandomStateLike } from './random-state';
import { checkSize, shuffleRows, type ToyDataset, toyDataset } from './toy-dataset';

/** Options of {@link makeClassification} (scikit-learn's `make_classification` in camelCase). */
export interface MakeClassificationArgs {
  /** Number of samples. Defaults to 100. */
  nSamples?: number;
  /** Total number of features. Defaults to 20. */
  nFeatures?: number;
  /** Informative features (the hypercube's dimensions). Defaults to 2. */
  nInformative?: number;
  /** Random linear combinations of the informative features. Defaults to 2. */
  nRedundant?: number;
  /** Copies of informative / redundant features. Defaults to 0. */
  nRepeated?: number;
  /** Number of classes. Defaults to 2. */
  nClasses?: number;
  /** Gaussian clusters per class. Defaults to 2. */
  nClustersPerClass?: number;
  /** Class proportions (length nClasses, or nClasses − 1 with the last implied). Defaults to balanced. */
  weights?: number[] | null;
  /** Fraction of labels replaced by random ones. Defaults to 0.01. */
  flipY?: number;
  /** Half the side of the hypercube (larger separates classes more). Defaults to 1. */
  classSep?: number;
  /** Put cluster centres on hypercube vertices (else on a random polytope). Defaults to true. */
  hypercube?: boolean;
  /** Added to every feature: a number, one per feature, or null for random in [−classSep, classSep]. Defaults to 0. */
  shift?: number | number[] | null;
  /** Multiplies every feature (after shift): a number, one per feature, or null for random in [1, 101]. Defaults to 1. */
  scale?: number | number[] | null;
  /** Shuffle samples and features. Defaults to true. */
  shuffle?: boolean;
  /** An integer seed (identical to scikit-learn's `random_state`), a `RandomState`, or unseeded. Defaults to unseeded. */
  randomState?: RandomStateLike;
}

/** scikit-learn's `sample_without_replacement` (method "auto") on a numpy RandomState. */
export function sampleWithoutReplacement(population: number, k: number, rs: RandomState): number[] {
  const ratio = population === 0 ? 1 : k / population;
  if (ratio > 0.01 && ratio < 0.99) return Array.from(rs.permutation(population).subarray(0, k));
  const out: number[] = [];
  if (ratio < 0.2) {
    const seen = new Set<number>();
    for (let i = 0; i < k; i++) {
      let j = rs.randint(population);
      while (seen.has(j)) j = rs.randint(population);
      seen.add(j);
      out.push(j);
    }
    return out;
  }
  for (let i = 0; i < k; i++) out.push(i);
  for (let i = k; i < population; i++) {
    const j = rs.randint(0, i + 1);
    if (j < k) out[j] = i;
  }
  return out;
}

/** Distinct binary vectors of length `dims` (scikit-learn's `_generate_hypercube`), one row per sample. */
function hypercube(samples: number, dims: number, rs: RandomState): number[][] {
  if (dims > 30) {
    const head = Array.from({ length: samples }, () =>
      Array.from({ length: dims - 30 }, () => rs.randint(2)),
    );
    const tail = hypercube(samples, 30, rs);
    return head.map((h, i) => [...h, ...(tail[i] as number[])]);
  }
  return sampleWithoutReplacement(2 ** dims, samples, rs).map((v) =>
    Array.from({ length: dims }, (_, c) => Math.floor(v / 2 ** (dims - 1 - c)) % 2),
  );
}

const MAKE_CLASSIFICATION_OPTIONS = optionNames<MakeClassificationArgs>({
  nSamples: true,
  nFeatures: true,
  nInformative: true,
  nRedundant: true,
  nRepeated: true,
  nClasses: true,
  nClustersPerClass: true,
  weights: true,
  flipY: true,
  classSep: true,
  hypercube: true,
  shift: true,
  scale: true,
  shuffle: true,
  randomState: true,
});

/** Resolves a shift/scale option to one value per feature, drawing it when null. */
function perFeature(name: string, v: number | number[] | null, f: number, draw: () => number): number[] {
  if (v === null) return Array.from({ length: f }, draw);
  if (typeof v === 'number' && Number.isFinite(v)) return new Array<number>(f).fill(v);
  if (Array.isArray(v) && v.length === f && v.every(Number.isFinite)) return v.slice();
  throw invalidArgument(
    'makeClassification',
    `${name} must be a number, ${f} numbers (one per feature) or null, got ${JSON.stringify(v)}.`,
  );
}

/**
 * A random n-class classification problem: Gaussian clusters on the vertices of a hypercube, plus
 * redundant, repeated and noise features. With an integer `randomState` it draws the same numbers in the
 * same order as scikit-learn's `make_classification` (see the README for how far the match goes).
 *
 * @example
 * const { x, y } = makeClassification({ nSamples: 1000, nFeatures: 20, nInformative: 5, randomState: 1 });
 */
export function makeClassification(args: MakeClassificationArgs = {}): ToyDataset {
  const {
    nSamples = 100,
    nFeatures = 20,
    nInformative = 2,
    nRedundant = 2,
    nRepeated = 0,
    nClasses = 2,
    nClustersPerClass = 2,
    flipY = 0.01,
    classSep = 1,
    hypercube: onHypercube = true,
    shuffle = true,
  } = args;
  const fn = 'makeClassification';
  checkOptions(fn, args, MAKE_CLASSIFICATION_OPTIONS);
  checkInteger(fn, 'nSamples', nSamples, { min: 1 });
  checkInteger(fn, 'nFeatures', nFeatures, { min: 1 });
  checkSize(fn, nSamples, nFeatures);
  checkFinite(fn, 'classSep', classSep);
  checkInteger(fn, 'nInformative', nInformative, { min: 1 });
  checkInteger(fn, 'nRedundant', nRedundant, { min: 0 });
  checkInteger(fn, 'nRepeated', nRepeated, { min: 0 });
  checkInteger(fn, 'nClasses', nClasses, { min: 1 });
  checkInteger(fn, 'nClustersPerClass', nClustersPerClass, { min: 1 });
  if (nInformative + nRedundant + nRepeated > nFeatures) {
    throw invalidArgument(
      'makeClassification',
      `nInformative + nRedundant + nRepeated = ${nInformative + nRedundant + nRepeated} exceeds nFeatures = ${nFeatures}.`,
    );
  }
  const nClusters = nClasses * nClustersPerClass;
  if (nInformative < Math.log2(nClusters)) {
    throw invalidArgument(
      'makeClassification',
      `nClasses * nClustersPerClass = ${nClusters} clusters need 2 ** nInformative >= ${nClusters}; raise nInformative.`,
    );
  }
  if (!(flipY >= 0 && flipY <= 1))
    throw invalidArgument('makeClassification', `flipY must be in [0, 1], got ${flipY}.`);
  let weights: number[];
  if (args.weights != null) {
    const w = args.weights;
    if (w.length !== nClasses && w.length !== nClasses - 1)
      throw invalidArgument(
        'makeClassification',
        `weights needs ${nClasses} or ${nClasses - 1} entries, got ${w.length}.`,
      );
    if (!Array.isArray(w))
      throw invalidArgument(fn, `weights must be an array of class proportions, got ${String(w)}.`);
    for (const [i, v] of w.entries())
      checkFinite(fn, `weights[${i}]`, v, { min: 0 }, 'Each class weight is a proportion of the samples.');
    weights = w.length === nClasses ? w.slice() : [...w, 1 - w.reduce((a, b) => a + b, 0)];
    if ((weights[nClasses - 1] as number) < 0)
      throw invalidArgument(
        fn,
        `weights sum to ${w.reduce((a, b) => a + b, 0)} > 1, leaving nothing for the last class; give ${nClasses} weights or lower them.`,
      );
    if (!(weights.reduce((a, b) => a + b, 0) > 0))
      throw invalidArgument(fn, 'weights are all 0; give each class a share.');
  } else weights = new Array<number>(nClasses).fill(1 / nClasses);
  const rs = checkRandomState(args.randomState, fn);

  const perCluster = Array.from({ length: nClusters }, (_, k) =>
    Math.trunc((nSamples * (weights[k % nClasses] as number)) / nClustersPerClass),
  );
  const missing = nSamples - perCluster.reduce((a, b) => a + b, 0);
  for (let i = 0; i < missing; i++) perCluster[i % nClusters]! += 1;

  const f = nFeatures;
  const nInf = nInformative;
  let x: Float64Array = new Float64Array(nSamples * f);
  let y: Float64Array = new Float64Array(nSamples);
  const centroids = hypercube(nClusters, nInf, rs).map((row) => row.map((b) => b * 2 * classSep - classSep));
  if (!onHypercube) {
    const a = Array.from({ length: nClusters }, () => rs.randomSample());
    centroids.forEach((row, k) => {
      for (let j = 0; j < nInf; j++) row[j] = (row[j] as number) * (a[k] as number);
    });
    const b = Array.from({ length: nInf }, () => rs.randomSample());
    for (const row of centroids)
      for (let j = 0; j < nInf; j++) row[j] = (row[j] as number) * (b[j] as number);
  }
  for (let i = 0; i < nSamples; i++) for (let j = 0; j < nInf; j++) x[i * f + j] = rs.standardNormal();
  let start = 0;
  const tmp = new Float64Array(nInf);
  for (let k = 0; k < nClusters; k++) {
    const stop = start + (perCluster[k] as number);
    const A = Array.from({ length: nInf * nInf }, () => 2 * rs.randomSample() - 1);
    const c = centroids[k] as number[];
    for (let i = start; i < stop; i++) {
      y[i] = k % nClasses;
      for (let j = 0; j < nInf; j++) {
        let s = 0;
        for (let m = 0; m < nInf; m++) s += (x[i * f + m] as number) * (A[m * nInf + j] as number);
        tmp[j] = s;
      }
      for (let j = 0; j < nInf; j++) x[i * f + j] = (tmp[j] as number) + (c[j] as number);
    }
    start = stop;
  }
  if (nRedundant > 0) {
    const B = Array.from({ length: nInf * nRedundant }, () => 2 * rs.randomSample() - 1);
    for (let i = 0; i < nSamples; i++) {
      for (let j = 0; j < nRedundant; j++) {
        let s = 0;
        for (let m = 0; m < nInf; m++) s += (x[i * f + m] as number) * (B[m * nRedundant + j] as number);
        x[i * f + nInf + j] = s;
      }
    }
  }
  if (nRepeated > 0) {
    const n = nInf + nRedundant;
    const idx = Array.from({ length: nRepeated }, () => Math.trunc((n - 1) * rs.randomSample() + 0.5));
    for (let i = 0; i < nSamples; i++)
      for (let j = 0; j < nRepeated; j++) x[i * f + n + j] = x[i * f + (idx[j] as number)] as number;
  }
  const nUseless = f - nInf - nRedundant - nRepeated;
  for (let i = 0; i < nSamples; i++)
    for (let j = f - nUseless; j < f; j++) x[i * f + j] = rs.standardNormal();
  if (flipY >= 0) {
    const mask = Array.from({ length: nSamples }, () => rs.randomSample() < flipY);
    mask.forEach((m, i) => {
      if (m) y[i] = rs.randint(nClasses);
    });
  }
  const shift = perFeature(
    'shift',
    args.shift === undefined ? 0 : args.shift,
    f,
    () => (2 * rs.randomSample() - 1) * classSep,
  );
  for (let i = 0; i < nSamples; i++)
    for (let j = 0; j < f; j++) x[i * f + j] = (x[i * f + j] as number) + (shift[j] as number);
  const scale = perFeature(
    'scale',
    args.scale === undefined ? 1 : args.scale,
    f,
    () => 1 + 100 * rs.randomSample(),
  );
  for (let i = 0; i < nSamples; i++)
    for (let j = 0; j < f; j++) x[i * f + j] = (x[i * f + j] as number) * (scale[j] as number);
  if (shuffle) {
    [x, y] = shuffleRows(rs, x, y, f);
    const cols = rs.permutation(f);
    const permuted = new Float64Array(x.length);
    for (let i = 0; i < nSamples; i++)
      for (let j = 0; j < f; j++) permuted[i * f + j] = x[i * f + (cols[j] as number)] as number;
    x = permuted;
  }
  return toyDataset(x, y, f, 'makeClassification');
}
