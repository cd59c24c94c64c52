import type { KernelFunc, NamedTensorMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { globalState } from '../global-state';
import { checkL1L2Regularizer, kernelOutput } from '../tfjs-internals';
import { FUSED_BACKENDS } from './binary-crossentropy';

/** The fused kernel: `l1 · Σ|x| + l2 · Σx²`, tfjs-layers' L1L2 regularization penalty, as one call. */
export const L1L2_KERNEL = 'BetterdlL1L2';
/** Its gradient: `dy · (l1 · step(x, -1) + 2 · l2 · x)`, with tfjs's |x|' = -1 at 0. */
export const L1L2_GRAD_KERNEL = 'BetterdlL1L2Grad';

type Attrs = { l1: number; l2: number };
const read = (backend: unknown, t: TensorInfo) =>
  (backend as { readSync(id: unknown): ArrayLike<number> }).readSync(t.dataId);

/**
 * The penalty `l1 · Σ|x| + l2 · Σx²` of `x`: each term summed in float64 from the float32 products the stock
 * ops form, then rounded once. The fused kernel and the small-model trainer both take it from here.
 */
export function l1l2Penalty(x: ArrayLike<number>, l1: number, l2: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (l1 !== 0) s1 += Math.fround(l1 * Math.abs(v));
    if (l2 !== 0) s2 += Math.fround(l2 * Math.fround(v * v));
  }
  return Math.fround(s1) + Math.fround(s2);
}

/** `dy · ∂penalty/∂v` for one element `v`, with tfjs's |v|' = −1 at 0. */
export function l1l2Grad(v: number, l1: number, l2: number, dy: number): number {
  return (l1 !== 0 ? dy * l1 * (v > 0 ? 1 : -1) : 0) + (l2 !== 0 ? 2 * dy * l2 * v : 0);
}

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = read(backend, inputs.x as TensorInfo);
  const { l1, l2 } = attrs as unknown as Attrs;
  return kernelOutput(backend, [], Float32Array.of(l1l2Penalty(x, l1, l2)));
};

const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = read(backend, inputs.x as TensorInfo);
  const dy = read(backend, inputs.dy as TensorInfo)[0] as number;
  const { l1, l2 } = attrs as unknown as Attrs;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = l1l2Grad(x[i] as number, l1, l2, dy);
  return kernelOutput(backend, (inputs.x as TensorInfo).shape, out);
};

interface L1L2Like {
  l1: number;
  l2: number;
  apply(x: Tensor): Tensor;
}

const state = () =>
  globalState('runtime.l1l2-fast-path', () => ({
    patched: null as { proto: L1L2Like; original: L1L2Like['apply'] } | null,
  }));

function registerKernels(): void {
  for (const backendName of FUSED_BACKENDS) {
    const configs: tf.KernelConfig[] = [
      { kernelName: L1L2_KERNEL, backendName, kernelFunc: forward },
      { kernelName: L1L2_GRAD_KERNEL, backendName, kernelFunc: backward },
    ];
    for (const config of configs)
      if (!tf.getKernel(config.kernelName, backendName)) tf.registerKernel(config);
  }
  if (!tf.getGradient(L1L2_KERNEL))
    tf.registerGradient({
      kernelName: L1L2_KERNEL,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => ({
        x: () =>
          tf
            .engine()
            .runKernel(
              L1L2_GRAD_KERNEL,
              { x: (saved as Tensor[])[0], dy } as unknown as NamedTensorMap,
              attrs as unknown as tf.NamedAttrMap,
            ) as Tensor,
      }),
    });
}

/**
 * Installs the fused penalty as tfjs-layers' `L1L2.prototype.apply` (the class behind `regularizers.l1`,
 * `l2` and `l1l2`): on cpu and wasm one kernel forward and one backward instead of about fifteen.
 */
export function applyRegularizerFastPath(layers: typeof tfl): void {
  const s = state();
  if (s.patched) return;
  const proto = checkL1L2Regularizer(layers.regularizers.l1l2(), layers.version_layers) as L1L2Like;
  registerKernels();
  const original = proto.apply;
  proto.apply = function apply(this: L1L2Like, x: Tensor): Tensor {
    if (x.dtype !== 'float32' || !tf.getKernel(L1L2_KERNEL, tf.getBackend())) return original.call(this, x);
    const attrs = { l1: Math.fround(this.l1), l2: Math.fround(this.l2) };
    return tf
      .engine()
      .runKernel(
        L1L2_KERNEL,
        { x } as unknown as NamedTensorMap,
        attrs as unknown as tf.NamedAttrMap,
      ) as Tensor;
  };
  s.patched = { proto, original };
}

/** Restores tfjs-layers' own `L1L2.prototype.apply` and unregisters the kernels. */
export function removeRegularizerFastPath(): void {
  const s = state();
  if (s.patched) s.patched.proto.apply = s.patched.original;
  s.patched = null;
  for (const b of FUSED_BACKENDS)
    for (const k of [L1L2_KERNEL, L1L2_GRAD_KERNEL]) if (tf.getKernel(k, b)) tf.unregisterKernel(k, b);
}
