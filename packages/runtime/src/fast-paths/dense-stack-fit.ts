/**
 * `fit` for the small Dense stacks of `dense-stack.ts`: which models qualify (`denseStackPlan`), and the fit
 * loop that trains them (`denseStackFitLoop`) with the stock loop's semantics — the same callbacks in the same
 * order with the same logs and params, History as the return value, shuffling with tfjs's `util.shuffle` (the
 * same permutations from the same `Math.random` state), validation after the last batch, `stopTraining`
 * honoured after every batch and epoch — but no tensor made per step and no device sync.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  collectedTrainableWeights,
  HostMemory,
  type LayerInternals,
  type LayerVariableLike,
  layerInternals,
} from '../tfjs-internals';
import {
  type Activation,
  type DenseStackPlan,
  DenseStackTrainer,
  type LossKind,
  type MetricKind,
  macsPerSample,
  type Penalty,
  type PlanStep,
} from './dense-stack';
import { hostOptimizerStep } from './optimizer-fast-paths';

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Multiply-adds per training batch up to which the JavaScript step is used (forward pass; a step is about
 * three times this). Above it, the backend's own kernels (XNNPACK SIMD on wasm) outrun the loops and the
 * engine's fixed cost no longer dominates; measured with `pnpm bench dense-stack`.
 */
export const DENSE_STACK_MAX_MACS = 1 << 18;

/** tfjs-layers' own loss and metric functions, as `compile` resolves them, by what the trainer calls them. */
export interface KnownFunctions {
  losses: Map<LossFn, LossKind>;
  metrics: Map<LossFn, MetricKind>;
}

const ACTIVATIONS: Record<string, Activation> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
};

function penaltyOf(r: unknown): Penalty | null | undefined {
  if (r == null) return null;
  const p = r as { l1?: unknown; l2?: unknown; getClassName?: () => string };
  if (typeof p.getClassName !== 'function' || p.getClassName() !== 'L1L2') return undefined;
  if (typeof p.l1 !== 'number' || typeof p.l2 !== 'number') return undefined;
  return { l1: Math.fround(p.l1), l2: Math.fround(p.l2) };
}

function variableOf(v: unknown): tf.Variable | null {
  const lv = v as LayerVariableLike | null;
  if (!lv || typeof lv.read !== 'function') return null;
  const t = lv.read();
  return t instanceof tf.Variable && t.dtype === 'float32' ? t : null;
}

function denseStep(l: LayerInternals): PlanStep | string {
  const f = l.fields;
  const act = (f.activation as { getClassName?: () => string } | null)?.getClassName?.() ?? 'linear';
  const activation = ACTIVATIONS[act];
  if (!activation) return `activation ${act}`;
  if (f.activityRegularizer != null) return 'an activity regularizer';
  if (f.kernelConstraint != null || f.biasConstraint != null) return 'a weight constraint';
  const kernel = variableOf(f.kernel);
  const bias = f.bias == null ? null : variableOf(f.bias);
  if (kernel?.rank !== 2 || (f.bias != null && !bias)) return 'Dense weights of another kind';
  const kernelPenalty = penaltyOf(f.kernelRegularizer);
  const biasPenalty = penaltyOf(f.biasRegularizer);
  if (kernelPenalty === undefined || biasPenalty === undefined) return 'a regularizer other than L1L2';
  const [din, dout] = kernel.shape as [number, number];
  if (bias && (bias.rank !== 1 || bias.shape[0] !== dout)) return 'Dense weights of another kind';
  return { kind: 'dense', kernel, bias, din, dout, activation, kernelPenalty, biasPenalty };
}

function widthOf(s: PlanStep): number {
  return s.kind === 'dense' ? s.dout : s.width;
}

