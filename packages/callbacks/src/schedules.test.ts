import { isBetterDLError } from '@betterdl/runtime';
import { describe, expect, it } from 'vitest';
import * as schedules from './schedules';

const at = (s: schedules.LearningRateSchedule, steps: number[]) => steps.map((x) => s(x));

describe('schedules (Keras formulas)', () => {
  it('exponentialDecay, smooth and staircase', () => {
    const s = schedules.exponentialDecay(0.1, 10, 0.5);
    expect(s(0)).toBe(0.1);
    expect(s(10)).toBeCloseTo(0.05, 12);
    expect(s(5)).toBeCloseTo(0.1 * 0.5 ** 0.5, 12);
    expect(at(schedules.exponentialDecay(0.1, 10, 0.5, true), [9, 10, 25])).toEqual([0.1, 0.05, 0.025]);
  });

  it('piecewiseConstantDecay: step <= b0 → v0, b0 < step <= b1 → v1, beyond → last', () => {
    const s = schedules.piecewiseConstantDecay([100, 110], [1, 0.5, 0.1]);
    expect(at(s, [0, 100, 101, 110, 111, 1e6])).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => schedules.piecewiseConstantDecay([1, 2], [1, 2])).toThrow(/one more entry/);
  });

  it('polynomialDecay, capped and cycling', () => {
    const s = schedules.polynomialDecay(0.1, 10, 0.01, 1);
    expect(at(s, [0, 5, 10, 20])).toEqual([0.1, 0.055, 0.01, 0.01].map((v, i) => (i === 1 ? s(5) : v)));
    expect(s(5)).toBeCloseTo(0.055, 12);
    const c = schedules.polynomialDecay(0.1, 10, 0.01, 1, true);
    expect(c(0)).toBeCloseTo(0.1, 12);
    expect(c(15)).toBeCloseTo((0.1 - 0.01) * (1 - 15 / 20) + 0.01, 12);
    const sq = schedules.polynomialDecay(1, 10, 0, 2);
    expect(sq(5)).toBeCloseTo(0.25, 12);
  });

  it('inverseTimeDecay', () => {
    expect(schedules.inverseTimeDecay(1, 10, 0.5)(10)).toBeCloseTo(1 / 1.5, 12);
    expect(schedules.inverseTimeDecay(1, 10, 0.5, true)(19)).toBeCloseTo(1 / 1.5, 12);
  });

  it('cosineDecay with alpha, and linear warm-up to a peak', () => {
    const s = schedules.cosineDecay(1, 100, 0.1);
    expect(s(0)).toBeCloseTo(1, 12);
    expect(s(50)).toBeCloseTo(0.55, 12);
    expect(s(100)).toBeCloseTo(0.1, 12);
    expect(s(500)).toBeCloseTo(0.1, 12);
    const w = schedules.cosineDecay(0, 100, 0, 1, 10);
    expect(at(w, [0, 5, 10])).toEqual([0, 0.5, 1]);
    expect(w(60)).toBeCloseTo(0.5, 12);
    expect(w(110)).toBeCloseTo(0, 12);
  });

  it('cosineDecayRestarts: periods grow by tMul and peaks by mMul', () => {
    const s = schedules.cosineDecayRestarts(1, 10, 2, 0.5);
    expect(s(0)).toBeCloseTo(1, 12);
    expect(s(5)).toBeCloseTo(0.5, 12);
    expect(s(10)).toBeCloseTo(0.5, 12); // second period (20 steps) starts at 0.5
    expect(s(20)).toBeCloseTo(0.25, 12); // its middle
    expect(s(30)).toBeCloseTo(0.25, 12); // third period starts at 0.25
    const t1 = schedules.cosineDecayRestarts(1, 10, 1, 1);
    expect(t1(15)).toBeCloseTo(0.5, 12);
  });

  it('stepDecay halves every stepsPerDrop', () => {
    expect(at(schedules.stepDecay(0.1, 0.5, 10), [0, 9, 10, 25])).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it('oneCycle matches PyTorch OneCycleLR(max_lr=0.1, total_steps=20)', () => {
    const torch = [
      0.0040000000000000036, 0.013167184270002533, 0.037167184270002526, 0.06683281572999747,
      0.09083281572999748, 0.1, 0.09874640062350874, 0.09504846320134738, 0.089091617757105,
      0.0811745653949763, 0.07169430017913009, 0.06112620219362893, 0.0500002, 0.03887419780637107,
      0.028306099820869922, 0.0188258346050237, 0.010908782242895003, 0.004951936798652629,
      0.0012539993764912555, 4e-7,
    ];
    const s = schedules.oneCycle(0.1, 20);
    for (const [i, v] of torch.entries()) expect(s(i)).toBeCloseTo(v, 12);
  });

  it("cyclical 'triangular2' matches PyTorch CyclicLR(0.01, 0.1, step_size_up=4)", () => {
    const torch = [
      0.01, 0.0325, 0.055, 0.0775, 0.1, 0.0775, 0.055, 0.0325, 0.01, 0.02125, 0.0325, 0.04375, 0.055, 0.04375,
      0.0325, 0.02125, 0.01, 0.015625, 0.02125, 0.026875,
    ];
    const s = schedules.cyclical(0.01, 0.1, 4, { mode: 'triangular2' });
    for (const [i, v] of torch.entries()) expect(s(i)).toBeCloseTo(v, 12);
    expect(schedules.cyclical(0, 1, 2)(6)).toBeCloseTo(1, 12);
  });

  it('bad arguments fail when the schedule is made', () => {
    const bad = [
      () => schedules.exponentialDecay(0.1, 0, 0.5),
      () => schedules.cosineDecay(0.1, -1),
      () => schedules.oneCycle(0.1, 10, { pctStart: 1 }),
      () => schedules.cyclical(0.1, 1, 4, { mode: 'sine' as never }),
      () => schedules.stepDecay(0.1, 0),
    ];
    for (const f of bad) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(isBetterDLError(err)).toBe(true);
    }
  });
});
