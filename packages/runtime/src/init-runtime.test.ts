import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cpuDevice, describeWebGpuAdapter } from './device';
import { isBetterDLError } from './errors';
import { initRuntime } from './init-runtime';
import { probes } from './probes';

// No outcome may depend on this machine's GPUs: every hardware probe is injected.
beforeEach(() => {
  vi.spyOn(probes, 'cuda').mockResolvedValue({
    usable: false,
    reason: 'no CUDA device (no nvidia-smi and no /dev/nvidia<N>)',
    gpus: [],
  });
  vi.spyOn(probes, 'webgpu').mockResolvedValue({ ok: false, reason: 'no WebGPU adapter' });
  vi.spyOn(probes, 'cpu').mockResolvedValue(cpuDevice('Test CPU @ 1 GHz'));
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('initRuntime', () => {
  it('auto picks wasm here and says why it skipped the native backends', async () => {
    const info = await initRuntime({ verbose: false });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.native).toBe(false);
    expect(info.gpu).toBe(false);
    expect(info.device).toEqual({ kind: 'cpu', description: 'CPU (Test CPU @ 1 GHz)', software: false });
    expect(info.versions.core).toBe(tf.version_core);
    expect(info.versions.layers).toMatch(/^4\./);
    expect(info.simd).toBe(true);
    const gpu = info.skipped.find((s) => s.package === '@tensorflow/tfjs-node-gpu');
    expect(gpu?.reason).toBe('no CUDA device (no nvidia-smi and no /dev/nvidia<N>)');
    const webgpu = info.skipped.find((s) => s.backend === 'webgpu');
    expect(webgpu?.reason).toBe('no WebGPU adapter');
    expect(info.skipped.map((s) => s.package)).toEqual([
      '@tensorflow/tfjs-node-gpu',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-node',
    ]);
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
      /unknown backend 'gpu-please'.*auto, tensorflow, webgpu, webgl, wasm, cpu/,
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

  it("'auto' passes over a software WebGPU adapter and says so; the device is not probed again", async () => {
    const swiftshader = describeWebGpuAdapter(
      {
        info: {
          vendor: 'google',
          architecture: 'swiftshader',
          device: 'swiftshader-device',
          description: 'SwiftShader driver 5.0.0',
          isFallbackAdapter: true,
        },
      },
      'Vulkan',
    );
    vi.spyOn(probes, 'webgpu').mockResolvedValue({ ok: true, device: swiftshader });
    const info = await initRuntime({ verbose: false });
    expect(info.backend).toBe('wasm');
    const webgpu = info.skipped.find((s) => s.backend === 'webgpu');
    expect(webgpu?.reason).toBe(
      "software GPU SwiftShader driver 5.0.0 (Vulkan): slower than wasm (backend 'webgpu' uses it anyway)",
    );
    expect(info.summary).toContain(
      'tfjs-backend-webgpu software GPU SwiftShader driver 5.0.0 (Vulkan): slower than wasm',
    );
  });

  it('a usable CUDA device makes auto try tfjs-node-gpu, whose load failure is reported and passed over', async () => {
    vi.spyOn(probes, 'cuda').mockResolvedValue({
      usable: true,
      reason: '1 CUDA GPU (3: NVIDIA GPU)',
      gpus: [{ index: 3, name: 'NVIDIA GPU' }],
    });
    const info = await initRuntime({ verbose: false });
    expect(info.backend).toBe('wasm');
    // tfjs-node-gpu is not installed here; had it failed to load (wrong CUDA), the reason would be its error
    expect(info.skipped[0]).toEqual({
      backend: 'tensorflow',
      package: '@tensorflow/tfjs-node-gpu',
      reason: 'not installed',
    });
  });

  it("'webgl' in Node is an error that says WebGL needs a browser", async () => {
    const err = await initRuntime({ backend: 'webgl', verbose: false }).catch((e) => e);
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toMatch(/no WebGL in Node \(WebGL needs a browser; use webgpu in Node\)/);
  });

  it("'webgpu' without an adapter is an error with the install command", async () => {
    const err = await initRuntime({ backend: 'webgpu', verbose: false }).catch((e) => e);
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toContain('no WebGPU adapter');
    expect(err.message).toContain('npm i webgpu @tensorflow/tfjs-backend-webgpu');
  });

  it("'webgpu' on Linux without a Vulkan loader says to install one (or SwiftShader), not npm i webgpu", async () => {
    // The real WebGPU probe on an injected machine: Linux, Dawn installed, no libvulkan.so.1.
    vi.mocked(probes.webgpu).mockRestore();
    vi.spyOn(probes, 'vulkanLoader').mockResolvedValue(false);
    vi.doMock('webgpu', () => ({ create: () => ({ requestAdapter: async () => null }), globals: {} }));
    const platform = Object.getOwnPropertyDescriptor(process, 'platform') as PropertyDescriptor;
    Object.defineProperty(process, 'platform', { ...platform, value: 'linux' });
    try {
      const err = await initRuntime({ backend: 'webgpu', verbose: false }).catch((e) => e);
      expect(err.code).toBe('BACKEND_UNAVAILABLE');
      expect(err.message).toBe(
        "initRuntime: backend 'webgpu' is not available (@tensorflow/tfjs-backend-webgpu: no Vulkan loader " +
          'for Dawn (libvulkan.so.1; on Debian/Ubuntu: apt-get install libvulkan1)). Fix: install the Vulkan ' +
          "loader and a Vulkan driver for your GPU (Debian/Ubuntu: apt-get install libvulkan1; NVIDIA's driver " +
          "ships its Vulkan driver, mesa-vulkan-drivers has AMD's and Intel's); on a machine without a GPU, " +
          "install libvulkan1 and set VK_ICD_FILENAMES to SwiftShader's vk_swiftshader_icd.json (Chromium ships " +
          "it) to run WebGPU on the CPU, slower than wasm, or use backend 'auto'.",
      );
      expect(err.message).not.toContain('npm i webgpu');
    } finally {
      Object.defineProperty(process, 'platform', platform);
      vi.doUnmock('webgpu');
    }
  });
});
