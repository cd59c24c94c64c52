import { BetterDLError, checkFinite } from '@betterdl/runtime';
import type * as tf from '@tensorflow/tfjs-core';
import { RATE_FIELD_OPTIMIZERS, rateField, setRateField } from './tfjs-internals';

/** Optimizers with `setLearningRate`, which rebuilds a cached tensor and must not be bypassed. */
const WITH_SETTER = new Set(['SGD', 'Momentum']);
/** Optimizers that read a plain `learningRate` number on every step. */
const WITH_FIELD = new Set<string>(RATE_FIELD_OPTIMIZERS);

interface LrFields {
  learningRate?: unknown;
  setLearningRate?: (lr: number) => void;
  getClassName?: () => string;
}

function className(optimizer: unknown): string {
  const o = optimizer as LrFields | null | undefined;
  if (!o || typeof o.getClassName !== 'function') return String((o as object | null)?.constructor?.name);
  return o.getClassName();
}

function unknownOptimizer(optimizer: unknown, what: string): BetterDLError {
  return new BetterDLError(
    'UNSUPPORTED',
    `${what}: unsupported optimizer '${className(optimizer)}'. Supported: tf.train.sgd, momentum, adam, adamax, ` +
      'rmsprop, adagrad, adadelta (or compile the model with one of them).',
  );
}

/** The optimizer's current learning rate. Works for every tfjs-core 4.22 optimizer. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const name = className(optimizer);
  if (!WITH_SETTER.has(name) && !WITH_FIELD.has(name)) throw unknownOptimizer(optimizer, 'getLearningRate');
  const lr = WITH_FIELD.has(name) ? rateField(optimizer) : (optimizer as unknown as LrFields).learningRate;
  if (typeof lr !== 'number') throw unknownOptimizer(optimizer, 'getLearningRate');
  return lr;
}

/**
 * Changes the optimizer's learning rate in place, keeping its state (moments, accumulators, iteration
 * count). SGD and Momentum go through their `setLearningRate`; Adam, Adamax, RMSProp, Adagrad and Adadelta
 * have their rate field updated, which they read on every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  checkFinite('setLearningRate', 'the learning rate', lr, { min: 0 });
  const name = className(optimizer);
  const o = optimizer as unknown as LrFields;
  if (WITH_SETTER.has(name) && typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if (WITH_FIELD.has(name) && rateField(optimizer) !== undefined) setRateField(optimizer, lr);
  else throw unknownOptimizer(optimizer, 'setLearningRate');
}

/** The optimizer of a compiled model, or a clear error when it was not compiled. */
export function modelOptimizer(
  model: { optimizer?: tf.Optimizer } | null | undefined,
  who: string,
): tf.Optimizer {
  const opt = model?.optimizer;
  if (!opt) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${who}: the model has no optimizer. Call model.compile({ optimizer, loss }) before fit().`,
    );
  }
  return opt;
}
