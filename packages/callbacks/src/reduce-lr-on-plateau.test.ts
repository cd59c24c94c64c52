import { assertNoLeaks, initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { expectNoBatchHooks, tinyModel, toyData } from './fixtures/helpers';
import { getLearningRate } from './learning-rate';
import { reduceLROnPlateau } from './reduce-lr-on-plateau';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

async function drive(args: Parameters<typeof reduceLROnPlateau>[0], values: number[], lr = 1) {
  const model = tinyModel(tf.train.sgd(lr));
  const cb = reduceLROnPlateau(args);
  cb.setModel(model);
  await cb.onTrainBegin({});
  const rates: number[] = [];
  const logged: number[] = [];
  for (const [epoch, v] of values.entries()) {
    const logs: Record<string, number> = { val_loss: v };
    await cb.onEpochEnd(epoch, logs);
    rates.push(getLearningRate(model.optimizer));
    logged.push(logs.lr as number);
  }
  return { cb, rates, logged };
}

describe('reduceLROnPlateau', () => {
  it('keras example: patience 1, cooldown 2, flat metric → reductions at epochs 1, 3, 5, 7', async () => {
    const { rates } = await drive({ patience: 1, cooldown: 2, factor: 0.5 }, Array(9).fill(1));
    const reducedAt = rates
      .map((r, i) => (r < (i === 0 ? 1 : (rates[i - 1] as number)) ? i : -1))
      .filter((i) => i >= 0);
    expect(reducedAt).toEqual([1, 3, 5, 7]);
    expect(rates[8]).toBe(1 / 16);
  });

  it('logs the rate before any change as lr and learning_rate', async () => {
    const { logged } = await drive({ patience: 1, factor: 0.5 }, [1, 1, 1]);
    expect(logged).toEqual([1, 1, 0.5]);
  });

  it('minDelta: changes smaller than it are not improvements', async () => {
    const { rates } = await drive({ patience: 2, factor: 0.1, minDelta: 0.01 }, [1, 0.995, 0.99, 0.5, 0.49]);
    expect(rates.map((r) => +r.toPrecision(6))).toEqual([1, 1, 0.1, 0.1, 0.1]);
  });

  it('never goes below minLr, and at minLr nothing changes', async () => {
    const { rates, cb } = await drive({ patience: 1, factor: 0.1, minLr: 0.05 }, [1, 1, 1, 1, 1]);
    expect(rates).toEqual([1, 0.1, 0.05, 0.05, 0.05]);
    expect(cb.wait).toBe(2);
  });

  it('verbose prints the Keras message', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await drive({ patience: 1, factor: 0.5, verbose: 1 }, [1, 1]);
    expect(log).toHaveBeenCalledWith('Epoch 2: ReduceLROnPlateau reducing learning rate to 0.5.');
    log.mockRestore();
  });

  it('warns when the monitor is missing and changes nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = tinyModel(tf.train.sgd(1));
    const cb = reduceLROnPlateau({ patience: 0, monitor: 'val_acc' });
    cb.setModel(model);
    await cb.onTrainBegin({});
    await cb.onEpochEnd(0, { loss: 1 });
    await cb.onEpochEnd(1, { loss: 1 });
    expect(getLearningRate(model.optimizer)).toBe(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/'val_acc'.*available: loss/);
    warn.mockRestore();
  });

  it('rejects bad options at construction', () => {
    for (const bad of [
      { factor: 1 },
      { factor: 2 },
      { factor: 0 },
      { mode: 'x' },
      { patience: -1 },
      { minLr: -1 },
      { minDelta: Number.NaN },
      { minDelta: Number.POSITIVE_INFINITY },
      { cooldown: 0.5 },
      { min_lr: 0.001 },
    ]) {
      let err: unknown;
      try {
        reduceLROnPlateau(bad as never);
      } catch (e) {
        err = e;
      }
      expect(isBetterDLError(err), JSON.stringify(bad)).toBe(true);
    }
    expect(() => reduceLROnPlateau({ factor: 1 })).toThrow(
      /factor must be a finite number > 0 and < 1, got 1\./,
    );
    expect(() => reduceLROnPlateau({ minDelta: Number.NaN })).toThrow(
      /reduceLROnPlateau: minDelta must be a finite number, got NaN\./,
    );
    expect(() => reduceLROnPlateau({ min_delta: 1e-7 } as never)).toThrow(
      /reduceLROnPlateau: unknown option 'min_delta'.*did you mean minDelta\?/i,
    );
  });

  it('defines no batch hooks', () => {
    expectNoBatchHooks(reduceLROnPlateau());
  });

  it('in a real fit with Adam: reduces the rate in place (same optimizer, state kept), no leaks', async () => {
    const { x, y } = toyData();
    const model = tinyModel(tf.train.adam(0.01));
    const opt = model.optimizer;
    // One warm-up epoch creates Adam's slot variables, which belong to the optimizer, not to a leak.
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    const cb = reduceLROnPlateau({ monitor: 'loss', patience: 0, factor: 0.5, minDelta: 10 });
    const h = await assertNoLeaks(
      () => model.fit(x, y, { epochs: 4, verbose: 0, callbacks: [cb] }),
      'fit with reduceLROnPlateau',
    );
    expect(model.optimizer).toBe(opt);
    expect(opt.iterations).toBe(5);
    // First epoch improves (best unset); each later one cannot beat best by 10 → halve every epoch after.
    // Logged as Keras logs it: the float32 rate the optimizer applies.
    expect(h.history.lr).toEqual([0.01, 0.01, 0.005, 0.0025].map(Math.fround));
    expect(getLearningRate(opt)).toBe(Math.fround(0.01) * 0.125);
    tf.dispose([x, y]);
  });
});
