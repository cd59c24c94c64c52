import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBetterDLError } from './errors';
import { initRuntime } from './init-runtime';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('initRuntime', () => {
  it('auto picks wasm here and says why it skipped the native backends', async () => {
    const info = await initRuntime({ verbose: false });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.native).toBe(false);
    expect(info.gpu).toBe(false);
    expect(info.versions.core).toBe(tf.version_core);
    expect(info.versions.layers).toMatch(/^4\./);
    expect(info.simd).toBe(true);
    const gpu = info.skipped.find((s) => s.package === '@tensorflow/tfjs-node-gpu');
    expect(gpu?.reason).toMatch(/no CUDA device/);
    const node = info.skipped.find((s) => s.package === '@tensorflow/tfjs-node');
    expect(node?.reason).toBe('not installed');
    expect(info.summary).toMatch(
      /^betterdl: wasm backend \(SIMD, \d+ threads?, \d+ kernel fixes\); .*tfjs-node not installed/,
    );
    expect(info.summary).toContain('npm i @tensorflow/tfjs-node for native speed');
  });

  it('prints the start-up line when verbose (the default)', async () => {
    const spy = vi.spyOn(console, 'info').mockImplementation(() => {});
    await initRuntime({ backend: 'cpu' });
    expect(spy).toHaveBeenCalledWith(expect.stringMatching(/^betterdl: cpu backend/));
    spy.mockRestore();
  });

  it('a backend asked for by name that cannot load is an error with the install command', async () => {
    const err = await initRuntime({ backend: 'tensorflow', verbose: false }).catch((e) => e);
    expect(isBetterDLError(err)).toBe(true);
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toContain('npm i @tensorflow/tfjs-node');
    expect(err.message).toContain('not installed');
  });

  it('reads BETTERDL_BACKEND, and an explicit option wins over it', async () => {
    vi.stubEnv('BETTERDL_BACKEND', 'cpu');
    expect((await initRuntime({ verbose: false })).backend).toBe('cpu');
    expect((await initRuntime({ backend: 'wasm', verbose: false })).backend).toBe('wasm');
  });

  it('rejects unknown backends and bad thread counts with a fix', async () => {
    await expect(initRuntime({ backend: 'gpu-please', verbose: false })).rejects.toThrow(
      /unknown backend 'gpu-please'.*auto, tensorflow, wasm, cpu/,
    );
    await expect(initRuntime({ threads: 0, verbose: false })).rejects.toThrow(
      /initRuntime: threads must be an integer >= 1, got 0\./,
    );
    await expect(initRuntime({ kernel_fixes: false } as never)).rejects.toThrow(
      /initRuntime: unknown option 'kernel_fixes'.*did you mean kernelFixes\?/i,
    );
  });

  it('reports a single shared tfjs-core', async () => {
    const info = await initRuntime({ backend: 'cpu', verbose: false });
    expect(info.tfjs.duplicated).toBe(false);
    expect(info.tfjs.copies.every((c) => c.version === tf.version_core)).toBe(true);
  });
});
