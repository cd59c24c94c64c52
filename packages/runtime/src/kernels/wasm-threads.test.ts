import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { isBetterDLError } from '../errors';
import { initRuntime } from '../init-runtime';
import { assertNoLeaks } from '../memory';
import { expectSameOnWasm, rand } from './fixtures/test-utils';

// This file runs in its own process: the wasm backend starts here, threaded, before anything else uses it.
describe('initRuntime({ threads }) in Node', () => {
  it('starts the threaded SIMD build with the threads asked for and reports them', async () => {
    const info = await initRuntime({ backend: 'wasm', threads: 2, verbose: false });
    expect(info.backend).toBe('wasm');
    expect(info.threads).toBe(2);
    expect(info.simd).toBe(true);
    expect(info.summary).toMatch(/wasm backend \(SIMD, 2 threads, \d+ kernel fixes\)/);
  });

  it('computes the same results as cpu with two threads (matMul, conv gradients)', async () => {
    await initRuntime({ backend: 'cpu', verbose: false });
    await initRuntime({ backend: 'wasm', threads: 2, verbose: false });
    await expectSameOnWasm(() => tf.matMul(rand([200, 96], 1), rand([200, 150], 2), true, false));
    await expectSameOnWasm(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))),
      )([rand([4, 12, 12, 8], 3), rand([3, 3, 8, 6], 4)]),
    );
  });

  it('trains a model without leaks', async () => {
    await initRuntime({ backend: 'wasm', threads: 2, verbose: false });
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [20], units: 64, activation: 'relu' }),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = rand([64, 20], 5);
    const y = rand([64, 1], 6);
    await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
    const h = await assertNoLeaks(() => model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 }), 'fit');
    expect(h.history.loss).toHaveLength(2);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('does not keep the process alive: a script that used threads exits by itself', () => {
    const script = fileURLToPath(new URL('./fixtures/threads-exit.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('threads=2');
  });

  it('refuses to change the thread count once wasm runs, and says how to fix it', async () => {
    const err = await initRuntime({ backend: 'wasm', threads: 1, verbose: false }).catch((e) => e);
    expect(isBetterDLError(err)).toBe(true);
    expect(err.message).toMatch(/already runs with 2 thread\(s\).*threads: 1 \}\) first/);
  });
});
