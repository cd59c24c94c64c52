import { describe, expect, it } from 'vitest';
import { fillTemplate, formatValue, parseTemplate } from './path-template';

describe('Python-style path templates', () => {
  it('formats like Python str.format', () => {
    const cases: Array<[number, string, string]> = [
      [3, '02d', '03'],
      [0.123456, '.4f', '0.1235'],
      [0.000123, '.2e', '1.23e-04'],
      [0.0001234, 'g', '0.0001234'],
      [1234567, 'g', '1.23457e+06'],
      [-1.5, '>8.3f', '  -1.500'],
      [1234567, ',d', '1,234,567'],
      [0.256, '.1%', '25.6%'],
      [1, '+.2f', '+1.00'],
      [-3.14259, '08.3f', '-003.143'],
      [100000, 'g', '100000'],
      [0.00001234, '.3g', '1.23e-05'],
      [Number.NaN, '.4f', 'nan'],
    ];
    for (const [v, spec, want] of cases) expect(formatValue(v, spec), `${v}:${spec}`).toBe(want);
  });

  it('fills the seed-4 checkpoint name, with Keras accuracy aliases', () => {
    const parts = parseTemplate('model-weights.{epoch:02d}-{val_accuracy:.6f}');
    expect(fillTemplate(parts, { epoch: 7, val_acc: 0.91234567 })).toBe('model-weights.07-0.912346');
    expect(fillTemplate(parseTemplate('{{literal}}-{epoch}'), { epoch: 1 })).toBe('{literal}-1');
    // epoch and batch are ints, log values floats: Keras writes `1.0` and `1e-05`.
    expect(
      fillTemplate(parseTemplate('{epoch}-{batch}-{val_loss}-{lr}'), {
        epoch: 3,
        batch: 12,
        val_loss: 1,
        lr: 1e-5,
      }),
    ).toBe('3-12-1.0-1e-05');
    expect(
      fillTemplate(parseTemplate('{epoch:03d}-{val_accuracy:.4f}'), { epoch: 3, val_acc: 29 / 32 }),
    ).toBe('003-0.9062');
  });

  it('a missing key is an error naming it and the available keys', () => {
    expect(() => fillTemplate(parseTemplate('m-{val_loss:.2f}'), { epoch: 1, loss: 2 })).toThrow(
      /'\{val_loss\}' is not in the logs \(available: epoch, loss\)/,
    );
  });

  it('malformed templates fail with the reason', () => {
    expect(() => parseTemplate('m-{epoch')).toThrow(/never closed/);
    expect(() => parseTemplate('m-{epoch:zz}')).toThrow(/not a format spec/);
    expect(() => parseTemplate('m-{}')).toThrow(/positional field/);
    expect(() => parseTemplate('m-}')).toThrow(/Single '}'/);
  });
});
