/**
 * The drop-in: tfjs-core's optimizers (what `model.compile({ optimizer: 'adam' })` and `tf.train.*` make)
 * apply each training step with one fused kernel instead of 5–15 kernels per variable. Their state keeps its
 * layout exactly: the same slot variables with the same names in the same order, the same scalar variables,
 * the same `iterations` count, the learning-rate fields read on every step. A step the fused kernels do not
 * cover (a backend without them, a non-float32 or missing gradient, a slot of another shape) runs tfjs's own
 * `applyGradients`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { globalState } from '../global-state';
import {
  ensureOptimizerInternals,
  type FusedOptimizerName,
  type HostMemory,
  incrementIterations,
  OPTIMIZER_FIELDS,
  type OptimizerSlotLike,
  optimizerClasses,
  optimizerField,
  registeredVariable,
} from '../tfjs-internals';
import { FUSED_KERNELS, type FusedAttrs, hostKernel, nextScalarCount } from './optimizer-kernels';
import { HOST_LOOPS, nextScalars } from './optimizer-math';
import { webGlKernel } from './optimizer-webgl';
import { webGpuKernel } from './optimizer-webgpu';

type NamedGrads = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];
type ApplyGradients = (this: tf.Optimizer, grads: NamedGrads) => void;

/** Suffixes tfjs gives each slot variable's `originalName`, per slot field. */
const SLOT_SUFFIX: Record<string, string> = {
  accumulations: 'momentum',
  accumulatedFirstMoment: 'm',
  accumulatedSecondMoment: 'v',
  accumulatedWeightedInfNorm: 'v',
  accumulatedMeanSquares: 'rms',
  accumulatedMoments: 'momentum',
  accumulatedMeanGrads: 'mg',
  accumulatedGrads: 'accumulator',
  accumulatedUpdates: 'accum_var',
};

/** The backends with fused kernels, and how each kernel is made for them. */
const BACKENDS: Record<string, (name: FusedOptimizerName) => tf.KernelFunc> = {
  cpu: (name) => hostKernel(name, 'cpu'),
  wasm: (name) => hostKernel(name, 'wasm'),
  webgpu: webGpuKernel,
  webgl: webGlKernel,
};

const state = () =>
  globalState('runtime.optimizer-fast-paths', () => ({
    stock: new Map<FusedOptimizerName, ApplyGradients>(),
    kernels: [] as { kernelName: string; backendName: string }[],
  }));

/** The slot fields this optimizer instance uses (RMSProp keeps mean gradients only when centered). */
function slotFields(name: FusedOptimizerName, o: tf.Optimizer): string[] {
  const all: readonly string[] = OPTIMIZER_FIELDS[name].slots;
  return name === 'RMSProp' && !optimizerField<boolean>(o, 'centered') ? all.slice(0, 2) : [...all];
}

function slotFieldName(name: FusedOptimizerName, field: string): string {
  return name === 'Adadelta' && field === 'accumulatedGrads' ? 'accum_grad' : (SLOT_SUFFIX[field] ?? field);
}

/** Creates the slots tfjs would create for variable `i`, in tfjs's order and with tfjs's names. */
function ensureSlots(name: FusedOptimizerName, o: tf.Optimizer, fields: string[], i: number, v: tf.Variable) {
  for (const field of fields) {
    const slots = optimizerField<OptimizerSlotLike[]>(o, field);
    if (slots[i] != null) continue;
    slots[i] = {
      originalName: `${v.name}/${slotFieldName(name, field)}`,
      variable: tf.tidy(() =>
        (name === 'Adagrad'
          ? tf.fill(v.shape, optimizerField<number>(o, 'initialAccumulatorValue'))
          : tf.zerosLike(v)
        ).variable(false),
      ),
    };
  }
}

function hyperOf(name: FusedOptimizerName, o: tf.Optimizer): number[] {
  if (name === 'Adagrad') return [optimizerField<number>(o, 'learningRate'), tf.backend().epsilon()];
  return OPTIMIZER_FIELDS[name].numbers.map((n) => optimizerField<number>(o, n));
}

