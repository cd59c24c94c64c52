import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, type TestContext } from 'vitest';
import { OPTIMIZER_CASES, seededFit } from '../packages/runtime/src/fast-paths/fixtures/optimizer-cases';
import {
  applyOptimizerFastPaths,
  removeOptimizerFastPaths,
} from '../packages/runtime/src/fast-paths/optimizer-fast-paths';
import { FUSED_KERNELS } from '../packages/runtime/src/fast-paths/optimizer-kernels';
import { gpuUnavailable, useSwiftShaderVulkan } from './test-support/swiftshader';

/**
 * The fused optimizer shaders on WebGPU in Node (Dawn on SwiftShader's Vulkan driver, which Debian's
 * `chromium` ships): every optimizer and option against stock tfjs on the same backend.
 */
const vulkan = useSwiftShaderVulkan();

function needAdapter(ctx: TestContext): boolean {
  if (vulkan.ok) return true;
  gpuUnavailable('SwiftShader Vulkan for WebGPU in Node', vulkan.reason, (note) => ctx.skip(note));
  return false;
}

/** max |got − want| / max |want| over finite values; NaN where stock has NaN (centered RMSProp's sqrt of a
 * negative) must be NaN in `got` too, else the error is Infinity. */
function relErr(got: number[][], want: number[][]): number {
  let diff = 0;
  let scale = 0;
  for (const [i, w] of want.entries()) {
    for (const [j, v] of w.entries()) {
      const g = got[i]?.[j] as number;
      if (Number.isNaN(v) || Number.isNaN(g)) {
        if (Number.isNaN(v) !== Number.isNaN(g)) diff = Number.POSITIVE_INFINITY;
        continue;
      }
      diff = Math.max(diff, Math.abs(g - v));
      scale = Math.max(scale, Math.abs(v));
    }
  }
  return diff / (scale || 1);
}

describe('fused optimizer updates on webgpu (Dawn on SwiftShader Vulkan)', () => {
  // the tf.train cases (every optimizer and option); the compile strings are the same kernels, tested on cpu/wasm
  for (const [name, make] of OPTIMIZER_CASES.filter(([n]) => !n.startsWith("'")))
    it(`${name}: the losses, weights and state of stock tfjs on webgpu`, async (ctx) => {
      if (!needAdapter(ctx)) return;
      const info = await initRuntime({ backend: 'webgpu', verbose: false });
      expect(info.optimizerFastPaths?.length).toBe(7);
      removeOptimizerFastPaths();
      const stock = await seededFit(make);
      applyOptimizerFastPaths();
      const ran: string[] = [];
      const profile = await tf.profile(() => seededFit(make, 1).then(() => []));
      for (const k of profile.kernels) ran.push(k.name);
      const fused = await seededFit(make);
      expect(ran.some((k) => Object.values(FUSED_KERNELS).includes(k))).toBe(true);
      expect(relErr([fused.loss], [stock.loss])).toBeLessThan(1e-5);
      expect(relErr(fused.weights, stock.weights)).toBeLessThan(1e-5);
      expect(fused.slotNames).toEqual(stock.slotNames);
      expect(relErr(fused.slots, stock.slots)).toBeLessThan(1e-5);
      expect(fused.iterations).toBe(stock.iterations);
      for (const [k, v] of Object.entries(stock.scalars)) expect(fused.scalars[k], k).toBeCloseTo(v, 6);
      expect(fused.grown).toBe(stock.grown);
      expect(fused.leaked).toBe(0);
    });
});
