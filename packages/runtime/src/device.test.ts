import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeWebGlRenderer, describeWebGpuAdapter, isSoftwareRenderer } from './device';
import { probeWebGl, type WebGlContextLike } from './webgl';
import { fixWebGlFloatPrecision } from './webgl-precision';
import { probeWebGpu } from './webgpu';

describe('software GPUs are recognised', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', true],
    ['Mesa Intel(R) UHD Graphics 620 (KBL GT2)', false],
    ['lavapipe', true],
    ['Microsoft Basic Render Driver', true],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)', false],
    ['Apple M2', false],
  ])('%s → software %s', (name, software) => {
    expect(isSoftwareRenderer(name)).toBe(software);
  });

  it('describes a WebGPU adapter; a fallback adapter is software whatever its name', () => {
    const hw = describeWebGpuAdapter(
      { info: { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' } },
      'Vulkan',
    );
    expect(hw).toEqual({
      kind: 'gpu',
      vendor: 'nvidia',
      architecture: 'ampere',
      description: 'NVIDIA GeForce RTX 3080 (Vulkan)',
      software: false,
    });
    expect(
      describeWebGpuAdapter({ info: { vendor: 'x', description: 'Some GPU' }, isFallbackAdapter: true })
        .software,
    ).toBe(true);
    expect(describeWebGpuAdapter({ info: { vendor: 'intel', architecture: 'gen-12lp' } }).description).toBe(
      'intel gen-12lp',
    );
  });

  it('shortens SwiftShader in WebGL and keeps the full renderer string', () => {
    const r = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
    expect(describeWebGlRenderer('Google Inc. (Google)', r)).toEqual({
      kind: 'gpu',
      vendor: 'Google Inc. (Google)',
      renderer: r,
      description: 'SwiftShader',
      software: true,
    });
  });
});

describe('probes on injected devices', () => {
  const gl = (renderer: string, float: boolean): WebGlContextLike => ({
    VENDOR: 1,
    RENDERER: 2,
    getExtension: (n) =>
      n === 'WEBGL_debug_renderer_info'
        ? { UNMASKED_VENDOR_WEBGL: 3, UNMASKED_RENDERER_WEBGL: 4 }
        : n === 'EXT_color_buffer_float'
          ? float || null
          : null,
    getParameter: (p) => (p === 4 ? renderer : p === 3 ? 'Vendor' : 'masked'),
  });

  it('WebGL2: renderer from WEBGL_debug_renderer_info; no float render targets is a reason', () => {
    expect(probeWebGl(gl('Apple M2', true))).toEqual({
      ok: true,
      device: {
        kind: 'gpu',
        vendor: 'Vendor',
        renderer: 'Apple M2',
        description: 'Apple M2',
        software: false,
      },
    });
    expect(probeWebGl(gl('Mali-G52', false))).toEqual({
      ok: false,
      reason: 'WebGL2 on Mali-G52 cannot render to float textures',
    });
    expect(probeWebGl(null)).toEqual({
      ok: false,
      reason: 'no WebGL2 (this page cannot create a webgl2 context)',
    });
  });

  it('WebGPU: asks for the high-performance adapter; none is a reason', async () => {
    const asked: unknown[] = [];
    const gpu = (adapter: unknown) => ({
      requestAdapter: async (o?: unknown) => {
        asked.push(o);
        return adapter;
      },
    });
    const p = await probeWebGpu(
      gpu({ info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } }),
    );
    expect(p).toMatchObject({ ok: true, device: { software: true, vendor: 'google' } });
    expect(asked).toEqual([{ powerPreference: 'high-performance' }]);
    expect(await probeWebGpu(gpu(null))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^no WebGPU adapter/),
    });
  });
});

describe('fixWebGlFloatPrecision', () => {
  it('makes a float32-rendering WebGL backend report epsilon 1e-7, and leaves float16 alone', () => {
    if (!('WEBGL_RENDER_FLOAT32_ENABLED' in tf.env().getFlags())) {
      tf.env().registerFlag('WEBGL_RENDER_FLOAT32_ENABLED', () => true);
    }
    const make = () => ({ floatPrecision: (): 16 | 32 => 16, epsilon: () => 1e-4 });
    tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', true);
    const b = make();
    fixWebGlFloatPrecision(b);
    expect([b.floatPrecision(), b.epsilon()]).toEqual([32, 1e-7]);
    tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', false);
    const c = make();
    fixWebGlFloatPrecision(c);
    expect([c.floatPrecision(), c.epsilon()]).toEqual([16, 1e-4]);
  });
});
