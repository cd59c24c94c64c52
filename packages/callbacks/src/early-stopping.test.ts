import { assertNoLeaks, initRuntime, isBetterDLError, setSeed } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EarlyStopping, earlyStopping } from './early-stopping';
import { driveEpochs, expectNoBatchHooks, tinyModel, toyData, weightValues } from './fixtures/helpers';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('earlyStopping', () => {
  it('keras example: patience 2, val_loss [1, .9, .95, .96] stops after epoch index 3', async () => {
    const cb = earlyStopping({ patience: 2 });
    const run = await driveEpochs(cb, tinyModel(), 'val_loss', [1, 0.9, 0.95, 0.96, 0.97, 0.98]);
    expect(run).toBe(4);
    expect(cb.stoppedEpoch).toBe(3);
    expect(cb.best).toBe(0.9);
    expect(cb.bestEpoch).toBe(1);
  });

  it('improvement is strict and uses |minDelta|', async () => {
    const cb = earlyStopping({ patience: 1, minDelta: -0.1 });
    // 0.95 is not < 1 - 0.1, so it is not an improvement: stop at epoch 1.
    expect(await driveEpochs(cb, tinyModel(), 'val_loss', [1, 0.95, 0.5])).toBe(2);
    const eq = earlyStopping({ patience: 1 });
    expect(await driveEpochs(eq, tinyModel(), 'val_loss', [1, 1, 1])).toBe(2);
  });

  it('NaN never improves; never stops at epoch 0 even with patience 0', async () => {
    const cb = earlyStopping({ patience: 0 });
    expect(await driveEpochs(cb, tinyModel(), 'val_loss', [Number.NaN, Number.NaN, 1])).toBe(2);
    expect(cb.stoppedEpoch).toBe(1);
  });

  it('max mode for accuracy names, Keras aliases accepted', async () => {
    const cb = earlyStopping({ monitor: 'val_accuracy', patience: 1 });
    expect(cb.mode).toBe('max');
    expect(await driveEpochs(cb, tinyModel(), 'val_acc', [0.5, 0.6, 0.7, 0.65, 0.66])).toBe(4);
    expect(cb.best).toBe(0.7);
  });

  it('baseline: improvements that do not beat the baseline do not reset patience', async () => {
    const cb = earlyStopping({ patience: 2, baseline: 0.5 });
    // wait counts 1, 2 through the improvements (they miss the baseline), then 3 >= 2 at epoch index 2.
    expect(await driveEpochs(cb, tinyModel(), 'val_loss', [1, 0.9, 0.95, 0.96])).toBe(3);
    const none = earlyStopping({ patience: 2 });
    expect(await driveEpochs(none, tinyModel(), 'val_loss', [1, 0.9, 0.95, 0.96, 0.97])).toBe(4);
    const ok = earlyStopping({ patience: 2, baseline: 0.5 });
    expect(await driveEpochs(ok, tinyModel(), 'val_loss', [0.4, 0.3, 0.35, 0.36, 0.37])).toBe(4);
  });

  it('startFromEpoch ignores the first epochs', async () => {
    const cb = earlyStopping({ patience: 1, startFromEpoch: 3 });
    expect(await driveEpochs(cb, tinyModel(), 'val_loss', [1, 2, 3, 4, 5, 6])).toBe(5);
  });

  it('missing monitor warns, naming the monitor and the available keys, and does nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cb = earlyStopping({ patience: 0 });
    expect(await driveEpochs(cb, tinyModel(), 'loss', [1, 2, 3])).toBe(3);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls[0]?.[0]).toMatch(/'val_loss'.*available: loss/);
    warn.mockRestore();
  });

  it('verbose prints the stop epoch (1-based)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await driveEpochs(earlyStopping({ patience: 1, verbose: 1 }), tinyModel(), 'val_loss', [1, 2, 3]);
    expect(log).toHaveBeenCalledWith('Epoch 2: early stopping');
    log.mockRestore();
  });

  it('validates options at construction', () => {
    for (const bad of [
      { mode: 'up' },
      { patience: -1 },
      { patience: 1.5 },
      { monitor: 'val_foo' },
      { minDelta: Number.NaN },
    ]) {
      let err: unknown;
      try {
        earlyStopping(bad as never);
      } catch (e) {
        err = e;
      }
      expect(isBetterDLError(err), JSON.stringify(bad)).toBe(true);
    }
    expect(() => earlyStopping({ monitor: 'val_foo' })).toThrow(/mode: 'min'/);
    expect(() => earlyStopping({ restoreBestWeights: 'yes' } as never)).toThrow(
      /earlyStopping: restoreBestWeights must be true or false, got 'yes'/,
    );
    expect(earlyStopping({ monitor: 'val_foo', mode: 'max' }).mode).toBe('max');
  });

  it('names the camelCase option of a Keras snake_case one (plain-JS users)', () => {
    const keras = { monitor: 'val_loss', restore_best_weights: true } as Record<string, unknown>;
    let err: unknown;
    try {
      earlyStopping(keras as never);
    } catch (e) {
      err = e;
    }
    expect(isBetterDLError(err)).toBe(true);
    expect((err as { code: string }).code).toBe('INVALID_ARGUMENT');
    expect((err as Error).message).toMatch(
      /earlyStopping: unknown option 'restore_best_weights'.*did you mean restoreBestWeights\?/i,
    );
    expect(() => earlyStopping({ patiense: 3 } as never)).toThrow(/did you mean patience\?/i);
    expect(() => earlyStopping({ start_from_epoch: 3 } as never)).toThrow(/did you mean startFromEpoch\?/i);
  });

  it('defines no batch hooks', () => {
    expectNoBatchHooks(earlyStopping());
  });

  it('restoreBestWeights restores the snapshot of the best epoch, as a copy', async () => {
    const model = tinyModel();
    const cb = new EarlyStopping({ patience: 5, restoreBestWeights: true });
    cb.setModel(model);
    await cb.onTrainBegin({});
    await cb.onEpochEnd(0, { val_loss: 1 });
    await cb.onEpochEnd(1, { val_loss: 0.5 });
    const best = weightValues(model);
    // Change the live weights after the snapshot: the snapshot must not follow.
    model.setWeights(model.weights.map((w) => tf.fill(w.shape as number[], 7)));
    await cb.onEpochEnd(2, { val_loss: 0.9 });
    await cb.onTrainEnd({});
    expect(weightValues(model)).toEqual(best);
  });

  it('in a real fit: stops early, restores the best weights, resolves Scalar logs, leaks nothing', async () => {
    setSeed(3);
    const { x, y } = toyData();
    const model = tinyModel(tf.train.sgd(0.5));
    const cb = earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const history = await assertNoLeaks(
      () => model.fit(x, y, { epochs: 60, validationData: [x, y], verbose: 0, callbacks: [cb] }),
      'fit with earlyStopping',
    );
    const losses = history.history.val_loss as number[];
    expect(losses.every((v) => typeof v === 'number')).toBe(true);
    expect(cb.best).toBe(Math.min(...losses));
    if (cb.stoppedEpoch > 0) expect(losses.length).toBe(cb.stoppedEpoch + 1);
    const ev = model.evaluate(x, y) as tf.Scalar[];
    expect(Math.abs(((ev[0] as tf.Scalar).dataSync()[0] as number) - (cb.best as number))).toBeLessThan(1e-5);
    tf.dispose([x, y, ...ev]);
  });
});