function batchNormStep(l: LayerInternals, width: number): PlanStep | string {
  const f = l.fields;
  if (f.axis !== -1 && f.axis !== 1) return 'BatchNormalization over another axis';
  if (f.center !== true || f.scale !== true) return 'BatchNormalization without center and scale';
  if (f.gammaRegularizer != null || f.betaRegularizer != null) return 'a BatchNormalization regularizer';
  if (f.gammaConstraint != null || f.betaConstraint != null) return 'a weight constraint';
  if (typeof f.momentum !== 'number' || typeof f.epsilon !== 'number') return 'BatchNormalization settings';
  const [gamma, beta, movingMean, movingVariance] = [f.gamma, f.beta, f.movingMean, f.movingVariance].map(
    variableOf,
  );
  if (!gamma || !beta || !movingMean || !movingVariance) return 'BatchNormalization weights of another kind';
  if ([gamma, beta, movingMean, movingVariance].some((v) => v.rank !== 1 || v.shape[0] !== width))
    return 'layer widths';
  return {
    kind: 'batchnorm',
    gamma,
    beta,
    movingMean,
    movingVariance,
    momentum: f.momentum,
    epsilon: f.epsilon,
    width,
  };
}

/**
 * The plan for training `model` on `x`/`y` in JavaScript, or the reason it does not qualify (it then trains
 * with the stock loop). Also checks the data: float32 `[n, inputs]` and `[n, outputs]`.
 */
export function denseStackPlan(
  model: tfl.LayersModel,
  known: KnownFunctions,
  ins: unknown[],
  batchSize: number,
  maxMacs = DENSE_STACK_MAX_MACS,
): DenseStackPlan | string {
  const backendName = tf.getBackend();
  if (backendName !== 'cpu' && backendName !== 'wasm') return `backend ${backendName}`;
  const m = model as unknown as {
    inputs?: unknown[];
    outputs?: Array<{ sourceLayer?: unknown }>;
    layers?: unknown[];
    lossFunctions?: LossFn[];
    metricsTensors?: Array<[LossFn, number]>;
    optimizer?: tf.Optimizer;
  };
  if (m.inputs?.length !== 1 || m.outputs?.length !== 1) return 'not one input and one output';
  const [x, y, ...weights] = ins as [tf.Tensor, tf.Tensor, ...unknown[]];
  if (weights.some((w) => w != null)) return 'sample or class weights';
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) return 'data that are not tensors';
  if (x.dtype !== 'float32' || y.dtype !== 'float32' || x.rank !== 2 || y.rank !== 2) return 'data shape';
  const loss = known.losses.get(m.lossFunctions?.[0] as LossFn);
  if (!loss || m.lossFunctions?.length !== 1) return 'the loss';
  const metrics: MetricKind[] = [];
  for (const [fn] of m.metricsTensors ?? []) {
    const kind = known.metrics.get(fn);
    if (!kind) return 'a metric';
    metrics.push(kind);
  }
  const steps: PlanStep[] = [];
  let prev: unknown = null;
  for (const layer of m.layers ?? []) {
    const l = layerInternals(layer);
    if (!l) return 'a layer of unknown shape';
    if (l.className === 'InputLayer') {
      if (prev !== null) return 'a second input';
      prev = layer;
      continue;
    }
    if (l.inbound.length !== 1) return `layer ${l.className} called ${l.inbound.length} times`;
    const from = l.inbound[0] as unknown[];
    if (from.length !== 1 || (prev !== null && from[0] !== prev)) return 'not a chain of layers';
    prev = layer;
    if (l.className === 'Dense') {
      const s = denseStep(l);
      if (typeof s === 'string') return s;
      steps.push(s);
    } else if (l.className === 'BatchNormalization') {
      const st = batchNormStep(
        l,
        steps.length ? widthOf(steps[steps.length - 1] as PlanStep) : (x.shape[1] as number),
      );
      if (typeof st === 'string') return st;
      steps.push(st);
    } else if (l.className === 'GaussianNoise' && typeof l.fields.stddev === 'number') {
      const w = steps.length ? widthOf(steps[steps.length - 1] as PlanStep) : (x.shape[1] as number);
      steps.push({ kind: 'noise', stddev: l.fields.stddev, width: w });
    } else {
      return `layer ${l.className}`;
    }
  }
  if (steps.length === 0 || !steps.some((s) => s.kind === 'dense')) return 'no Dense layer';
  if (m.outputs[0]?.sourceLayer !== prev) return 'not a chain of layers';
  let width = x.shape[1] as number;
  for (const s of steps) {
    if (s.kind === 'dense') {
      if (s.din !== width) return 'layer widths';
      width = s.dout;
    } else if (s.width !== width) return 'layer widths';
  }
  if (y.shape[1] !== width || y.shape[0] !== x.shape[0]) return 'target shape';
  if (macsPerSample(steps) * Math.min(batchSize, x.shape[0] as number) > maxMacs)
    return 'a model too large for the JavaScript step';
  const collected = collectedTrainableWeights(model);
  if (!collected) return 'trainable weights of unknown shape';
  const trainable = collected.map((w) => w.read());
  // tfjs's minimize rejects an empty variable list: that error stays tfjs's
  if (trainable.length === 0) return 'no trainable weights';
  const own = new Set<tf.Variable>();
  for (const s of steps) {
    if (s.kind === 'dense') for (const v of [s.kernel, s.bias]) if (v) own.add(v);
    if (s.kind === 'batchnorm') for (const v of [s.gamma, s.beta]) own.add(v);
  }
  if (!trainable.every((v) => own.has(v))) return 'trainable weights outside the layers the trainer knows';
  if (!m.optimizer) return 'no optimizer';
  // Tensors made before a switch of backend stay on the old one until a tfjs kernel moves them.
  const mem = new HostMemory(backendName);
  const planned: tf.Tensor[] = [x, y];
  for (const s of steps) {
    if (s.kind === 'dense') planned.push(s.kernel, ...(s.bias ? [s.bias] : []));
    if (s.kind === 'batchnorm') planned.push(s.gamma, s.beta, s.movingMean, s.movingVariance);
  }
  if (!planned.every((t) => mem.holds(t))) return 'tensors on another backend';
  const optimizer = hostOptimizerStep(m.optimizer, trainable, (t) => mem.holds(t));
  if (!optimizer) return `optimizer ${m.optimizer.getClassName()}`;
  return { steps, loss, metrics, trainable, optimizer, epsilon: tf.backend().epsilon() };
}