function flagsOf(name: FusedOptimizerName, o: tf.Optimizer): number {
  if (name === 'Momentum') return optimizerField<boolean>(o, 'useNesterov') ? 1 : 0;
  if (name === 'RMSProp') return optimizerField<boolean>(o, 'centered') ? 1 : 0;
  return 0;
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** One fused step, or `false` when this step is not covered (the caller then runs tfjs's own). */
function fusedStep(name: FusedOptimizerName, o: tf.Optimizer, grads: NamedGrads): boolean {
  const kernelName = FUSED_KERNELS[name];
  if (!tf.getKernel(kernelName, tf.getBackend())) return false;
  const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
  const tensors = Array.isArray(grads) ? grads.map((g) => g.tensor) : names.map((n) => grads[n]);
  const values = names.map((n) => registeredVariable(n));
  const fields = slotFields(name, o);
  for (let i = 0; i < names.length; i++) {
    const v = values[i];
    const g = tensors[i];
    if (!v || !g || v.dtype !== 'float32' || g.dtype !== 'float32' || !sameShape(v.shape, g.shape))
      return false;
    for (const field of fields) {
      const slot = optimizerField<OptimizerSlotLike[]>(o, field)[i];
      if (slot && (slot.variable.isDisposed || !sameShape(slot.variable.shape, v.shape))) return false;
    }
  }
  values.forEach((v, i) => {
    ensureSlots(name, o, fields, i, v as tf.Variable);
  });
  const scalarFields: readonly string[] = OPTIMIZER_FIELDS[name].tensors;
  const scalars = scalarFields.map((f) => optimizerField<tf.Tensor>(o, f));
  const attrs: FusedAttrs = {
    n: names.length,
    k: fields.length,
    hyper: hyperOf(name, o),
    flags: flagsOf(name, o),
    scalars: scalars.length,
  };
  tf.tidy(() => {
    const inputs: tf.NamedTensorMap = {};
    scalars.forEach((s, j) => {
      inputs[`s${j}`] = s;
    });
    values.forEach((v, i) => {
      inputs[`x${i}`] = v as tf.Variable;
      inputs[`g${i}`] = tensors[i] as tf.Tensor;
      fields.forEach((field, j) => {
        inputs[`a${i}_${j}`] = (
          optimizerField<OptimizerSlotLike[]>(o, field)[i] as OptimizerSlotLike
        ).variable;
      });
    });
    const out = tf
      .engine()
      .runKernel(kernelName, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
    let p = 0;
    values.forEach((v, i) => {
      (v as tf.Variable).assign(out[p++] as tf.Tensor);
      for (const field of fields)
        (optimizerField<OptimizerSlotLike[]>(o, field)[i] as OptimizerSlotLike).variable.assign(
          out[p++] as tf.Tensor,
        );
    });
    for (let j = 0; j < nextScalarCount(name); j++)
      optimizerField<tf.Variable>(o, scalarFields[j] as string).assign(out[p++] as tf.Tensor);
  });
  incrementIterations(o);
  return true;
}

function patchedApply(name: FusedOptimizerName, stock: ApplyGradients): ApplyGradients {
  return function applyGradients(this: tf.Optimizer, grads) {
    if (!fusedStep(name, this, grads)) stock.call(this, grads);
  };
}

/**
 * Registers the fused optimizer-update kernels for every backend that has them (cpu, wasm) and makes
 * tfjs-core's SGD, Momentum, Adam, Adamax, RMSProp, Adagrad and Adadelta optimizers use them. Checks first
 * that the installed tfjs-core keeps optimizer state as betterdl expects (a `BetterDLError` naming the
 * version otherwise). Idempotent. `initRuntime` calls it unless `fastPaths: false`. Returns the optimizers
 * now fused.
 */
export function applyOptimizerFastPaths(): string[] {
  const s = state();
  if (s.stock.size === 0) ensureOptimizerInternals();
  const classes = optimizerClasses();
  for (const name of Object.keys(FUSED_KERNELS) as FusedOptimizerName[]) {
    if (s.stock.has(name)) continue;
    for (const [backendName, make] of Object.entries(BACKENDS)) {
      const kernelName = FUSED_KERNELS[name];
      if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
      const config: tf.KernelConfig = { kernelName, backendName, kernelFunc: make(name) };
      tf.registerKernel(config);
      s.kernels.push({ kernelName, backendName });
    }
    const proto = classes[name].prototype as { applyGradients: ApplyGradients };
    const stock = proto.applyGradients;
    s.stock.set(name, stock);
    proto.applyGradients = patchedApply(name, stock);
  }
  return appliedOptimizerFastPaths();
}

/** Puts tfjs's own `applyGradients` back and unregisters the fused kernels. Idempotent. */
export function removeOptimizerFastPaths(): void {
  const s = state();
  const classes = optimizerClasses();
  for (const [name, stock] of s.stock) {
    (classes[name].prototype as { applyGradients: ApplyGradients }).applyGradients = stock;
  }
  s.stock.clear();
  for (const k of s.kernels)
    if (tf.getKernel(k.kernelName, k.backendName)) tf.unregisterKernel(k.kernelName, k.backendName);
  s.kernels.length = 0;
}

/** The optimizers whose steps currently run fused (by `getClassName()`), empty when the fast paths are off. */
export function appliedOptimizerFastPaths(): string[] {
  return [...state().stock.keys()];
}

/** An optimizer's step applied in place to host (cpu or wasm) buffers, for trainers that compute gradients in JavaScript. */
export interface HostOptimizerStep {
  readonly name: FusedOptimizerName;
  /** One step: `grads[i]` (float32, in the variables' order) updates `variables[i]` and its slots in place. */
  apply(mem: HostMemory, grads: Float32Array[]): void;
}

/**
 * The in-place step of optimizer `o` over `variables` (in the order tfjs's `minimize` passes them), or null
 * when `o` is not one of the fused optimizers or its existing slots do not fit these variables (or, per `holds`,
 * live on another backend). The step does
 * what the fused kernels do (the same float32 loops, so the same bits as stock on cpu), keeps the slots'
 * names, order and layout, updates the scalar variables and counts the iteration.
 */
export function hostOptimizerStep(
  o: tf.Optimizer,
  variables: tf.Variable[],
  holds: (t: tf.Tensor) => boolean = () => true,
): HostOptimizerStep | null {
  const name = (Object.keys(FUSED_KERNELS) as FusedOptimizerName[]).find(
    (n) => o instanceof (optimizerClasses()[n] as unknown as new () => object) && o.getClassName() === n,
  );
  if (!name || !state().stock.has(name)) return null;
  const fields = slotFields(name, o);
  for (let i = 0; i < variables.length; i++) {
    const v = variables[i] as tf.Variable;
    if (v.dtype !== 'float32') return null;
    for (const field of fields) {
      const slot = optimizerField<OptimizerSlotLike[]>(o, field)[i];
      if (
        slot &&
        (slot.variable.isDisposed || !sameShape(slot.variable.shape, v.shape) || !holds(slot.variable))
      )
        return null;
    }
  }
  const loop = HOST_LOOPS[name];
  const scalarFields: readonly string[] = OPTIMIZER_FIELDS[name].tensors;
  if (!scalarFields.every((f) => holds(optimizerField<tf.Tensor>(o, f)))) return null;
  const nextCount = nextScalarCount(name);
  return {
    name,
    apply(mem, grads) {
      variables.forEach((v, i) => {
        ensureSlots(name, o, fields, i, v);
      });
      const slotVars = variables.map((_, i) =>
        fields.map(
          (field) => (optimizerField<OptimizerSlotLike[]>(o, field)[i] as OptimizerSlotLike).variable,
        ),
      );
      const scalars = scalarFields.map((f) => optimizerField<tf.Variable>(o, f));
      // Make every buffer writable first (a shared one is copied, which may move wasm's heap), then view them.
      for (const v of [...variables, ...slotVars.flat(), ...scalars.slice(0, nextCount)]) mem.writable(v);
      const step = {
        hyper: hyperOf(name, o),
        flags: flagsOf(name, o),
        scalars: scalars.map((s) => mem.view(s)[0] as number),
      };
      variables.forEach((v, i) => {
        const x = mem.view(v);
        const slots = (slotVars[i] as tf.Variable[]).map((s) => mem.view(s));
        loop({ x, g: grads[i] as Float32Array, slots, outX: x, outSlots: slots }, step);
      });
      const next = nextScalars(name, step);
      for (let j = 0; j < nextCount; j++) mem.view(scalars[j] as tf.Variable)[0] = next[j] as number;
      incrementIterations(o);
    },
  };
}
