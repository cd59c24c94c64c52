import * as tf from '@tensorflow/tfjs-core';
import type { DeviceInfo } from './device';

const LAST = Symbol.for('betterdl.runtime-device');

/** Remembers the device {@link initRuntime} chose for `backend` (shared by every copy of this package). */
export function rememberDevice(backend: string, device: DeviceInfo): void {
  const g = globalThis as { [LAST]?: Record<string, DeviceInfo> };
  g[LAST] = { ...(g[LAST] ?? {}), [backend]: device };
}

/** The device `initRuntime` found for `backend`, if it started that backend. */
export function deviceOf(backend: string): DeviceInfo | undefined {
  return (globalThis as { [LAST]?: Record<string, DeviceInfo> })[LAST]?.[backend];
}

/** One kernel of the placement check and where it ran. */
export interface KernelPlacement {
  /** The tfjs kernel name (`'BatchMatMul'`). */
  kernel: string;
  /** The backend that ran it. */
  backend: string;
  /** The device that backend computes on (`'GPU SwiftShader driver 5.0.0 (Vulkan) (software)'`). */
  device: string;
}

/** What {@link deviceReport} found. */
export interface DeviceReport {
  /** The active tfjs backend. */
  backend: string;
  /** Its device as `initRuntime` found it; `undefined` when the backend was set without `initRuntime`. */
  device?: DeviceInfo;
  /** Every kernel the check ran, with its backend and device. */
  kernels: KernelPlacement[];
  /** True when the product came out right (`[[58, 64], [139, 154]]`). */
  correct: boolean;
  /** The printed report. */
  text: string;
}

/** Options of {@link deviceReport}. */
export interface DeviceReportArgs {
  /** Print the report with `console.info`. Defaults to `true`. */
  print?: boolean;
}

function deviceName(backend: string, d: DeviceInfo | undefined): string {
  if (!d) return `${backend} (device unknown: start it with initRuntime)`;
  return `${d.kind.toUpperCase()} ${d.description}${d.software ? ' (software)' : ''}`;
}

/**
 * The device-placement check of Keras/TensorFlow (`tf.debugging.set_log_device_placement`) for tfjs: runs a
 * small matMul on the active backend under `tf.profile` and reports every kernel that ran, the backend that
 * ran it and that backend's device (from {@link initRuntime}), and whether the result is right.
 *
 * @example
 * await initRuntime({ backend: 'webgpu' });
 * await deviceReport();
 * // betterdl device placement: 2x3 · 3x2 matMul on webgpu, result correct
 * //   BatchMatMul  webgpu  GPU NVIDIA GeForce RTX 4090 (Vulkan)
 */
export async function deviceReport(args: DeviceReportArgs = {}): Promise<DeviceReport> {
  await tf.ready();
  const backend = tf.getBackend();
  const device = deviceOf(backend);
  const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = tf.tensor2d([7, 8, 9, 10, 11, 12], [3, 2]);
  let values: number[] = [];
  const profile = await tf.profile(async () => {
    const c = tf.matMul(a, b);
    values = Array.from(await c.data());
    return c;
  });
  tf.dispose([a, b, profile.result as tf.Tensor]);
  const correct = [58, 64, 139, 154].every((v, i) => values[i] === v);
  const where = deviceName(backend, device);
  const kernels = profile.kernels.map((k) => ({ kernel: k.name, backend, device: where }));
  const width = Math.max(...kernels.map((k) => k.kernel.length), 6);
  const text = [
    `betterdl device placement: 2x3 · 3x2 matMul on ${backend}, result ${correct ? 'correct' : `WRONG (${values.join(', ')})`}`,
    ...kernels.map((k) => `  ${k.kernel.padEnd(width)}  ${k.backend}  ${k.device}`),
  ].join('\n');
  if (args.print ?? true) console.info(text);
  return { backend, ...(device ? { device } : {}), kernels, correct, text };
}
