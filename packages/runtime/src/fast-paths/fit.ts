import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { globalState } from '../global-state';
import {
  checkCompiledModel,
  checkLayersModelClass,
  HostMemory,
  type LayersModelInternals,
} from '../tfjs-internals';
import {
  fusedBinaryCrossentropy,
  fusedKernelsActive,
  registerBinaryCrossentropyKernels,
  unregisterBinaryCrossentropyKernels,
} from './binary-crossentropy';
import type { LossKind, MetricKind } from './dense-stack';
import {
  DENSE_STACK_MAX_MACS,
  denseStackFitLoop,
  denseStackPlan,
  type KnownFunctions,
} from './dense-stack-fit';
import { validationTestLoop } from './validation';

type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
type FitLoop = (this: unknown, ...args: unknown[]) => Promise<unknown>;

interface FitPatch {
  proto: { fitLoop: FitLoop };
  original: FitLoop;
  version: string;
  layers: typeof tfl;
  /** tfjs-layers' own `binaryCrossentropy` loss and `binaryAccuracy` metric, as `compile` resolves them. */
  bce: LossFn;
  binaryAccuracy: LossFn;
  /** The losses and metrics the small-model trainer computes itself. */
  known: KnownFunctions;
}

const state = () =>
  globalState('runtime.fit-fast-path', () => ({
    patch: null as FitPatch | null,
    denseStack: true,
    maxMacs: DENSE_STACK_MAX_MACS,
    /** How the last `fit` on each model trained: `'dense-stack'` (in JavaScript) or why it kept tfjs's loop. */
    paths: new WeakMap<object, string>(),
  }));

/**
 * Turns the small-model trainer on or off (on by default while the fit fast paths are installed). Off, small
 * models train through tfjs's loop with the fused kernels: the tests of those kernels and the benchmarks that
 * separate the two use it. `maxMacs` moves the size limit (see `DENSE_STACK_MAX_MACS`), for the benchmark
 * that measures where it belongs.
 */
export function setDenseStackTrainer(on: boolean, maxMacs = DENSE_STACK_MAX_MACS): void {
  state().denseStack = on;
  state().maxMacs = maxMacs;
}

/** Compiles throwaway models to learn which functions `compile` picks for the losses and metrics the fast paths know. */
function referenceFunctions(layers: typeof tfl): Pick<FitPatch, 'bce' | 'binaryAccuracy' | 'known'> {
  const compiled = (units: number, loss: string, metrics: string[]) => {
    const input = layers.input({ shape: [1] });
    const probe = layers.model({
      inputs: input,
      outputs: layers.layers.dense({ units }).apply(input) as tfl.SymbolicTensor,
    });
    try {
      probe.compile({ optimizer: 'sgd', loss, metrics });
      const m = checkCompiledModel(probe, layers.version_layers);
      return { loss: m.lossFunctions[0] as LossFn, metrics: m.metricsTensors.map(([fn]) => fn as LossFn) };
    } finally {
      probe.dispose();
    }
  };
  const bce = compiled(1, 'binaryCrossentropy', ['accuracy']);
  const cce = compiled(3, 'categoricalCrossentropy', ['accuracy']);
  const mse = compiled(1, 'meanSquaredError', ['mse', 'mae']);
  const mae = compiled(1, 'meanAbsoluteError', []);
  const known: KnownFunctions = {
    losses: new Map<LossFn, LossKind>([
      [bce.loss, 'bce'],
      [cce.loss, 'cce'],
      [mse.loss, 'mse'],
      [mae.loss, 'mae'],
    ]),
    metrics: new Map<LossFn, MetricKind>([
      [bce.metrics[0] as LossFn, 'binaryAccuracy'],
      [cce.metrics[0] as LossFn, 'categoricalAccuracy'],
      [mse.metrics[0] as LossFn, 'mse'],
      [mse.metrics[1] as LossFn, 'mae'],
    ]),
  };
  return { bce: bce.loss, binaryAccuracy: bce.metrics[0] as LossFn, known };
}

