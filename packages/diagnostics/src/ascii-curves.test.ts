import { describe, expect, it } from 'vitest';
import { asciiCurves } from './ascii-curves';

describe('asciiCurves', () => {
  it('plots train and validation with their own glyphs, axis labels and a legend', () => {
    const loss = Array.from({ length: 100 }, (_, i) => 1 - i / 100);
    const valLoss = Array.from({ length: 100 }, (_, i) => 1 - i / 200);
    const out = asciiCurves({ loss, val_loss: valLoss }, { width: 40, height: 8 });
    const lines = out.split('\n');
    expect(lines[0]).toBe('loss');
    // each column shows the mean of its epochs: 0.998 for epochs 1-2, 0.02 for epochs 98-100
    expect(lines[1]).toMatch(/^ 0\.998 ┤\*\*\*ooo {34}$/);
    expect(lines[8]).toMatch(/^0\.0200 ┤ {37}\*\*\*$/);
    expect(lines[9]).toMatch(/└─{40}$/);
    expect(lines[10]).toMatch(/1 +100 epoch$/);
    expect(out).toMatch(/\* train {3}o validation$/);
    // train falls to the bottom-right corner, validation ends half-way up
    const rows = lines
      .slice(1, 9)
      .map((l) => l.slice(l.indexOf('┤') >= 0 ? l.indexOf('┤') + 1 : l.indexOf('│') + 1));
    expect(rows[7]?.trimEnd().endsWith('*')).toBe(true);
    expect(rows.findIndex((r) => r[39] === 'o')).toBe(3);
  });
  it('names runs in the legend, colours on request, and validates options', () => {
    const out = asciiCurves({ a: { loss: [1, 0.5] }, b: { loss: [2, 1] } }, { color: true });
    expect(out).toContain('\x1b[34m*\x1b[0m a train');
    expect(out).toContain('\x1b[33m+\x1b[0m b train');
    expect(() => asciiCurves({ loss: [1] }, { width: 3 })).toThrow(/width must be an integer >= 10/);
    expect(() => asciiCurves({ loss: [1] }, { metrics: ['acc'] })).toThrow(/Available: loss/);
  });
});
