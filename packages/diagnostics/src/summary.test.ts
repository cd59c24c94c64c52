import { initRuntime, trackTensors } from '@betterdl/runtime';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { summary, summaryRows } from './summary';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('summary', () => {
  it('prints the cookbook 784-1000-10 network with 785,000 and 10,010 parameters', async () => {
    const model = tfl.sequential({
      name: 'mlp',
      layers: [
        tfl.layers.dense({ units: 1000, activation: 'relu', inputShape: [784], name: 'hidden' }),
        tfl.layers.dense({ units: 10, activation: 'softmax', name: 'out' }),
      ],
    });
    const r = await trackTensors(() => summary(model));
    expect(r.leaked).toBe(0);
    const text = r.result;
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "mlp"');
    expect(text).toMatch(/hidden \(Dense\) +\(None, 1000\) +785,000/);
    expect(text).toMatch(/out \(Dense\) +\(None, 10\) +10,010/);
    expect(text).toContain('Total params: 795,010');
    expect(text).toContain('Trainable params: 795,010');
    expect(text).toContain('Non-trainable params: 0');
    expect(summaryRows(model).map((x) => x.params)).toEqual([785000, 10010]);
    model.dispose();
  });

  it('counts frozen layers and batch-norm statistics as non-trainable', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 4, inputShape: [3], trainable: false }),
        tfl.layers.batchNormalization(),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const rows = summaryRows(model);
    expect(rows.map((r) => [r.type, r.params, r.trainable])).toEqual([
      ['Dense', 16, 0],
      ['BatchNormalization', 16, 8],
      ['Dense', 10, 10],
    ]);
    expect(summary(model)).toContain('Non-trainable params: 24');
    model.dispose();
  });

  it('handles an empty model and rejects what is not a model', () => {
    expect(summary(tfl.sequential({ name: 'empty' }))).toContain('Total params: 0');
    expect(() => summary(tfl.sequential(), { lineLength: 10 })).toThrow(
      /lineLength must be an integer >= 40/,
    );
    expect(() => summary({} as never)).toThrow(/pass a tfjs LayersModel/);
  });
});
