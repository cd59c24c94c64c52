import { env, importOptional, isNode } from './platform';

/** Whether a CUDA GPU looks usable by `@tensorflow/tfjs-node-gpu`. */
export interface CudaProbe {
  /** True when an NVIDIA device node and driver are present and not hidden. */
  usable: boolean;
  /** Why not, when not usable; what was found otherwise. */
  reason: string;
}

/**
 * Looks for a usable NVIDIA GPU without loading any CUDA library: `CUDA_VISIBLE_DEVICES` must not hide
 * every device, the driver must be loaded (`/proc/driver/nvidia/gpus/*`) and a device node must exist.
 * Untested on real GPUs in this project's CI (it has none); the checks only read the file system.
 */
export async function detectCudaDevice(): Promise<CudaProbe> {
  if (!isNode()) return { usable: false, reason: 'no CUDA in a browser' };
  const visible = env('CUDA_VISIBLE_DEVICES');
  if (visible !== undefined && (visible.trim() === '' || visible.trim() === '-1')) {
    return { usable: false, reason: `no CUDA device (CUDA_VISIBLE_DEVICES=${JSON.stringify(visible)})` };
  }
  const fs = await importOptional<{ existsSync(p: string): boolean; readdirSync(p: string): string[] }>(
    'node:fs',
  );
  let gpus: string[] = [];
  try {
    gpus = fs.readdirSync('/proc/driver/nvidia/gpus');
  } catch {
    // no NVIDIA driver loaded
  }
  if (gpus.length === 0 || !fs.existsSync('/dev/nvidia0')) {
    return { usable: false, reason: 'no CUDA device (no NVIDIA driver or /dev/nvidia0)' };
  }
  return { usable: true, reason: `${gpus.length} NVIDIA GPU(s)` };
}