/** Whether a fit with this verbosity gets callbacks from tfjs's constructor registry (tfjs-node's progress bar). */
function registryCallbacks(verbose: unknown): boolean {
  return (typeof verbose !== 'number' || verbose >= 1) && tf.findBackendFactory('tensorflow') != null;
}

/**
 * The small-model trainer's fit (see `dense-stack-fit.ts`) when the model and the fit's arguments qualify,
 * else null. Records which path the model's fit took.
 */
function denseStackFit(p: FitPatch, model: tfl.LayersModel, args: unknown[]): Promise<unknown> | null {
  const [, ins, outLabels, batchSize, epochs, verbose, callbacks, valF, valIns, shuffle, callbackMetrics] =
    args;
  const [initialEpoch, stepsPerEpoch, validationSteps] = args.slice(11);
  let plan: ReturnType<typeof denseStackPlan>;
  if (!state().denseStack) plan = 'the small-model trainer is off';
  else if (stepsPerEpoch != null || validationSteps != null) plan = 'steps per epoch';
  else if (shuffle === 'batch') plan = "shuffle: 'batch'";
  else if (registryCallbacks(verbose)) plan = 'registered progress callbacks (tfjs-node, verbose ≥ 1)';
  else if (!Array.isArray(ins) || !Array.isArray(outLabels) || !Array.isArray(callbackMetrics))
    plan = 'arguments';
  else plan = denseStackPlan(model, p.known, ins, (batchSize as number | undefined) ?? 32, state().maxMacs);
  state().paths.set(model, typeof plan === 'string' ? plan : 'dense-stack');
  if (typeof plan === 'string') return null;
  const doValidation = valF != null && valIns != null;
  const why = !doValidation
    ? null
    : Array.isArray(valIns)
      ? denseStackValidation(valIns as unknown[], ins as tf.Tensor[])
      : 'validation data';
  if (why) {
    state().paths.set(model, why);
    return null;
  }
  return denseStackFitLoop(p.layers, model, plan, {
    ins: ins as tf.Tensor[],
    outLabels: outLabels as string[],
    batchSize: batchSize as number | undefined,
    epochs: epochs as number | undefined,
    verbose: verbose as number | undefined,
    callbacks: (callbacks as unknown[] | undefined) ?? [],
    valIns: valIns as tf.Tensor[] | null,
    doValidation,
    shuffle: shuffle as boolean | undefined,
    callbackMetrics: callbackMetrics as string[],
    initialEpoch: initialEpoch as number | undefined,
  });
}

/** Null when the validation tensors have the training data's dtype and widths, else what differs. */
function denseStackValidation(valIns: unknown[], ins: tf.Tensor[]): string | null {
  const [vx, vy] = valIns as [tf.Tensor | undefined, tf.Tensor | undefined];
  const mem = new HostMemory(tf.getBackend() as 'cpu' | 'wasm');
  for (const [v, t] of [
    [vx, ins[0]],
    [vy, ins[1]],
  ] as const) {
    if (!(v instanceof tf.Tensor) || v.dtype !== 'float32' || v.rank !== 2 || v.shape[1] !== t?.shape[1])
      return 'validation data';
    if (!mem.holds(v)) return 'tensors on another backend';
  }
  return vx?.shape[0] === vy?.shape[0] ? null : 'validation data';
}

/**
 * How the model's last `fit` trained: `'dense-stack'` when betterdl's small-model trainer ran it, else the
 * reason it ran in tfjs-layers' own loop (`'layer Dropout'`, `'backend webgl'`, …). Undefined before the
 * model's first `fit` with the fast paths on, and for every model while they are off.
 */
export function lastFitPath(model: object): string | undefined {
  const { paths, patch } = state();
  if (!patch) return undefined;
  // A Sequential model fits through the LayersModel it wraps.
  const inner = (model as { model?: unknown }).model;
  return paths.get(model) ?? (typeof inner === 'object' && inner !== null ? paths.get(inner) : undefined);
}

