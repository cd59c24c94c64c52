import { initRuntime, trackTensors } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { plotWeightHistograms } from './plot-weight-histograms';
import { tensorHistogram } from './tensor-histogram';
import { toSvg } from './to-svg';
import { weightHistograms } from './weight-histograms';

describe.each(['cpu', 'wasm'])('tensorHistogram on %s', (backend) => {
  it('matches a histogram computed in JavaScript, without leaks', async () => {
    await initRuntime({ backend, verbose: false });
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 3);
    const x = tf.tensor2d(values, [100, 10]);
    const r = await trackTensors(() => tensorHistogram(x, 7));
    x.dispose();
    expect(r.leaked).toBe(0);
    const h = r.result;
    const f32 = Float32Array.from(values);
    const min = Math.min(...f32);
    const max = Math.max(...f32);
    expect(h.min).toBe(min);
    expect(h.max).toBe(max);
    expect(h.count).toBe(1000);
    expect(h.sum).toBeCloseTo(
      f32.reduce((a, b) => a + b, 0),
      2,
    );
    expect(h.edges).toHaveLength(8);
    expect(h.edges[7]).toBe(max);
    const expected = new Array(7).fill(0);
    for (const v of f32) expected[Math.min(6, Math.floor(((v - min) / (max - min)) * 7))]++;
    expect(h.counts).toEqual(expected);
    const constant = await tensorHistogram(tf.fill([5], 2), 3);
    expect(constant.counts).toEqual([5, 0, 0]);
  });
});

function data() {
  return tf.tidy(() => {
    const x = tf.randomUniform([64, 2], -1, 1, 'float32', 3);
    const y = tf.cast(tf.greater(tf.sum(tf.square(x), 1, true), 0.5), 'float32');
    return { x, y };
  });
}

async function train(l2: number, epochs: number) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 64,
        activation: 'relu',
        inputShape: [2],
        name: 'hidden',
        kernelRegularizer: l2 ? tfl.regularizers.l2({ l2 }) : undefined,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: 1,
        activation: 'sigmoid',
        name: 'out',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  const optimizer = tf.train.adam(0.05);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  const hist = weightHistograms({ freq: 10, layers: ['hidden'], bins: 20 });
  const { x, y } = data();
  await model.fit(x, y, { epochs, batchSize: 64, verbose: 0, callbacks: [hist] });
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return hist;
}

describe('weightHistograms', () => {
  it('records chosen layers every freq epochs inside fit, without leaks; L2 keeps weights near zero', async () => {
    await initRuntime({ backend: 'cpu', verbose: false });
    const r = await trackTensors(() => train(0, 60));
    expect(r.leaked).toBe(0);
    const plain = r.result.records;
    expect(plain.map((x) => x.epoch)).toEqual([0, 0, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50, 60, 60]);
    expect(new Set(plain.map((x) => x.layer))).toEqual(new Set(['hidden']));
    expect(plain.map((x) => x.weight).slice(0, 2)).toEqual([
      expect.stringMatching(/^hidden\/kernel/),
      expect.stringMatching(/^hidden\/bias/),
    ]);
    const kernels = plain.filter((x) => /kernel/.test(x.weight));
    for (const k of kernels) expect(k.histogram.counts.reduce((a, b) => a + b, 0)).toBe(128);
    const rms = (h: { sumSquares: number; count: number }) => Math.sqrt(h.sumSquares / h.count);
    const first = kernels[0]?.histogram as { sumSquares: number; count: number };
    const last = kernels[kernels.length - 1]?.histogram as { sumSquares: number; count: number };
    expect(rms(last)).toBeGreaterThan(rms(first) * 1.5);
    const reg = (await train(0.05, 60)).records.filter((x) => /kernel/.test(x.weight));
    expect(rms(reg[reg.length - 1]?.histogram as { sumSquares: number; count: number })).toBeLessThan(
      rms(last) / 2,
    );

    const svg = await toSvg(plotWeightHistograms(plain));
    expect(svg).toContain('Weight distributions over training');
    expect(svg).toContain('>hidden/kernel</text>');
    expect(svg).not.toContain('>hidden/bias</text>');
  });

  it('validates its arguments at construction and layer names at the start of training', async () => {
    expect(() => weightHistograms({ freq: 0 })).toThrow(
      /weightHistograms: freq must be an integer >= 1, got 0/,
    );
    expect(() => weightHistograms({ bins: 1.5 })).toThrow(/bins must be an integer >= 1, got 1\.5/);
    expect(() => weightHistograms({ record_initial: false } as never)).toThrow(
      /Did you mean recordInitial\?/,
    );
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1], name: 'd' })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.zeros([2, 1]);
    await expect(
      model.fit(x, x, { epochs: 1, verbose: 0, callbacks: [weightHistograms({ layers: ['nope'] })] }),
    ).rejects.toThrow(/no layer "nope". Layers: d/);
    x.dispose();
    model.dispose();
    expect(() => plotWeightHistograms([])).toThrow(/no records/);
  });
});
