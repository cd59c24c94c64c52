import type { CudaGpu } from './cuda';

/** The device a backend computes on, as far as the platform tells. */
export interface DeviceInfo {
  /** `'gpu'` for WebGPU, WebGL and tfjs-node-gpu; `'cpu'` for wasm, cpu and tfjs-node. */
  kind: 'gpu' | 'cpu';
  /** The GPU vendor (`'nvidia'`, `'apple'`, `'google'` for SwiftShader …), when known. */
  vendor?: string;
  /** WebGPU: the adapter's architecture (`'ampere'`, `'swiftshader'` …), when known. */
  architecture?: string;
  /** WebGL: the unmasked renderer string (`'ANGLE (NVIDIA, … Vulkan …)'`), when known. */
  renderer?: string;
  /** A human-readable name of the device (the summary line adds "(software)" when `software`). */
  description: string;
  /** True for a software rasteriser posing as a GPU (SwiftShader, llvmpipe, lavapipe, WARP, a fallback adapter). */
  software: boolean;
  /** tfjs-node-gpu: the NVIDIA GPUs CUDA may use (after `CUDA_VISIBLE_DEVICES`). */
  cudaGpus?: CudaGpu[];
}

/** Names of software rasterisers: slower than wasm for training, so `'auto'` never picks them. */
const SOFTWARE =
  /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b|mesa offscreen|software (adapter|rasterizer)/i;

/** True when a vendor/renderer/adapter string names a software rasteriser. */
export function isSoftwareRenderer(...names: (string | undefined)[]): boolean {
  return names.some((n) => n !== undefined && SOFTWARE.test(n));
}

/** The WebGPU adapter fields betterdl reads (`GPUAdapterInfo` plus the older `isFallbackAdapter`). */
export interface WebGpuAdapterLike {
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  isFallbackAdapter?: boolean;
}

/** Describes a WebGPU adapter; `backendName` is the native API Dawn uses in Node (`'Vulkan'`, `'Metal'` …). */
export function describeWebGpuAdapter(adapter: WebGpuAdapterLike, backendName?: string): DeviceInfo {
  const info = adapter.info ?? {};
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const software =
    fallback || isSoftwareRenderer(info.vendor, info.architecture, info.device, info.description);
  const name =
    info.description?.trim() ||
    [info.vendor, info.architecture, info.device].filter((s) => s?.trim()).join(' ') ||
    'unknown adapter';
  const api = backendName ? ` (${backendName})` : '';
  return {
    kind: 'gpu',
    ...(info.vendor ? { vendor: info.vendor } : {}),
    ...(info.architecture ? { architecture: info.architecture } : {}),
    description: `${name}${api}`,
    software,
  };
}

/** Describes a WebGL context from its unmasked vendor and renderer strings. */
export function describeWebGlRenderer(vendor: string | undefined, renderer: string | undefined): DeviceInfo {
  const software = isSoftwareRenderer(vendor, renderer);
  const r = renderer?.trim() || 'unknown renderer';
  // Chromium wraps the driver in "ANGLE (vendor, renderer, API)"; the short name is what users recognise.
  const short = software && /swiftshader/i.test(r) ? 'SwiftShader' : r;
  return {
    kind: 'gpu',
    ...(vendor ? { vendor } : {}),
    renderer: r,
    description: short,
    software,
  };
}

/** Describes the CUDA GPUs tfjs-node-gpu computes on. */
export function describeCudaGpus(gpus: CudaGpu[]): DeviceInfo {
  const names = gpus.map((g) => g.name).join(', ') || 'NVIDIA GPU';
  return { kind: 'gpu', vendor: 'nvidia', description: `${names} (CUDA)`, software: false, cudaGpus: gpus };
}

/** The CPU device of the wasm, cpu and tfjs-node backends. */
export function cpuDevice(model?: string): DeviceInfo {
  return { kind: 'cpu', description: model ? `CPU (${model.trim()})` : 'CPU', software: false };
}
