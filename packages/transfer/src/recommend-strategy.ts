import { BetterDLError, checkArgument, checkOptions } from '@betterdl/runtime';

/** Inputs of {@link recommendStrategy}. */
export interface RecommendStrategyArgs {
  /** Number of labelled training samples in the new task. */
  samples: number;
  /** How similar the new data is to what the base was trained on. */
  similarity: 'similar' | 'different';
  /** Samples at or above this count as a large data set. Defaults to 10 000. */
  largeAt?: number;
}

/** A transfer-learning strategy and why it was chosen. */
export interface StrategyAdvice {
  /** The recommended approach. */
  strategy: 'feature-extraction' | 'fine-tune' | 'fine-tune-or-scratch' | 'feature-extraction-early-layers';
  /** Why, in one sentence. */
  reason: string;
}

/**
 * The decision table for transfer learning: small & similar → feature extraction; large & similar →
 * fine-tune; small & different → features from earlier layers; large & different → fine-tune deeply or
 * train from scratch.
 */
export function recommendStrategy(args: RecommendStrategyArgs): StrategyAdvice {
  checkArgument(args != null, 'recommendStrategy', "pass { samples, similarity: 'similar' | 'different' }.");
  checkOptions('recommendStrategy', args, ['samples', 'similarity', 'largeAt']);
  const { samples, similarity, largeAt = 10_000 } = args;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `recommendStrategy: samples must be a positive integer, got ${samples}.`,
    );
  }
  if (similarity !== 'similar' && similarity !== 'different') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `recommendStrategy: similarity must be 'similar' or 'different', got ${String(similarity)}.`,
    );
  }
  const large = samples >= largeAt;
  if (!large && similarity === 'similar') {
    return {
      strategy: 'feature-extraction',
      reason: `${samples} samples are too few to fine-tune without over-fitting, and the base's top features already fit similar data: train a simple classifier on them.`,
    };
  }
  if (large && similarity === 'similar') {
    return {
      strategy: 'fine-tune',
      reason: `With ${samples} samples of similar data, fine-tuning the top of the base adapts it without much risk of over-fitting.`,
    };
  }
  if (!large) {
    return {
      strategy: 'feature-extraction-early-layers',
      reason: `${samples} samples of different data: the base's top layers are too specific, so cut it earlier and train a classifier on those more generic features.`,
    };
  }
  return {
    strategy: 'fine-tune-or-scratch',
    reason: `With ${samples} samples of different data there is enough to fine-tune the whole network, or to train from scratch.`,
  };
}
