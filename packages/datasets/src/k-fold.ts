import { BetterDLError, checkOptions } from '@betterdl/runtime';
import { encodeLabels, type LabelsLike, readLabels } from './labels';
import { checkRandomState, type RandomStateLike } from './random-state';

/** Options of {@link kFold} and {@link stratifiedKFold}. */
export interface KFoldArgs {
  /** Shuffle the samples (kFold) or the per-class fold assignment (stratifiedKFold). Defaults to false. */
  shuffle?: boolean;
  /** An integer seed (gives scikit-learn's exact folds), a `RandomState`, or unseeded; used only with `shuffle`. Defaults to unseeded. */
  randomState?: RandomStateLike;
}

/** One cross-validation fold: sorted row indices of its training and test sets. */
export interface Fold {
  /** Indices of the training rows, ascending. */
  train: Int32Array;
  /** Indices of the test rows, ascending. */
  test: Int32Array;
}

function checkK(fn: string, n: number, k: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new BetterDLError('INVALID_ARGUMENT', `${fn}: n must be a positive integer, got ${n}.`);
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${fn}: k must be an integer in [2, ${n}] (the number of samples), got ${k}.`,
    );
  }
}

function foldsFromAssignment(assign: Int32Array, k: number): Fold[] {
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    assign.forEach((a, i) => {
      (a === f ? test : train).push(i);
    });
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}

/**
 * Splits `n` samples into `k` folds of consecutive (or, with `shuffle`, random) samples; the first `n % k`
 * folds get one extra sample. Same folds as scikit-learn's `KFold(k, shuffle, random_state)`.
 *
 * @example
 * for (const { train, test } of kFold(100, 5, { shuffle: true, randomState: 0 })) { ... }
 */
export function kFold(n: number, k: number, args: KFoldArgs = {}): Fold[] {
  checkOptions('kFold', args, ['shuffle', 'randomState']);
  checkK('kFold', n, k);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (args.shuffle) checkRandomState(args.randomState, 'kFold').shuffle(order);
  const assign = new Int32Array(n);
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let i = start; i < start + size; i++) assign[order[i] as number] = f;
    start += size;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * Like {@link kFold}, but every fold keeps the class proportions of `y` (labels, or a one-hot tensor).
 * Same folds as scikit-learn's `StratifiedKFold(k, shuffle, random_state)`.
 *
 * @example
 * const folds = stratifiedKFold(labels, 5, { shuffle: true, randomState: 1 });
 */
export function stratifiedKFold(y: LabelsLike, k: number, args: KFoldArgs = {}): Fold[] {
  checkOptions('stratifiedKFold', args, ['shuffle', 'randomState']);
  const labels = readLabels('stratifiedKFold', y);
  const n = labels.length;
  checkK('stratifiedKFold', n, k);
  // Classes are numbered by first appearance, as scikit-learn does, so that shuffled folds match.
  const { inverse } = encodeLabels(labels);
  const firstSeen = new Map<number, number>();
  inverse.forEach((c) => {
    if (!firstSeen.has(c)) firstSeen.set(c, firstSeen.size);
  });
  const enc = Int32Array.from(inverse, (c) => firstSeen.get(c) as number);
  const nClasses = firstSeen.size;
  const counts = new Array<number>(nClasses).fill(0);
  for (const c of enc) counts[c]! += 1;
  if (counts.every((c) => c < k)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `stratifiedKFold: k=${k} is larger than the number of members of every class (${counts.join(', ')}); lower k.`,
    );
  }
  const sorted = Array.from(enc).sort((a, b) => a - b);
  const alloc = Array.from({ length: k }, () => new Array<number>(nClasses).fill(0));
  sorted.forEach((c, i) => {
    alloc[i % k]![c]! += 1;
  });
  const rs = args.shuffle ? checkRandomState(args.randomState, 'stratifiedKFold') : null;
  const assign = new Int32Array(n);
  for (let c = 0; c < nClasses; c++) {
    const folds: number[] = [];
    for (let f = 0; f < k; f++) for (let j = 0; j < (alloc[f]![c] as number); j++) folds.push(f);
    if (rs) rs.shuffle(folds);
    let j = 0;
    enc.forEach((e, i) => {
      if (e === c) assign[i] = folds[j++] as number;
    });
  }
  return foldsFromAssignment(assign, k);
}
