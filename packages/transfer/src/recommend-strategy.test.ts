import { describe, expect, it } from 'vitest';
import { recommendStrategy } from './recommend-strategy';

describe('recommendStrategy', () => {
  it('follows the decision table', () => {
    expect(recommendStrategy({ samples: 300, similarity: 'similar' }).strategy).toBe('feature-extraction');
    expect(recommendStrategy({ samples: 50_000, similarity: 'similar' }).strategy).toBe('fine-tune');
    expect(recommendStrategy({ samples: 300, similarity: 'different' }).strategy).toBe(
      'feature-extraction-early-layers',
    );
    expect(recommendStrategy({ samples: 50_000, similarity: 'different' }).strategy).toBe(
      'fine-tune-or-scratch',
    );
    expect(recommendStrategy({ samples: 500, similarity: 'similar', largeAt: 400 }).strategy).toBe(
      'fine-tune',
    );
  });
  it('explains its choice and rejects bad input', () => {
    expect(recommendStrategy({ samples: 300, similarity: 'similar' }).reason).toMatch(/300 samples/);
    expect(() => recommendStrategy({ samples: 0, similarity: 'similar' })).toThrow(/positive integer/);
    // @ts-expect-error: checking the runtime guard
    expect(() => recommendStrategy({ samples: 5, similarity: 'same' })).toThrow(/'similar' or 'different'/);
  });
});
