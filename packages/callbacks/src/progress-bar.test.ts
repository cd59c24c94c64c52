import { assertNoLeaks, initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoBatchHooks, tinyModel, toyData } from './fixtures/helpers';
import { formatPerStep, type ProgressBar, progressBar, progressLine } from './progress-bar';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('progressBar', () => {
  it('formats Keras-style lines', () => {
    expect(progressLine(32, 32, 0.064, { loss: 0.42, acc: 0.81 })).toBe(
      '32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - acc: 0.8100 - loss: 0.4200',
    );
    expect(progressLine(8, 32, 0.8, { loss: 0.5 })).toBe(
      ' 8/32 ━━━━━─────────────── 2s 100ms/step - loss: 0.5000',
    );
    expect(formatPerStep(0.0004)).toBe('400us/step');
    expect(formatPerStep(2.2)).toBe('2s/step');
  });

  it('with a sink: header + one line per epoch in a real fit, no batch hooks, no leaks', async () => {
    const { x, y } = toyData(16);
    const lines: string[] = [];
    const cb = progressBar({ sink: (l) => lines.push(l) });
    expectNoBatchHooks(cb);
    const model = tinyModel(tf.train.sgd(0.1));
    await assertNoLeaks(
      () => model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [cb] }),
      'fit with progressBar',
    );
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(/^4\/4 ━{20} \d+s \d+(us|ms|s)\/step - acc: \d\.\d{4} - loss: \d\.\d{4}$/);
    expect(lines[2]).toBe('Epoch 2/2');
    tf.dispose([x, y]);
  });

  it('on a TTY it redraws in place, throttled; piped it writes one line per epoch', async () => {
    const { x, y } = toyData(16);
    const run = async (isTTY: boolean, throttleMs: number) => {
      const chunks: string[] = [];
      const out = { isTTY, write: (s: string) => chunks.push(s) };
      const saved = process.stdout;
      Object.defineProperty(process, 'stdout', { value: out, configurable: true });
      let cb: ProgressBar;
      try {
        cb = progressBar({ throttleMs });
      } finally {
        Object.defineProperty(process, 'stdout', { value: saved, configurable: true });
      }
      // Swap back in for the fit itself only through the callback's captured stream.
      await tinyModel(tf.train.sgd(0.1)).fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [cb] });
      return { chunks, cb };
    };
    const piped = await run(false, 0);
    expect(piped.chunks).toHaveLength(4);
    expect(piped.chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expectNoBatchHooks(piped.cb);

    const tty = await run(true, 0);
    const redraws = tty.chunks.filter((c) => c.startsWith('\r') && !c.endsWith('\n'));
    expect(redraws).toHaveLength(16); // 8 batches × 2 epochs, unthrottled
    const last = tty.chunks.at(-1) as string;
    expect(last.startsWith('\r8/8 ')).toBe(true);
    expect(last.endsWith('\u001b[K\n')).toBe(true);
    const throttled = await run(true, 60_000);
    expect(throttled.chunks.filter((c) => c.startsWith('\r') && !c.endsWith('\n'))).toHaveLength(2);
    tf.dispose([x, y]);
  });
});
