import { type CudaProbe, detectCudaDevice } from './cuda';
import { cpuDevice, type DeviceInfo } from './device';
import { describeImportFailure, env, importOptional, isNode } from './platform';
import { probeWebGl, type WebGlProbe } from './webgl';
import { getWebGpu, probeWebGpu, type WebGpuProbe } from './webgpu';

/**
 * Linux: whether the Vulkan loader Dawn opens (`libvulkan.so.1`) can be found — already loaded, in the
 * dynamic linker's cache or on `LD_LIBRARY_PATH`. Without it Dawn finds no adapter (and says so on stderr).
 */
export async function hasVulkanLoader(): Promise<boolean> {
  const fs = await importOptional<{ readFileSync(p: string): Buffer; existsSync(p: string): boolean }>(
    'node:fs',
  );
  const read = (p: string) => {
    try {
      return fs.readFileSync(p).toString('latin1');
    } catch {
      return '';
    }
  };
  if (read('/proc/self/maps').includes('libvulkan.so')) return true;
  if (read('/etc/ld.so.cache').includes('libvulkan.so.1')) return true;
  const dirs = (env('LD_LIBRARY_PATH') ?? '').split(':').filter(Boolean);
  return dirs.some((d) => fs.existsSync(`${d}/libvulkan.so.1`));
}

/** What makes Dawn work when there is no Vulkan loader: installing `npm i webgpu` again would not. */
export const VULKAN_LOADER_FIX =
  'install the Vulkan loader and a Vulkan driver for your GPU (Debian/Ubuntu: apt-get install libvulkan1; ' +
  "NVIDIA's driver ships its Vulkan driver, mesa-vulkan-drivers has AMD's and Intel's); on a machine without " +
  "a GPU, install libvulkan1 and set VK_ICD_FILENAMES to SwiftShader's vk_swiftshader_icd.json (Chromium " +
  'ships it) to run WebGPU on the CPU, slower than wasm';

/** WebGPU: `navigator.gpu`, or Dawn in Node, and its high-performance adapter. */
async function webgpu(): Promise<WebGpuProbe> {
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform;
  if (isNode()) {
    try {
      await importOptional('webgpu');
    } catch (err) {
      const d = describeImportFailure(err, 'webgpu').detail;
      return {
        ok: false,
        reason: d === 'not installed' ? 'webgpu (Dawn for Node) not installed' : `webgpu ${d}`,
      };
    }
  }
  if (isNode() && platform === 'linux' && !(await probes.vulkanLoader())) {
    return {
      ok: false,
      reason: 'no Vulkan loader for Dawn (libvulkan.so.1; on Debian/Ubuntu: apt-get install libvulkan1)',
      fix: VULKAN_LOADER_FIX,
    };
  }
  const got = await getWebGpu();
  if ('reason' in got) return { ok: false, reason: got.reason };
  return probeWebGpu(got.gpu, got.api);
}

/** WebGL2 in a browser (there is none in Node). */
async function webgl(): Promise<WebGlProbe> {
  if (isNode()) return { ok: false, reason: 'no WebGL in Node (WebGL needs a browser; use webgpu in Node)' };
  return probeWebGl();
}

/** The CPU, with its model name in Node. */
async function cpu(): Promise<DeviceInfo> {
  if (!isNode()) return cpuDevice();
  try {
    const os = await importOptional<{ cpus(): { model: string }[] }>('node:os');
    return cpuDevice(os.cpus()[0]?.model);
  } catch {
    return cpuDevice();
  }
}

/**
 * The hardware probes {@link initRuntime} runs, in one place so that tests replace them (with
 * `vi.spyOn(probes, 'cuda')` …) instead of depending on the machine's devices. Internal.
 */
export const probes: {
  cuda: () => Promise<CudaProbe>;
  webgpu: () => Promise<WebGpuProbe>;
  webgl: () => Promise<WebGlProbe>;
  cpu: () => Promise<DeviceInfo>;
  vulkanLoader: () => Promise<boolean>;
} = {
  cuda: () => detectCudaDevice(),
  webgpu,
  webgl,
  cpu,
  vulkanLoader: hasVulkanLoader,
};
