import { describe, expect, it } from 'vitest';
import { downsampleIndices } from './downsample';
import { type CurvePoint, learningCurves } from './learning-curves';

const n = 4000;
const loss = Array.from({ length: n }, (_, i) => 0.7 * Math.exp(-i / 300) + 0.02);
const valLoss = Array.from(
  { length: n },
  (_, i) => 0.7 * Math.exp(-i / 300) + 0.2 + Math.max(0, i - 500) / 4000,
);
const acc = loss.map((l) => 1 - l);
const valAcc = valLoss.map((l) => 1 - l / 2);

describe('learningCurves', () => {
  it('draws loss and accuracy panels, train solid and validation dashed, one colour per run', () => {
    const spec = learningCurves(
      {
        'no reg': { loss, val_loss: valLoss, acc, val_acc: valAcc },
        l2: { history: { loss, val_loss: loss, acc, val_acc: acc } },
      },
      { title: 'with vs without' },
    );
    expect(spec.$schema).toMatch(/vega-lite\/v6/);
    expect(spec.title).toBe('with vs without');
    type Channel = { field: string; scale: { domain: string[]; range?: number[][] } };
    const panels = spec.hconcat as Array<{ title: string; encoding: Record<string, Channel> }>;
    expect(panels.map((p) => p.title)).toEqual(['loss', 'acc']);
    const enc = panels[0]?.encoding as Record<string, Channel>;
    expect(enc.color?.scale.domain).toEqual(['no reg', 'l2']);
    expect(enc.strokeDash?.scale.domain).toEqual(['train', 'validation']);
    expect(enc.strokeDash?.scale.range).toEqual([
      [1, 0],
      [6, 3],
    ]);
    expect(enc.x?.field).toBe('epoch');
  });

  it('thins long runs for drawing but keeps the ends and the extremes', () => {
    const spec = learningCurves(
      { a: { loss, val_loss: valLoss }, b: { loss, val_loss: valLoss } },
      { maxPoints: 300 },
    );
    const rows = (spec.data as { values: CurvePoint[] }).values;
    expect(rows.length).toBe(4 * 300);
    const val = rows.filter((r) => r.run === 'a' && r.split === 'validation');
    expect(val[0]?.epoch).toBe(1);
    expect(val[val.length - 1]?.epoch).toBe(n);
    const minEpoch = valLoss.indexOf(Math.min(...valLoss)) + 1;
    expect(Math.min(...val.map((r) => Math.abs(r.epoch - minEpoch)))).toBeLessThan(15);
    expect(val.find((r) => r.epoch === n)?.value).toBe(valLoss[n - 1]);
    // short runs are drawn in full
    const short = learningCurves({ loss: [1, 0.5, 0.25] });
    expect((short.data as { values: CurvePoint[] }).values.map((r) => r.value)).toEqual([1, 0.5, 0.25]);
  });

  it('downsampleIndices skips NaN and returns every index of short series', () => {
    expect(downsampleIndices([1, Number.NaN, 3], 10)).toEqual([0, 2]);
    const zigzag = Array.from({ length: 1000 }, (_, i) => (i === 500 ? 100 : i % 2));
    const idx = downsampleIndices(zigzag, 50);
    expect(idx).toHaveLength(50);
    expect(idx).toContain(500);
  });

  it('rejects unknown metrics and bad options with the fix', () => {
    expect(() => learningCurves({ loss }, { metrics: ['auc'] })).toThrow(
      /no run has the metric "auc". Available: loss/,
    );
    expect(() => learningCurves({ loss }, { maxPoints: 1 })).toThrow(/maxPoints must be an integer >= 3/);
    expect(() => learningCurves([] as never)).toThrow(/cannot read the runs/);
    expect(() => learningCurves({ loss: [] })).toThrow(/has no epochs/);
  });
});
