import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { getLearningRate, setLearningRate } from './learning-rate';
import {
  ADAMAX_SLOTS,
  adamaxSlots,
  optimizerScalar,
  OPTIMIZER_SCALARS as SCALARS,
  setAdamaxSlots,
} from './tfjs-internals';

/** A tensor's value copied to host memory. */
export interface HostTensor {
  /** The name tfjs gives it (weight name or optimizer slot name). */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its dtype. */
  dtype: tf.DataType;
  /** Its values, row-major. */
  values: Float32Array | Int32Array | Uint8Array;
}

/** Everything an optimizer needs to continue exactly where it was: rate, step count, slots, scalars. */
export interface OptimizerState {
  /** `optimizer.getClassName()`, checked on restore. */
  className: string;
  /** The learning rate when captured (schedules and ReduceLROnPlateau change it). */
  learningRate: number;
  /** Number of steps taken. */
  iterations: number;
  /** Per-variable slots (moments, accumulators) in the optimizer's own order. */
  slots: HostTensor[];
  /** Internal scalar variables (Adam's beta powers, Adamax's step), kept bit-exact. */
  scalars: Record<string, number>;
}

async function toHost(name: string, t: tf.Tensor): Promise<HostTensor> {
  const values = (await t.data()) as HostTensor['values'];
  return { name, shape: [...t.shape], dtype: t.dtype, values: values.slice() as HostTensor['values'] };
}

/** Copies an optimizer's full state to host memory (nothing is left on the device). */
export async function captureOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const className = optimizer.getClassName();
  const learningRate = getLearningRate(optimizer);
  const slots: HostTensor[] = [];
  if (className === 'Adamax') {
    for (const field of ADAMAX_SLOTS) {
      for (const s of adamaxSlots(optimizer, field)) slots.push(await toHost(s.originalName, s.variable));
    }
  } else {
    const ws = await optimizer.getWeights();
    for (const [i, w] of ws.entries()) {
      if (i === 0) continue;
      slots.push(await toHost(w.name, w.tensor));
    }
    ws[0]?.tensor.dispose();
  }
  const scalars: Record<string, number> = {};
  for (const f of SCALARS[className] ?? []) {
    const v = optimizerScalar(optimizer, f);
    if (v) scalars[f] = (await v.data())[0] as number;
  }
  return { className, learningRate, iterations: optimizer.iterations, slots, scalars };
}

/**
 * Puts a state from {@link captureOptimizerState} back into `optimizer` (same class), disposing the slot
 * variables it replaces.
 */
export async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const className = optimizer.getClassName();
  if (className !== state.className) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `Cannot restore ${state.className} optimizer state into a ${className} optimizer. Compile the model with ` +
        `the same optimizer as the saved run, or delete the saved state to start afresh.`,
    );
  }
  if (className === 'Adamax') {
    const per = state.slots.length / 2;
    ADAMAX_SLOTS.forEach((field, k) => {
      tf.dispose(adamaxSlots(optimizer, field).map((s) => s.variable));
      const slots = state.slots.slice(k * per, (k + 1) * per).map((s) => {
        const init = tf.tensor(s.values, s.shape, s.dtype);
        const variable = tf.variable(init, false);
        init.dispose();
        return { originalName: s.name, variable };
      });
      setAdamaxSlots(optimizer, field, slots, state.iterations);
    });
  } else {
    const old = await optimizer.getWeights();
    const fresh: { name: string; tensor: tf.Tensor }[] = [
      { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
      ...state.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, s.dtype) })),
    ];
    await optimizer.setWeights(fresh);
    tf.dispose(fresh.map((w) => w.tensor));
    tf.dispose(old.map((w) => w.tensor));
  }
  for (const [f, value] of Object.entries(state.scalars)) {
    const v = optimizerScalar(optimizer, f);
    if (v) tf.tidy(() => v.assign(tf.scalar(value, v.dtype)));
  }
  setLearningRate(optimizer, state.learningRate);
}

/** Copies of a model's weights (all of them, trainable or not) on the device. Dispose them when done. */
export function cloneWeights(model: tfl.LayersModel): tf.Tensor[] {
  return model.weights.map((w) => tf.clone(w.read()));
}

/** A model's weights copied to host memory. */
export async function readWeights(model: tfl.LayersModel): Promise<HostTensor[]> {
  const out: HostTensor[] = [];
  for (const w of model.weights) out.push(await toHost(w.originalName, w.read()));
  return out;
}

/** Sets a model's weights from host copies made by {@link readWeights}. */
export function writeWeights(model: tfl.LayersModel, weights: HostTensor[]): void {
  const ws = model.weights;
  if (ws.length !== weights.length || ws.some((w, i) => w.shape.join() !== weights[i]?.shape.join())) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `The saved weights (${weights.length} tensors) do not fit this model (${ws.length} weights, or shapes differ). ` +
        'Build the same architecture as the saved run, or delete the saved state.',
    );
  }
  const ts = weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
  model.setWeights(ts);
  tf.dispose(ts);
}
