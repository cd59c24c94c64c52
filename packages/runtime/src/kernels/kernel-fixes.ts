import * as tf from '@tensorflow/tfjs-core';
import { globalState } from '../global-state';
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  depthwiseBackpropFilter,
  depthwiseBackpropInput,
} from './conv-backprop';
import { gatherV2 } from './gather';
import { batchMatMul, fusedMatMul } from './mat-mul';
import { maxPoolGrad } from './max-pool-grad';
import { unsortedSegmentSum } from './unsorted-segment-sum';
import { rememberOriginal } from './wasm-ops';

/** One replaced or added wasm kernel. */
export interface KernelFix {
  /** The tfjs kernel name, e.g. `'BatchMatMul'`. */
  kernel: string;
  /** `'replaced'` a slow stock kernel, or `'added'` one that stock wasm lacks. */
  kind: 'replaced' | 'added';
  /** What the fix does, in a few words. */
  why: string;
}

interface FixDef extends KernelFix {
  kernelFunc: tf.KernelFunc;
}

const FIXES: FixDef[] = [
  {
    kernel: 'BatchMatMul',
    kind: 'replaced',
    why: 'transposed and batched products through XNNPACK',
    kernelFunc: batchMatMul,
  },
  {
    kernel: '_FusedMatMul',
    kind: 'replaced',
    why: 'transposed products through XNNPACK',
    kernelFunc: fusedMatMul,
  },
  {
    kernel: 'Conv2DBackpropFilter',
    kind: 'added',
    why: 'im2col + one XNNPACK product',
    kernelFunc: conv2dBackpropFilter,
  },
  {
    kernel: 'Conv2DBackpropInput',
    kind: 'replaced',
    why: 'XNNPACK Conv2D of the spread gradient',
    kernelFunc: conv2dBackpropInput,
  },
  {
    kernel: 'DepthwiseConv2dNativeBackpropFilter',
    kind: 'added',
    why: 'im2col + Multiply + Sum',
    kernelFunc: depthwiseBackpropFilter,
  },
  {
    kernel: 'DepthwiseConv2dNativeBackpropInput',
    kind: 'added',
    why: 'XNNPACK depthwise conv of the spread gradient',
    kernelFunc: depthwiseBackpropInput,
  },
  {
    kernel: 'MaxPoolGrad',
    kind: 'replaced',
    why: 'one pass on the heap, first maximum like cpu',
    kernelFunc: maxPoolGrad,
  },
  {
    kernel: 'GatherV2',
    kind: 'replaced',
    why: 'whole-slice copies (batch selection in fit)',
    kernelFunc: gatherV2,
  },
  { kernel: 'UnsortedSegmentSum', kind: 'added', why: 'one ScatterNd', kernelFunc: unsortedSegmentSum },
];

/** Stock configs (or `null` when stock wasm had none) of the kernels currently replaced. */
const installed = () =>
  globalState('runtime.wasm-kernel-fixes', () => new Map<string, tf.KernelConfig | null>());

/** The kernel fixes that {@link applyWasmKernelFixes} installs, with what each does. */
export function listWasmKernelFixes(): KernelFix[] {
  return FIXES.map(({ kernel, kind, why }) => ({ kernel, kind, why }));
}

/**
 * Registers betterdl's fast or missing kernels for tfjs's `wasm` backend (see {@link listWasmKernelFixes}).
 * Idempotent. `initRuntime` calls it when it selects wasm unless `kernelFixes: false`. Returns the names
 * of the kernels now fixed.
 */
export function applyWasmKernelFixes(): string[] {
  for (const fix of FIXES) {
    if (installed().has(fix.kernel)) continue;
    const stock = rememberOriginal(fix.kernel) ?? null;
    if (stock) tf.unregisterKernel(fix.kernel, 'wasm');
    const config: tf.KernelConfig = {
      kernelName: fix.kernel,
      backendName: 'wasm',
      kernelFunc: fix.kernelFunc,
      // A re-initialised wasm backend must still set up the stock kernel that the fix calls.
      ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    };
    tf.registerKernel(config);
    installed().set(fix.kernel, stock);
  }
  return [...installed().keys()];
}

/** Puts the stock wasm kernels back (and removes the added ones). Idempotent. */
export function removeWasmKernelFixes(): void {
  for (const [kernel, stock] of installed()) {
    tf.unregisterKernel(kernel, 'wasm');
    if (stock) tf.registerKernel(stock);
  }
  installed().clear();
}

/** The kernels currently fixed by {@link applyWasmKernelFixes}. */
export function appliedWasmKernelFixes(): string[] {
  return [...installed().keys()];
}
