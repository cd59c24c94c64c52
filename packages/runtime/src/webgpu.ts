import { type DeviceInfo, describeWebGpuAdapter, type WebGpuAdapterLike } from './device';
import { BetterDLError } from './errors';
import { describeImportFailure, importOptional, isNode } from './platform';

/** The part of `navigator.gpu` betterdl uses. */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<unknown>;
}

/** The result of looking for a WebGPU adapter: the device found, or why there is none (and what helps). */
export type WebGpuProbe = { ok: true; device: DeviceInfo } | { ok: false; reason: string; fix?: string };

const DAWN = Symbol.for('betterdl.dawn');
type DawnModule = { create(flags: string[]): GpuLike; globals: Record<string, unknown> };

/** Dawn's native API on each platform (the only one it enables there by default). */
function nodeApi(): string | undefined {
  const p = (globalThis as { process?: { platform?: string } }).process?.platform;
  return p === 'linux' ? 'Vulkan' : p === 'darwin' ? 'Metal' : undefined;
}

/**
 * `navigator.gpu` in a browser. In Node, loads Dawn (the npm package `webgpu`) once per process and
 * installs it where `@tensorflow/tfjs-backend-webgpu` looks for it: `navigator.gpu` and the `GPU*`
 * constant globals (only those not already defined). Returns the reason when there is no WebGPU.
 */
export async function getWebGpu(): Promise<{ gpu: GpuLike; api?: string } | { reason: string }> {
  const g = globalThis as { navigator?: { gpu?: GpuLike }; [DAWN]?: GpuLike };
  if (!isNode()) {
    return g.navigator?.gpu
      ? { gpu: g.navigator.gpu }
      : { reason: 'this browser has no WebGPU (navigator.gpu is missing; it needs a secure context)' };
  }
  if (!g[DAWN]) {
    let dawn: DawnModule;
    try {
      dawn = await importOptional<DawnModule>('webgpu');
    } catch (err) {
      const d = describeImportFailure(err, 'webgpu').detail;
      return { reason: `${d === 'not installed' ? 'webgpu (Dawn for Node) not installed' : `webgpu ${d}`}` };
    }
    for (const [k, v] of Object.entries(dawn.globals)) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
    g[DAWN] = dawn.create([]);
  }
  const gpu = g[DAWN] as GpuLike;
  if (!g.navigator) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (g.navigator.gpu !== gpu) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
  return { gpu, ...(nodeApi() ? { api: nodeApi() } : {}) };
}

/**
 * Asks `gpu` for the adapter tfjs will use (`powerPreference: 'high-performance'`, as
 * `@tensorflow/tfjs-backend-webgpu` asks) and describes it, software or not.
 */
export async function probeWebGpu(gpu: GpuLike, api?: string): Promise<WebGpuProbe> {
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, reason: `no WebGPU adapter (${(err as Error).message})` };
  }
  if (!adapter) {
    return {
      ok: false,
      reason: `no WebGPU adapter${isNode() ? ' (no GPU driver Dawn can use: Vulkan on Linux, Metal on macOS, D3D12 on Windows)' : ''}`,
    };
  }
  return { ok: true, device: describeWebGpuAdapter(adapter as WebGpuAdapterLike, api) };
}

const GUARDED = Symbol.for('betterdl.webgpu-readsync-guard');

/**
 * In Node, tfjs's WebGPU backend reads a GPU tensor synchronously through an `OffscreenCanvas`, which Node
 * lacks: `dataSync()` fails with "OffscreenCanvas is not defined". This turns that failure into an error
 * that says what to do instead. Tensors whose values are still on the CPU read synchronously as before.
 */
export function guardNodeReadSync(backend: object): void {
  const b = backend as { readSync(id: object): unknown; [GUARDED]?: boolean };
  if (b[GUARDED]) return;
  const readSync = b.readSync;
  b.readSync = function (this: unknown, id: object) {
    try {
      return readSync.call(this, id);
    } catch (err) {
      if (!/OffscreenCanvas/.test(String((err as Error)?.message))) throw err;
      throw new BetterDLError(
        'UNSUPPORTED',
        'dataSync()/arraySync() cannot read a tensor from WebGPU in Node (Dawn has no synchronous read): ' +
          'use await tensor.data() or await tensor.array().',
        { cause: err },
      );
    }
  };
  b[GUARDED] = true;
}