/**
 * The loss and metric tables a fit runs with: `binaryCrossentropy` paired with its `binaryAccuracy` becomes
 * one fused kernel call whose second output the metric returns (same tensors in, no second pass).
 */
function fusedTables(
  m: LayersModelInternals,
  p: FitPatch,
): Pick<LayersModelInternals, 'lossFunctions' | 'metricsTensors'> | null {
  if (!fusedKernelsActive() || !m.lossFunctions.includes(p.bce)) return null;
  let cached: { yTrue: Tensor; yPred: Tensor; hit: Tensor } | null = null;
  const loss: LossFn = (yTrue, yPred) => {
    if (yPred.dtype !== 'float32' || !tf.util.arraysEqual(yTrue.shape, yPred.shape))
      return p.bce(yTrue, yPred);
    const [l, hit] = fusedBinaryCrossentropy(yTrue, yPred);
    cached = { yTrue, yPred, hit };
    return l;
  };
  const accuracy: LossFn = (yTrue, yPred) => {
    const c = cached;
    cached = null;
    if (c && c.yTrue === yTrue && c.yPred === yPred && !c.hit.isDisposed) return c.hit;
    return p.binaryAccuracy(yTrue, yPred);
  };
  return {
    lossFunctions: m.lossFunctions.map((f) => (f === p.bce ? loss : f)),
    metricsTensors: m.metricsTensors.map(([f, i]) =>
      f === p.binaryAccuracy && m.lossFunctions[i] === p.bce ? [accuracy, i] : [f, i],
    ),
  };
}

/**
 * `LayersModel.prototype.fitLoop` with betterdl's fast paths around the stock loop: validation in batches as
 * large as memory allows (see `validation.ts`), and the fused loss + metric kernels on cpu and wasm. The model's
 * own tables are swapped only while its fit runs and restored when it ends, however it ends.
 */
function fastFitLoop(p: FitPatch): FitLoop {
  return async function fitLoop(this: unknown, ...args: unknown[]) {
    const m = checkCompiledModel(this, p.version);
    const fast = denseStackFit(p, this as tfl.LayersModel, args);
    if (fast) return fast;
    const own = this as Record<string, unknown>;
    const saved = { lossFunctions: m.lossFunctions, metricsTensors: m.metricsTensors };
    const hadTestLoop = Object.hasOwn(own, 'testLoop');
    const fused = fusedTables(m, p);
    if (fused) Object.assign(own, fused);
    if (!hadTestLoop) own.testLoop = validationTestLoop(m);
    try {
      return await p.original.apply(this, args);
    } finally {
      Object.assign(own, saved);
      if (!hadTestLoop) delete own.testLoop;
    }
  };
}

/** Installs the fit fast paths on tfjs-layers' `LayersModel` (once; later calls keep the first install). */
export function applyFitFastPaths(layers: typeof tfl): void {
  const s = state();
  if (s.patch) return;
  const proto = layers.LayersModel.prototype as unknown as { fitLoop: FitLoop };
  checkLayersModelClass(proto, layers.version_layers);
  registerBinaryCrossentropyKernels();
  const patch: FitPatch = {
    proto,
    layers,
    original: proto.fitLoop,
    version: layers.version_layers,
    ...referenceFunctions(layers),
  };
  proto.fitLoop = fastFitLoop(patch);
  s.patch = patch;
}

/** Restores tfjs-layers' own `fitLoop` and unregisters the fused kernels. */
export function removeFitFastPaths(): void {
  const s = state();
  if (s.patch) s.patch.proto.fitLoop = s.patch.original;
  s.patch = null;
  s.paths = new WeakMap();
  unregisterBinaryCrossentropyKernels();
}

/** True while the fit fast paths are installed. */
export function fitFastPathsApplied(): boolean {
  return state().patch !== null;
}
