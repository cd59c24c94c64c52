import type { KernelConfig, KernelFunc, NamedTensorMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { kernelOutput } from '../tfjs-internals';

/** The fused kernel: tfjs-layers' `binaryCrossentropy` loss and `binaryAccuracy`, per sample, in one call. */
export const BCE_KERNEL = 'BetterdlBinaryCrossentropy';
/** Its gradient with respect to the predictions. */
export const BCE_GRAD_KERNEL = 'BetterdlBinaryCrossentropyGrad';
/** The backends the fused kernels run on: those whose tensors live in JavaScript-readable memory. */
export const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

const f32 = Math.fround;

/** Layout shared by the kernels: `rows` samples of `k` values (the last axis). */
function layout(t: TensorInfo): { rows: number; k: number } {
  const k = t.shape.length === 0 ? 1 : (t.shape[t.shape.length - 1] as number);
  const size = t.shape.reduce((a, b) => a * b, 1);
  return { rows: k === 0 ? 0 : size / k, k };
}

/** The backend's fuzz factor, as tfjs-layers' `epsilon()` reads it (1e-7 on cpu and wasm). */
function clipBounds(backend: unknown): [number, number] {
  const eps = (backend as { epsilon?: () => number }).epsilon?.() ?? 1e-7;
  return [f32(eps), f32(1 - eps)];
}

/** The log-odds of the clipped prediction, rounded like the float32 ops of the stock loss. */
function logit(yc: number): number {
  return f32(Math.log(f32(yc / f32(1 - yc))));
}

/**
 * One element of tfjs-layers' `binaryCrossentropy` for prediction `p` and label `t`:
 * `relu(z) − z·t + log1p(exp(−|z|))` with `z = log(y / (1 − y))`, `y` the prediction clipped to `[lo, hi]`.
 * The fused kernel and the small-model trainer both take it from here.
 */
export function bceElement(p: number, t: number, lo: number, hi: number): number {
  const z = logit(Math.min(Math.max(p, lo), hi));
  return Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
}

/**
 * `scale · ∂bceElement/∂p`: zero where the clip is active, with the stock op-by-op derivative's conventions at
 * `z = 0` (relu' = 0, |z|' = 0).
 */
export function bceElementGrad(p: number, t: number, lo: number, hi: number, scale: number): number {
  if (!(p >= lo && p <= hi)) return 0;
  const z = logit(p);
  const e = Math.exp(-Math.abs(z));
  const dz = (z > 0 ? 1 : 0) - t - Math.sign(z) * (e / (1 + e));
  return scale * dz * (1 / (p * (1 - p)));
}

/**
 * Forward: for `yTrue`, `yPred` of the same shape `[..., k]`, the per-sample mean over the last axis of
 * {@link bceElement} and of the hit `t == (y > 0.5)` (tfjs-layers' `binaryAccuracy`), computed in float64 and
 * rounded once to float32.
 */
const forward: KernelFunc = ({ inputs, backend }) => {
  const { yTrue, yPred } = inputs as { yTrue: TensorInfo; yPred: TensorInfo };
  const t = (backend as { readSync(id: unknown): ArrayLike<number> }).readSync(yTrue.dataId);
  const y = (backend as { readSync(id: unknown): ArrayLike<number> }).readSync(yPred.dataId);
  const { rows, k } = layout(yPred);
  const [lo, hi] = clipBounds(backend);
  const loss = new Float32Array(rows);
  const hit = new Float32Array(rows);
  for (let r = 0, i = 0; r < rows; r++) {
    let l = 0;
    let h = 0;
    for (let j = 0; j < k; j++, i++) {
      const p = y[i] as number;
      const label = t[i] as number;
      l += bceElement(p, label, lo, hi);
      if (label === (p > 0.5 ? 1 : 0)) h++;
    }
    loss[r] = l / k;
    hit[r] = h / k;
  }
  const outShape = yPred.shape.slice(0, -1);
  return [kernelOutput(backend, outShape, loss), kernelOutput(backend, outShape, hit)];
};

/** Gradient of the per-sample loss with respect to `yPred`: {@link bceElementGrad} scaled by `dy / k`. */
const backward: KernelFunc = ({ inputs, backend }) => {
  const { dy, yTrue, yPred } = inputs as { dy: TensorInfo; yTrue: TensorInfo; yPred: TensorInfo };
  const read = (backend as { readSync(id: unknown): ArrayLike<number> }).readSync.bind(backend);
  const g = read(dy.dataId);
  const t = read(yTrue.dataId);
  const y = read(yPred.dataId);
  const { rows, k } = layout(yPred);
  const [lo, hi] = clipBounds(backend);
  const out = new Float32Array(rows * k);
  for (let r = 0, i = 0; r < rows; r++) {
    const scale = (g[r] as number) / k;
    for (let j = 0; j < k; j++, i++) out[i] = bceElementGrad(y[i] as number, t[i] as number, lo, hi, scale);
  }
  return kernelOutput(backend, yPred.shape, out);
};

/** The kernel configs for one backend. */
function configs(backendName: string): KernelConfig[] {
  return [
    { kernelName: BCE_KERNEL, backendName, kernelFunc: forward },
    { kernelName: BCE_GRAD_KERNEL, backendName, kernelFunc: backward },
  ];
}

let gradientRegistered = false;

/** Registers the fused kernels (and their gradient) for cpu and wasm; a second call does nothing. */
export function registerBinaryCrossentropyKernels(): void {
  for (const b of FUSED_BACKENDS)
    for (const c of configs(b)) if (!tf.getKernel(c.kernelName, b)) tf.registerKernel(c);
  if (!gradientRegistered && !tf.getGradient(BCE_KERNEL)) {
    tf.registerGradient({
      kernelName: BCE_KERNEL,
      inputsToSave: ['yTrue', 'yPred'],
      gradFunc: (dys, saved) => {
        const [yTrue, yPred] = saved as [Tensor, Tensor];
        const dy = (Array.isArray(dys) ? dys[0] : dys) as Tensor;
        return {
          yPred: () =>
            tf
              .engine()
              .runKernel(BCE_GRAD_KERNEL, { dy, yTrue, yPred } as unknown as NamedTensorMap) as Tensor,
          // Labels are data, never trained: a zero gradient keeps backprop total if a graph ever asks.
          yTrue: () => tf.zerosLike(yTrue),
        };
      },
    });
  }
  gradientRegistered = true;
}

/** Removes the fused kernels (the gradient entry stays: it is inert without the kernels). */
export function unregisterBinaryCrossentropyKernels(): void {
  for (const b of FUSED_BACKENDS)
    for (const c of configs(b)) if (tf.getKernel(c.kernelName, b)) tf.unregisterKernel(c.kernelName, b);
}

/** True when the active backend runs the fused kernels. */
export function fusedKernelsActive(): boolean {
  return tf.getKernel(BCE_KERNEL, tf.getBackend()) !== undefined;
}

/** Per-sample loss and hit rate of `yPred` against `yTrue` through the fused kernel. */
export function fusedBinaryCrossentropy(yTrue: Tensor, yPred: Tensor): [Tensor, Tensor] {
  const t = yTrue.dtype === 'float32' ? yTrue : tf.cast(yTrue, 'float32');
  return tf.engine().runKernel(BCE_KERNEL, { yTrue: t, yPred } as unknown as NamedTensorMap) as unknown as [
    Tensor,
    Tensor,
  ];
}