/** The arguments tfjs-layers' `fit` passes to `fitLoop`, by name. */
export interface FitLoopArgs {
  ins: tf.Tensor[];
  outLabels: string[];
  batchSize?: number;
  epochs?: number;
  verbose?: number;
  callbacks: unknown[];
  valIns?: tf.Tensor[] | null;
  doValidation: boolean;
  shuffle?: boolean | string;
  callbackMetrics: string[];
  initialEpoch?: number;
}

interface ModelState {
  history: unknown;
  stopTraining: boolean;
}

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';
type CallbackLike = Record<Hook, (...args: unknown[]) => Promise<void>> & {
  setParams(p: Record<string, unknown>): void;
  setModel(m: unknown): void;
};

/**
 * The callbacks' hooks as tfjs's `CallbackList` runs them — each callback in order, each awaited before the
 * next — in native async code (tfjs-layers' down-compiled generators cost more per epoch than a small model's
 * training step), skipping the hooks a callback inherits from tfjs's base class, which do nothing.
 */
function callbackHooks(
  layers: typeof tfl,
  callbacks: CallbackLike[],
): Record<Hook, (...args: unknown[]) => Promise<void>> {
  const base = Object.getPrototypeOf(layers.Callback.prototype) as Partial<Record<Hook, unknown>>;
  const hook = (name: Hook) => {
    const active = callbacks.filter((cb) => cb[name] !== base[name]);
    return async (...args: unknown[]) => {
      for (const cb of active) await cb[name](...args);
    };
  };
  return {
    onTrainBegin: hook('onTrainBegin'),
    onTrainEnd: hook('onTrainEnd'),
    onEpochBegin: hook('onEpochBegin'),
    onEpochEnd: hook('onEpochEnd'),
    onBatchBegin: hook('onBatchBegin'),
    onBatchEnd: hook('onBatchEnd'),
  };
}

