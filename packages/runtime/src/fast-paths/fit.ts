import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { globalState } from '../global-state';
import { checkCompiledModel, checkLayersModelClass, type LayersModelInternals } from '../tfjs-internals';
import {
  fusedBinaryCrossentropy,
  fusedKernelsActive,
  registerBinaryCrossentropyKernels,
  unregisterBinaryCrossentropyKernels,
} from './binary-crossentropy';
import { validationTestLoop } from './validation';

type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
type FitLoop = (this: unknown, ...args: unknown[]) => Promise<unknown>;

interface FitPatch {
  proto: { fitLoop: FitLoop };
  original: FitLoop;
  version: string;
  /** tfjs-layers' own `binaryCrossentropy` loss and `binaryAccuracy` metric, as `compile` resolves them. */
  bce: LossFn;
  binaryAccuracy: LossFn;
}

const state = () => globalState('runtime.fit-fast-path', () => ({ patch: null as FitPatch | null }));

/** Compiles a throwaway model to learn which functions `compile` picks for the losses the fast path fuses. */
function referenceFunctions(layers: typeof tfl): { bce: LossFn; binaryAccuracy: LossFn } {
  const input = layers.input({ shape: [1] });
  const probe = layers.model({
    inputs: input,
    outputs: layers.layers.dense({ units: 1 }).apply(input) as tfl.SymbolicTensor,
  });
  try {
    probe.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const m = checkCompiledModel(probe, layers.version_layers);
    return { bce: m.lossFunctions[0] as LossFn, binaryAccuracy: m.metricsTensors[0]?.[0] as LossFn };
  } finally {
    probe.dispose();
  }
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
  unregisterBinaryCrossentropyKernels();
}

/** True while the fit fast paths are installed. */
export function fitFastPathsApplied(): boolean {
  return state().patch !== null;
}
