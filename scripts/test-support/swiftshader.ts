/**
 * SwiftShader, the software Vulkan driver that Debian's `chromium` package ships, lets Dawn (the npm package
 * `webgpu`) run every WebGPU code path in Node on a machine without a GPU: the GPU tests and `pnpm bench gpu`
 * use it. Test and benchmark support only; nothing here is part of a package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REQUIRE_ALL, SKIP_MARK } from './requirements';

/** Where SwiftShader's Vulkan ICD manifest is: `$VK_ICD_FILENAMES`, else the one `chromium-common` installed. */
export function findSwiftShaderIcd(): string | null {
  const set = process.env.VK_ICD_FILENAMES;
  if (set && /swiftshader/i.test(set) && existsSync(set)) return set;
  try {
    const files = execFileSync('dpkg', ['-L', 'chromium-common'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const icd = files.split('\n').find((f) => f.endsWith('vk_swiftshader_icd.json'));
    if (icd && existsSync(icd)) return icd;
  } catch {
    // no dpkg or no chromium-common: try the usual places
  }
  return (
    ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'].find((p) =>
      existsSync(p),
    ) ?? null
  );
}

const RTLD_NOW = 2;
const RTLD_GLOBAL = 0x100;
const RTLD_NODELETE = 0x1000;

function systemVulkanLoader(): boolean {
  const read = (p: string) => {
    try {
      return readFileSync(p).toString('latin1');
    } catch {
      return '';
    }
  };
  return (
    read('/proc/self/maps').includes('libvulkan.so') || read('/etc/ld.so.cache').includes('libvulkan.so.1')
  );
}

/**
 * Points the Vulkan loader at SwiftShader for this process (before Dawn is loaded). When the system has no
 * Vulkan loader (`libvulkan1` is not installed), loads the copy Chromium ships beside SwiftShader, so that
 * Dawn's own `dlopen("libvulkan.so.1")` finds it. Returns why not, when SwiftShader is not installed.
 */
export function useSwiftShaderVulkan(): { ok: true; icd: string } | { ok: false; reason: string } {
  if (process.platform !== 'linux')
    return { ok: false, reason: 'SwiftShader Vulkan is set up on Linux only' };
  const icd = findSwiftShaderIcd();
  if (!icd) {
    return {
      ok: false,
      reason:
        "SwiftShader's Vulkan driver was not found (it comes with Debian's chromium: apt-get install chromium)",
    };
  }
  process.env.VK_ICD_FILENAMES = icd;
  const loader = join(dirname(icd), 'libvulkan.so.1');
  if (!systemVulkanLoader() && existsSync(loader)) {
    try {
      process.dlopen({ exports: {} }, loader, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
    } catch {
      // not a Node addon: expected; RTLD_NODELETE keeps the library loaded all the same
    }
  }
  if (!systemVulkanLoader()) {
    return {
      ok: false,
      reason: 'no Vulkan loader (apt-get install libvulkan1, or chromium which ships one)',
    };
  }
  return { ok: true, icd };
}

/**
 * A GPU test that cannot run: with `BETTERDL_REQUIRE_ALL=1` (set by .ci/run) or in CI (env `CI`) that is a
 * failure, never a silent skip; on a developer machine the test is skipped with one line saying what to
 * install (starting like every `needs(...)` note, so the skip reporter lists it).
 */
export function gpuUnavailable(what: string, reason: string, skip: (note: string) => void): void {
  const note = `${SKIP_MARK}${what}: ${reason}`;
  if (process.env[REQUIRE_ALL] === '1' || process.env.CI) {
    throw new Error(`${note} (${REQUIRE_ALL}=1 or CI makes a missing GPU test requirement a failure)`);
  }
  skip(note);
}