/**
 * Trains `model` with `plan` for the epochs `fit` asked for, as tfjs-layers' `fitLoop` would: callbacks
 * (the user's, then History) see the same calls, logs and params; the epoch logs carry the batch-size-weighted
 * means of the batch values (what tfjs's BaseLogger computes) and the validation values after the last batch.
 */
export async function denseStackFitLoop(
  layers: typeof tfl,
  model: tfl.LayersModel,
  plan: DenseStackPlan,
  a: FitLoopArgs,
): Promise<tfl.History> {
  const batchSize = a.batchSize ?? 32;
  const epochs = a.epochs ?? 1;
  const shuffle = a.shuffle ?? true;
  const initialEpoch = a.initialEpoch ?? 0;
  const verbose = a.verbose ?? 1;
  const [x, y] = a.ins as [tf.Tensor, tf.Tensor];
  const n = x.shape[0] as number;
  const [vx, vy] = a.doValidation && a.valIns ? (a.valIns as [tf.Tensor, tf.Tensor]) : [null, null];
  const history = new layers.History();
  const callbacks = [...a.callbacks, history] as unknown as CallbackLike[];
  const params = {
    epochs,
    initialEpoch,
    samples: n,
    steps: null,
    batchSize,
    verbose,
    doValidation: a.doValidation,
    metrics: a.callbackMetrics,
  };
  // As CallbackList's setParams and setModel: every callback gets the one params object, then the model.
  for (const cb of callbacks) cb.setParams(params);
  for (const cb of callbacks) cb.setModel(model);
  const list = callbackHooks(layers, callbacks);
  const state = model as unknown as ModelState;
  state.history = history;
  const mem = new HostMemory(tf.getBackend() as 'cpu' | 'wasm');
  // Scratch rows: a training batch, or up to 1024 validation samples at a time.
  const rows = Math.max(Math.min(batchSize, n), Math.min(vx ? (vx.shape[0] as number) : 0, 1024), 1);
  const trainer = new DenseStackTrainer(plan, mem, rows);
  await list.onTrainBegin({});
  state.stopTraining = false;
  const index = Array.from({ length: n }, (_, i) => i);
  const numBatches = Math.ceil(n / batchSize);
  for (let epoch = initialEpoch; epoch < epochs; ++epoch) {
    await list.onEpochBegin(epoch, {});
    const epochLogs: Record<string, number> = {};
    if (shuffle) tf.util.shuffle(index);
    const totals = a.outLabels.map(() => 0);
    let seen = 0;
    for (let batch = 0; batch < numBatches; ++batch) {
      const batchLogs: Record<string, number> = {};
      await list.onBatchBegin(batch, batchLogs);
      const start = batch * batchSize;
      const end = Math.min(n, start + batchSize);
      batchLogs.batch = batch;
      batchLogs.size = end - start;
      const outs = trainer.step(x, y, index, start, end);
      a.outLabels.forEach((label, i) => {
        batchLogs[label] = outs[i] as number;
        totals[i] = (totals[i] as number) + (outs[i] as number) * (end - start);
      });
      seen += end - start;
      if (batch === numBatches - 1 && vx && vy) {
        const v = trainer.evaluate(vx, vy);
        a.outLabels.forEach((label, i) => {
          epochLogs[`val_${label}`] = v[i] as number;
        });
      }
      await list.onBatchEnd(batch, batchLogs);
      if (state.stopTraining) break;
    }
    for (const key of a.callbackMetrics) {
      const i = a.outLabels.indexOf(key);
      if (i >= 0 && seen > 0) epochLogs[key] = Math.fround((totals[i] as number) / seen);
    }
    await list.onEpochEnd(epoch, epochLogs);
    if (state.stopTraining) break;
  }
  await list.onTrainEnd({});
  return history;
}
