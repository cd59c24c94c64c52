import { deviceReport, initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { PARITY_CASES, runParity } from './fixtures/gpu/parity';
import { gpuUnavailable, useSwiftShaderVulkan } from './test-support/swiftshader';

/**
 * WebGPU in Node, for real: Dawn (the npm package `webgpu`) on SwiftShader's Vulkan driver (Debian's
 * `chromium` ships it), with `@tensorflow/tfjs-backend-webgpu`. The adapter is a software one, so `'auto'`
 * must pass it over while `backend: 'webgpu'` trains on it with cpu's losses.
 */
const vulkan = useSwiftShaderVulkan();

function needAdapter(ctx: TestContext): boolean {
  if (vulkan.ok) return true;
  gpuUnavailable('SwiftShader Vulkan for WebGPU in Node', vulkan.reason, (note) => ctx.skip(note));
  return false;
}

describe('webgpu in Node (Dawn on SwiftShader Vulkan)', () => {
  beforeAll(async () => {
    await initRuntime({ backend: 'cpu', verbose: false });
  });

  it("'auto' finds the SwiftShader adapter, reports it as software and passes over it", async (ctx) => {
    if (!needAdapter(ctx)) return;
    const info = await initRuntime({ verbose: false });
    const webgpu = info.skipped.find((s) => s.backend === 'webgpu');
    expect(webgpu?.package).toBe('@tensorflow/tfjs-backend-webgpu');
    expect(webgpu?.reason).toMatch(
      /^software GPU SwiftShader.* \(Vulkan\): slower than wasm \(backend 'webgpu' uses it anyway\)$/,
    );
    expect(info.backend).not.toBe('webgpu');
    expect(info.summary).toContain('tfjs-backend-webgpu software GPU SwiftShader');
  });

  it("backend 'webgpu' uses it, names the device, and deviceReport shows the matMul ran there", async (ctx) => {
    if (!needAdapter(ctx)) return;
    const info = await initRuntime({ backend: 'webgpu', verbose: false });
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.backend).toBe('webgpu');
    expect(info.gpu).toBe(true);
    expect(info.device).toMatchObject({
      kind: 'gpu',
      vendor: 'google',
      architecture: 'swiftshader',
      software: true,
    });
    expect(info.summary).toMatch(/^betterdl: webgpu backend on SwiftShader.* \(Vulkan\) \(software\)$/);
    const tensors = tf.memory().numTensors;
    const report = await deviceReport({ print: false });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(report.correct).toBe(true);
    expect(report.kernels.map((k) => k.kernel)).toContain('BatchMatMul');
    for (const k of report.kernels) {
      expect(k.backend).toBe('webgpu');
      expect(k.device).toMatch(/^GPU SwiftShader.*\(software\)$/);
    }
    expect(report.text.split('\n')[0]).toBe(
      'betterdl device placement: 2x3 · 3x2 matMul on webgpu, result correct',
    );
    // a synchronous read of a GPU tensor cannot work in Node: a clear error instead of "OffscreenCanvas"
    // (64x64: small tensors are computed on the CPU by tfjs-backend-webgpu and read synchronously)
    const t = tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])));
    const err = (() => {
      try {
        t.dataSync();
      } catch (e) {
        return e;
      }
    })();
    expect(isBetterDLError(err), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/use await tensor\.data\(\)/);
    expect((await t.data()).every((v) => v === 64)).toBe(true);
    tf.dispose(t);
  });

  it('every layer kind and optimizer trains with cpu losses (1e-3), no leaks, no per-batch reads', async (ctx) => {
    if (!needAdapter(ctx)) return;
    await initRuntime({ backend: 'webgpu', verbose: false });
    const results = await runParity('webgpu');
    expect(results.map((r) => r.name)).toEqual(PARITY_CASES);
    for (const r of results) {
      expect(r.ranOn, r.name).toEqual(['cpu', 'webgpu']);
      expect(r.gpu.length, r.name).toBe(r.cpu.length);
      expect(r.relErr, `${r.name}: ${r.gpu} vs ${r.cpu}`).toBeLessThan(1e-3);
      expect(r.gpu.at(-1), r.name).toBeLessThan(r.gpu[0] as number);
      // the GPU backend leaks nothing cpu does not (tfjs-core's momentum optimizer keeps one scalar on both)
      expect(r.leakedTensors[1], r.name).toBe(r.leakedTensors[0]);
      expect(r.leakedBuffers[1], r.name).toBe(r.leakedBuffers[0]);
      expect(r.leakedTensors[1], r.name).toBe(r.name.includes('(momentum)') ? 1 : 0);
      // one read per epoch at most (the epoch's logs), never one per batch
      expect(r.reads, r.name).toBeLessThanOrEqual(r.epochs);
    }
  });
});
