import { isBetterDLError, resolveMetricDirection } from '@betterdl/runtime';
import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const curve = (n: number, f: (i: number) => number, noise = 0, seed = 1) => {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => f(i) + noise * r());
};
const decay = (lo: number, hi: number, tau: number) => (i: number) => lo + (hi - lo) * Math.exp(-i / tau);

describe('diagnose on synthetic curves', () => {
  it('good fit: both level off close together', () => {
    const d = diagnose({
      loss: curve(300, decay(0.1, 1, 40), 0.01),
      val_loss: curve(300, decay(0.15, 1, 40), 0.01, 2),
    });
    expect(d.verdict).toBe('good-fit');
    expect(d.evidence.relativeGap).toBeGreaterThan(0);
    expect(d.evidence.relativeGap).toBeLessThan(0.1);
    expect(d.suggestions.join(' ')).toMatch(/early stopping/);
  });
  it('overfit: validation turns up after its best epoch', () => {
    const d = diagnose({
      loss: curve(400, decay(0.02, 1, 50)),
      val_loss: curve(400, (i) => decay(0.3, 1, 50)(i) + (i > 100 ? (i - 100) * 0.002 : 0)),
    });
    expect(d.verdict).toBe('overfit');
    expect(d.evidence.bestEpoch).toBeGreaterThan(80);
    expect(d.evidence.bestEpoch).toBeLessThan(140);
    expect(d.evidence.validationRise).toBeGreaterThan(0.3);
    expect(d.suggestions.join(' ')).toMatch(/L2/);
    expect(d.suggestions.join(' ')).toMatch(/dropout/);
  });
  it('underfit: still improving at the end, flat, or too short', () => {
    const still = diagnose({
      loss: curve(50, (i) => 1 - i * 0.01),
      val_loss: curve(50, (i) => 1.02 - i * 0.01),
    });
    expect(still.verdict).toBe('underfit');
    expect(still.evidence.recentTrainImprovement).toBeGreaterThan(0.1);
    const flat = diagnose({
      loss: curve(100, () => 0.69, 0.001),
      val_loss: curve(100, () => 0.694, 0.001, 3),
    });
    expect(flat.verdict).toBe('underfit');
    expect(flat.reason).toMatch(/flat/);
    const short = diagnose({ loss: [0.7], val_loss: [0.69] });
    expect(short.verdict).toBe('underfit');
    expect(short.suggestions.join(' ')).toMatch(/more epochs/i);
  });
  it('unrepresentative train: both improve but a large gap remains', () => {
    const d = diagnose({ loss: curve(300, decay(0.1, 1, 40)), val_loss: curve(300, decay(0.6, 1.1, 40)) });
    expect(d.verdict).toBe('unrepresentative-train');
    expect(d.evidence.relativeGap).toBeGreaterThan(0.35);
  });
  it('unrepresentative validation: noisy validation, or validation easier than train', () => {
    const noisy = diagnose({
      loss: curve(300, decay(0.2, 1, 40), 0.005),
      val_loss: curve(300, decay(0.25, 1, 40), 0.6, 5),
    });
    expect(noisy.verdict).toBe('unrepresentative-validation');
    expect(noisy.evidence.validationNoise).toBeGreaterThan(0.08);
    const easy = diagnose({ loss: curve(300, decay(0.4, 1, 40)), val_loss: curve(300, decay(0.1, 0.8, 40)) });
    expect(easy.verdict).toBe('unrepresentative-validation');
    expect(easy.evidence.gap).toBeLessThan(0);
  });
  it('unstable: oscillating, diverging or NaN', () => {
    const osc = diagnose({
      loss: curve(200, decay(0.4, 0.8, 20), 0.5),
      val_loss: curve(200, decay(0.45, 0.8, 20), 0.5, 9),
    });
    expect(osc.verdict).toBe('unstable');
    expect(osc.evidence.trainNoise).toBeGreaterThan(0.08);
    expect(osc.suggestions[0]).toMatch(/learning rate/i);
    expect(diagnose({ loss: curve(100, (i) => 0.7 + i * 0.01) }).verdict).toBe('unstable');
    expect(diagnose({ loss: [0.7, 0.6, Number.NaN, Number.NaN] }).verdict).toBe('unstable');
  });
  it('reads accuracy curves with mode max, and histories without validation', () => {
    const acc = diagnose(
      {
        history: {
          loss: curve(300, decay(0.1, 1, 40)),
          acc: curve(300, decay(0.98, 0.5, 40)),
          val_acc: curve(300, (i) => decay(0.85, 0.5, 40)(i) - (i > 80 ? (i - 80) * 0.001 : 0)),
        },
      },
      { monitor: 'val_accuracy' },
    );
    expect(acc.evidence.mode).toBe('max');
    expect(acc.evidence.monitor).toBe('accuracy');
    expect(acc.verdict).toBe('overfit');
    expect(acc.evidence.bestValue).toBeCloseTo(
      Math.max(...curve(300, (i) => decay(0.85, 0.5, 40)(i) - (i > 80 ? (i - 80) * 0.001 : 0))),
      6,
    );
    const noVal = diagnose({ loss: curve(300, decay(0.1, 1, 40)) });
    expect(noVal.verdict).toBe('good-fit');
    expect(noVal.evidence.hasValidation).toBe(false);
    expect(noVal.evidence.bestEpoch).toBeNull();
  });
  it('rejects unknown monitors and several runs with a clear error', () => {
    const err = (() => {
      try {
        diagnose({ loss: [1, 0.5] }, { monitor: 'auc' });
      } catch (e) {
        return e;
      }
    })();
    expect(isBetterDLError(err)).toBe(true);
    expect((err as Error).message).toMatch(/no "auc".*Available: loss/);
    expect(() => diagnose({ a: { loss: [1] }, b: { loss: [2] } } as never)).toThrow(/once per run/);
    expect(() => diagnose(42 as never)).toThrow(/cannot read the runs/);
  });

  it('val_ one shorter than the train curve is an error, not a silent train-only verdict', () => {
    const loss = curve(50, decay(0.1, 1, 10));
    let err: unknown;
    try {
      diagnose({ loss, val_loss: loss.slice(1) });
    } catch (e) {
      err = e;
    }
    expect(isBetterDLError(err)).toBe(true);
    expect((err as { code: string }).code).toBe('SHAPE_MISMATCH');
    expect((err as Error).message).toMatch(/49 val_loss values but 50 loss values/);
  });

  it('reads metric direction with the same rule as the callbacks (prc goes up; unknown names need mode)', () => {
    const up = curve(60, (i) => 1 - decay(0.2, 0.8, 10)(i));
    const d = diagnose({ prc: up, val_prc: up }, { monitor: 'val_prc' });
    expect(d.evidence.mode).toBe('max');
    expect(resolveMetricDirection('earlyStopping', 'val_prc')).toBe('max');
    expect(() => diagnose({ score: up }, { monitor: 'score' })).toThrow(
      /diagnose: cannot tell whether a higher or a lower 'score' is better\. Pass mode: 'min' or mode: 'max'\./,
    );
    expect(diagnose({ score: up }, { monitor: 'score', mode: 'max' }).evidence.mode).toBe('max');
  });

  it('rejects unknown options and bad thresholds', () => {
    expect(() => diagnose({ loss: [1, 0.5] }, { monitr: 'loss' } as never)).toThrow(
      /diagnose: unknown option 'monitr' in options\. Did you mean monitor\?/,
    );
    expect(() => diagnose({ loss: [1, 0.5] }, { thresholds: { min_epochs: 2 } } as never)).toThrow(
      /unknown option 'min_epochs' in thresholds\. Did you mean minEpochs\?/,
    );
    expect(() => diagnose({ loss: [1, 0.5] }, { thresholds: { noise: Number.NaN } })).toThrow(
      /thresholds\.noise must be a finite number >= 0, got NaN/,
    );
  });
});
