/**
 * Every place where `@betterdl/runtime` relies on tfjs internals, each with the check that proves the
 * assumption still holds, failing with a `BetterDLError` that names the installed tfjs version:
 * - the engine's table of started backends (`engine().registry`), to tell whether wasm already runs;
 * - the files inside `@tensorflow/tfjs-backend-wasm/wasm-out/` that the threaded wasm build in Node loads;
 * - the wasm backend's buffer methods that betterdl's kernel fixes call (`makeOutput`, `typedArrayFromHeap`,
 *   `readSync`, `incRef`, `disposeData`), and the cpu backend's `makeTensorInfo` (the fused fast-path kernels);
 * - the private fields of tfjs-core's optimizers that the fused optimizer updates read and write (slot arrays,
 *   hyper-parameters, Adam's and Adamax's scalar variables, `incrementIterations`) and the engine's public
 *   `registeredVariables` table they look variables up in, as tfjs's own `applyGradients` does;
 * - tfjs-layers' `LayersModel.prototype.fitLoop` and `testLoop`, the compiled model's `lossFunctions` and
 *   `metricsTensors`, the `L1L2` regularizer's `apply`, and the engine's `clone` (the fit fast paths, see
 *   `fast-paths/`);
 * - for the small-model trainer: the cpu backend's buffer table (`data.get(dataId).values`), the wasm heap
 *   (`typedArrayFromHeap`) and both backends' `refCount` (`HostMemory`), the layers' `getClassName()`,
 *   `inboundNodes` and own fields (`layerInternals`: a layer of another shape leaves the model to tfjs's loop),
 *   and the compiled model's `collectedTrainableWeights`.
 * betterdl supports tfjs ~4.22.0 (the peer range): these are the assumptions a new tfjs may break.
 */
import type { Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { BetterDLError } from './errors';
import { globalState } from './global-state';
import { importOptional } from './platform';

/** The tfjs versions these assumptions are verified against (the packages' peer range). */
export const SUPPORTED_TFJS = '~4.22.0';

const WASM_PKG = '@tensorflow/tfjs-backend-wasm';
const WASM_FACTORY = `${WASM_PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.js`;
const WASM_WORKER = `${WASM_PKG}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`;
/** The wasm backend members the kernel fixes call. */
const WASM_BACKEND_METHODS = [
  'makeOutput',
  'typedArrayFromHeap',
  'readSync',
  'incRef',
  'disposeData',
] as const;

/** The error for a broken assumption: what betterdl relies on, the installed version, the fix. */
export function tfjsAssumptionError(assumption: string, pkg: string, version: string): BetterDLError {
  return new BetterDLError(
    'UNSUPPORTED',
    `@betterdl/runtime relies on ${assumption}, which ${pkg} ${version} no longer provides. betterdl supports ` +
      `tfjs ${SUPPORTED_TFJS}: install ${pkg}@${SUPPORTED_TFJS}, or a betterdl release that supports ${version}.`,
  );
}

/** Checks the engine's backend table against the public list of registered backends. Exported for tests. */
export function checkEngineRegistry(engine: unknown = tf.engine(), version = tf.version_core): void {
  const e = engine as { registry?: unknown; backendNames?: () => string[] };
  const names = typeof e.backendNames === 'function' ? e.backendNames() : null;
  const started = e.registry;
  if (
    !names ||
    typeof started !== 'object' ||
    started === null ||
    Object.keys(started).some((n) => !names.includes(n))
  )
    throw tfjsAssumptionError(
      "the engine's table of started backends (engine().registry)",
      '@tensorflow/tfjs-core',
      version,
    );
}

/** True when the backend `name` has been started (not only registered). */
export function isBackendStarted(name: string): boolean {
  checkEngineRegistry();
  return (tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name] !== undefined;
}

/** Checks that a wasm backend instance has the members the kernel fixes call. Exported for tests. */
export function checkWasmBackend(backend: unknown, version: string): void {
  for (const m of WASM_BACKEND_METHODS) {
    if (typeof (backend as Record<string, unknown> | null)?.[m] !== 'function')
      throw tfjsAssumptionError(`the wasm backend's ${m}() method`, WASM_PKG, version);
  }
}

const CHECKED_BACKENDS = new WeakSet<object>();
/** The wasm backend handed to a kernel, checked once per backend instance. */
export function wasmBackend<T>(backend: unknown): T {
  if (typeof backend === 'object' && backend !== null && !CHECKED_BACKENDS.has(backend)) {
    checkWasmBackend(backend, wasmVersion());
    CHECKED_BACKENDS.add(backend);
  }
  return backend as T;
}

/** The wasm backend is released in lockstep with tfjs-core: its version is core's. */
function wasmVersion(): string {
  return tf.version_core;
}

/**
 * Loads the threaded-SIMD Emscripten factory and its worker script from inside the wasm package (stock tfjs
 * cannot start them in Node), checking that both still have the shape betterdl starts them with.
 */
export async function loadThreadedWasmFiles<Factory>(
  version: string,
): Promise<{ factory: Factory; worker: string }> {
  let factory: unknown;
  let worker: unknown;
  try {
    factory = (await importOptional<{ default: unknown }>(WASM_FACTORY)).default;
    worker = (await importOptional<{ default: { wasmWorkerContents?: unknown } }>(WASM_WORKER)).default
      ?.wasmWorkerContents;
  } catch (err) {
    throw Object.assign(
      tfjsAssumptionError(`the files ${WASM_FACTORY} and ${WASM_WORKER}`, WASM_PKG, version),
      {
        cause: err,
      },
    );
  }
  if (typeof factory !== 'function')
    throw tfjsAssumptionError(`${WASM_FACTORY} exporting a module factory`, WASM_PKG, version);
  if (typeof worker !== 'string')
    throw tfjsAssumptionError(`${WASM_WORKER} exporting wasmWorkerContents`, WASM_PKG, version);
  return { factory: factory as Factory, worker };
}

/** A per-variable optimizer slot as tfjs keeps it (`{ originalName, variable }`). */
export interface OptimizerSlotLike {
  originalName: string;
  variable: tf.Variable;
}

/**
 * The fields of each tfjs-core optimizer class that the fused updates use: slot arrays (in the order tfjs
 * creates them per variable), tensors, and numbers. Kept next to its check so both change together.
 */
export const OPTIMIZER_FIELDS = {
  SGD: { slots: [], tensors: ['c'], numbers: ['learningRate'] },
  Momentum: { slots: ['accumulations'], tensors: ['c', 'm'], numbers: ['learningRate'] },
  Adam: {
    slots: ['accumulatedFirstMoment', 'accumulatedSecondMoment'],
    tensors: ['accBeta1', 'accBeta2'],
    numbers: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  },
  Adamax: {
    slots: ['accumulatedFirstMoment', 'accumulatedWeightedInfNorm'],
    tensors: ['iteration', 'accBeta1'],
    numbers: ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay'],
  },
  RMSProp: {
    slots: ['accumulatedMeanSquares', 'accumulatedMoments', 'accumulatedMeanGrads'],
    tensors: [],
    numbers: ['learningRate', 'decay', 'momentum', 'epsilon'],
  },
  Adagrad: { slots: ['accumulatedGrads'], tensors: [], numbers: ['learningRate', 'initialAccumulatorValue'] },
  Adadelta: {
    slots: ['accumulatedGrads', 'accumulatedUpdates'],
    tensors: [],
    numbers: ['learningRate', 'rho', 'epsilon'],
  },
} as const satisfies Record<string, { slots: string[]; tensors: string[]; numbers: string[] }>;

/** The optimizer classes the fused updates cover, by their `getClassName()`. */
export type FusedOptimizerName = keyof typeof OPTIMIZER_FIELDS;

/** The tfjs-core class of each covered optimizer (its prototype's `applyGradients` is what gets replaced). */
export function optimizerClasses(core: typeof tf = tf): Record<FusedOptimizerName, { prototype: object }> {
  return {
    SGD: core.SGDOptimizer,
    Momentum: core.MomentumOptimizer,
    Adam: core.AdamOptimizer,
    Adamax: core.AdamaxOptimizer,
    RMSProp: core.RMSPropOptimizer,
    Adagrad: core.AdagradOptimizer,
    Adadelta: core.AdadeltaOptimizer,
  };
}

/**
 * Checks, by taking one stock step with each optimizer on a throw-away variable, that every field in
 * {@link OPTIMIZER_FIELDS} exists with the expected kind, that `incrementIterations` counts steps in
 * `iterations_`, and that the engine keeps variables in `registeredVariables`. Exported for tests.
 */
export function checkOptimizerInternals(core: typeof tf = tf): void {
  const version = core.version_core;
  const fail = (what: string): never => {
    throw tfjsAssumptionError(what, '@tensorflow/tfjs-core', version);
  };
  const classes = optimizerClasses(core) as Record<string, { prototype: object } | undefined>;
  const x = core.variable(core.ones([2]), true);
  const made: tf.Optimizer[] = [];
  try {
    const engine = core.engine() as unknown as { registeredVariables?: Record<string, unknown> };
    if (engine.registeredVariables?.[x.name] !== x) fail("the engine's registeredVariables table");
    const build: Record<FusedOptimizerName, () => tf.Optimizer> = {
      SGD: () => core.train.sgd(0.1),
      Momentum: () => core.train.momentum(0.1, 0.5, true),
      Adam: () => core.train.adam(0.1),
      Adamax: () => core.train.adamax(0.1),
      RMSProp: () => core.train.rmsprop(0.1, 0.9, 0.5, 1e-7, true),
      Adagrad: () => core.train.adagrad(0.1),
      Adadelta: () => core.train.adadelta(0.1),
    };
    for (const [name, fields] of Object.entries(OPTIMIZER_FIELDS)) {
      const cls = classes[name];
      if (
        typeof cls !== 'function' ||
        typeof (cls as { prototype: Fields }).prototype.applyGradients !== 'function'
      )
        fail(`the exported class of the ${name} optimizer`);
      const o = build[name as FusedOptimizerName]();
      made.push(o);
      if (!(o instanceof (cls as unknown as new () => object)) || o.getClassName() !== name)
        fail(`tf.train creating a ${name} optimizer of its exported class`);
      core.tidy(() => {
        const g = core.onesLike(x);
        o.applyGradients([{ name: x.name, tensor: g }]);
      });
      const f = o as unknown as Fields;
      if (typeof f.incrementIterations !== 'function' || f.iterations_ !== 1)
        fail('Optimizer counting steps with incrementIterations() in its iterations_ field');
      for (const s of fields.slots) {
        const slots = f[s] as OptimizerSlotLike[] | undefined;
        const first = slots?.[0];
        if (!Array.isArray(slots) || !(first?.variable instanceof core.Variable) || !first.originalName)
          fail(`${name} keeping its slots in ${s} as [{ originalName, variable }]`);
      }
      for (const t of fields.tensors)
        if (!(f[t] instanceof core.Tensor) || (f[t] as tf.Tensor).size !== 1)
          fail(`${name} keeping ${t} as a scalar tensor`);
      for (const n of fields.numbers) if (typeof f[n] !== 'number') fail(`${name} keeping ${n} as a number`);
      if (name === 'Momentum' && typeof f.useNesterov !== 'boolean') fail('Momentum keeping useNesterov');
      if (name === 'RMSProp' && typeof f.centered !== 'boolean') fail('RMSProp keeping centered');
    }
  } finally {
    for (const o of made) o.dispose();
    x.dispose();
  }
}

type Fields = Record<string, unknown>;

/** Runs {@link checkOptimizerInternals} once per tfjs-core version (per process). */
export function ensureOptimizerInternals(): void {
  const done = globalState('runtime.optimizer-internals-checked', () => ({ version: '' }));
  if (done.version === tf.version_core) return;
  checkOptimizerInternals();
  done.version = tf.version_core;
}

/** An optimizer's private field (see {@link OPTIMIZER_FIELDS}). */
export function optimizerField<T>(optimizer: object, field: string): T {
  return (optimizer as Fields)[field] as T;
}

/** Replaces an optimizer's private field. */
export function setOptimizerField(optimizer: object, field: string, value: unknown): void {
  (optimizer as Fields)[field] = value;
}

/** The engine's variable named `name`, as tfjs's own optimizers find it. */
export function registeredVariable(name: string): tf.Variable | undefined {
  return (tf.engine() as unknown as { registeredVariables: Record<string, tf.Variable> }).registeredVariables[
    name
  ];
}

/** Counts one step on the optimizer, as tfjs's own `applyGradients` does. */
export function incrementIterations(optimizer: tf.Optimizer): void {
  (optimizer as unknown as { incrementIterations(): void }).incrementIterations();
}

const CHECKED_GPU = new WeakSet<object>();
/**
 * The WebGPU backend handed to a kernel, checked once per instance: the fused optimizer shaders run through
 * its `runWebGPUProgram` and rely on tfjs 4.22's shader preamble (`main(index)`, `uniforms.size`, input
 * buffers named after `variableNames`, `setOutputAtIndex`), which the GPU tests exercise.
 */
export function webGpuBackend<T>(backend: unknown): T {
  if (typeof backend === 'object' && backend !== null && !CHECKED_GPU.has(backend)) {
    if (typeof (backend as Fields).runWebGPUProgram !== 'function')
      throw tfjsAssumptionError(
        "the WebGPU backend's runWebGPUProgram() method",
        '@tensorflow/tfjs-backend-webgpu',
        tf.version_core,
      );
    CHECKED_GPU.add(backend);
  }
  return backend as T;
}

const CHECKED_GL = new WeakSet<object>();
/**
 * The WebGL backend handed to a kernel, checked once per instance: the fused optimizer programs run through
 * its `runWebGLProgram` and rely on tfjs 4.22's shader preamble (`get<Name>AtOutCoords()`, `get<Name>()` for
 * scalars, `setOutput`, custom uniforms), which the browser GPU test exercises.
 */
export function webGlBackend<T>(backend: unknown): T {
  if (typeof backend === 'object' && backend !== null && !CHECKED_GL.has(backend)) {
    if (typeof (backend as Fields).runWebGLProgram !== 'function')
      throw tfjsAssumptionError(
        "the WebGL backend's runWebGLProgram() method",
        '@tensorflow/tfjs-backend-webgl',
        tf.version_core,
      );
    CHECKED_GL.add(backend);
  }
  return backend as T;
}

/** A kernel's float32 output on the cpu or wasm backend, holding `values`. */
export function kernelOutput(backend: unknown, shape: number[], values: Float32Array): TensorInfo {
  const b = backend as {
    makeTensorInfo?: (shape: number[], dtype: string, values: Float32Array) => TensorInfo;
    makeOutput?: (shape: number[], dtype: string) => TensorInfo;
  };
  if (tf.getBackend() === 'wasm') {
    const wasm = wasmBackend<{
      makeOutput(shape: number[], dtype: string): TensorInfo;
      typedArrayFromHeap(t: TensorInfo): Float32Array;
    }>(backend);
    const out = wasm.makeOutput(shape, 'float32');
    wasm.typedArrayFromHeap(out).set(values);
    return out;
  }
  if (typeof b.makeTensorInfo !== 'function')
    throw tfjsAssumptionError(
      "the cpu backend's makeTensorInfo() method",
      '@tensorflow/tfjs-backend-cpu',
      tf.version_core,
    );
  return b.makeTensorInfo(shape, 'float32', values);
}

/** The members of a compiled tfjs-layers `LayersModel` that the fit fast paths read and swap. */
export interface LayersModelInternals {
  lossFunctions: Array<(yTrue: Tensor, yPred: Tensor) => Tensor>;
  metricsTensors: Array<[(yTrue: Tensor, yPred: Tensor) => Tensor, number]>;
  outputs: unknown[];
  testLoop: (...args: unknown[]) => Tensor[];
  fitLoop: (...args: unknown[]) => Promise<unknown>;
}

/** Checks that tfjs-layers' `LayersModel` has the training methods the fit fast paths wrap. Exported for tests. */
export function checkLayersModelClass(proto: unknown, version: string): void {
  for (const m of ['fitLoop', 'testLoop', 'makeTrainFunction', 'makeTestFunction']) {
    if (typeof (proto as Record<string, unknown> | null)?.[m] !== 'function')
      throw tfjsAssumptionError(`LayersModel.prototype.${m}()`, '@tensorflow/tfjs-layers', version);
  }
}

/** Checks a compiled model's loss and metric tables (read when its `fit` starts). Exported for tests. */
export function checkCompiledModel(model: unknown, version: string): LayersModelInternals {
  const m = model as Partial<LayersModelInternals> | null;
  const ok =
    Array.isArray(m?.lossFunctions) &&
    m.lossFunctions.every((f) => typeof f === 'function') &&
    Array.isArray(m?.metricsTensors) &&
    m.metricsTensors.every(
      (e) => Array.isArray(e) && typeof e[0] === 'function' && typeof e[1] === 'number',
    ) &&
    Array.isArray(m?.outputs);
  if (!ok)
    throw tfjsAssumptionError(
      "a compiled LayersModel's lossFunctions and metricsTensors tables",
      '@tensorflow/tfjs-layers',
      version,
    );
  return m as LayersModelInternals;
}

/** The members of tfjs-core's engine that the kernel-free clone uses. */
export interface EngineCloneInternals {
  clone(x: Tensor): Tensor;
  backendName: string;
  backend: { incRef(dataId: unknown): void };
  makeTensorFromTensorInfo(info: { dataId: unknown; shape: number[]; dtype: string }): Tensor;
  addTapeNode(
    name: string,
    inputs: Record<string, Tensor>,
    outputs: Tensor[],
    grad: (dy: Tensor) => Record<string, () => Tensor>,
    saved: Tensor[],
    attrs: Record<string, unknown>,
  ): void;
  state: { activeScope?: { name: string } | null; scopeStack: unknown[] };
}

/** Checks that the engine has what the kernel-free clone calls. Exported for tests. */
export function checkEngineClone(
  engine: unknown = tf.engine(),
  version = tf.version_core,
): EngineCloneInternals {
  const e = engine as Partial<Record<string, unknown>> | null;
  for (const m of ['clone', 'makeTensorFromTensorInfo', 'addTapeNode']) {
    if (typeof e?.[m] !== 'function')
      throw tfjsAssumptionError(`the engine's ${m}() method`, '@tensorflow/tfjs-core', version);
  }
  const st = e?.state as { scopeStack?: unknown } | null | undefined;
  if (typeof st !== 'object' || st === null || !Array.isArray(st.scopeStack))
    throw tfjsAssumptionError(
      "the engine's state (scopeStack, activeScope)",
      '@tensorflow/tfjs-core',
      version,
    );
  return engine as EngineCloneInternals;
}

/**
 * The prototype of tfjs-layers' `L1L2` regularizer (behind `regularizers.l1`, `l2`, `l1l2`), checked to have
 * the `apply` method and the `l1`/`l2` fields the fused penalty reads. Exported for tests.
 */
export function checkL1L2Regularizer(instance: unknown, version: string): object {
  const r = instance as { l1?: unknown; l2?: unknown } | null;
  const proto =
    r === null || typeof r !== 'object' ? null : (Object.getPrototypeOf(r) as { apply?: unknown });
  if (!proto || typeof proto.apply !== 'function' || typeof r?.l1 !== 'number' || typeof r?.l2 !== 'number')
    throw tfjsAssumptionError(
      'the L1L2 regularizer class (apply(), l1, l2)',
      '@tensorflow/tfjs-layers',
      version,
    );
  return proto;
}

interface HostBackendLike {
  refCount(dataId: unknown): number;
  readSync(dataId: unknown): unknown;
  data?: { get(dataId: unknown): { values?: unknown } | undefined };
  typedArrayFromHeap?(t: TensorInfo): Float32Array;
}

/**
 * Direct access to the float32 buffers of the cpu and wasm backends, for fast paths that compute in
 * JavaScript (the small-model trainer): the cpu backend keeps each buffer as the `values` of its `data`
 * table, the wasm backend on its heap (`typedArrayFromHeap`). Both count references per buffer
 * (`refCount`): a buffer shared with another tensor (a clone) must not be written in place.
 */
export class HostMemory {
  private readonly b: HostBackendLike;
  constructor(
    readonly backendName: 'cpu' | 'wasm',
    backend: unknown = tf.engine().backend,
  ) {
    const b = backend as Partial<HostBackendLike> | null;
    const pkg = backendName === 'cpu' ? '@tensorflow/tfjs-backend-cpu' : WASM_PKG;
    if (typeof b?.refCount !== 'function' || typeof b.readSync !== 'function')
      throw tfjsAssumptionError(
        `the ${backendName} backend's refCount() and readSync() methods`,
        pkg,
        tf.version_core,
      );
    if (backendName === 'cpu' && typeof b.data?.get !== 'function')
      throw tfjsAssumptionError(
        "the cpu backend's data table (data.get(dataId).values)",
        pkg,
        tf.version_core,
      );
    if (backendName === 'wasm') wasmBackend(b);
    this.b = b as HostBackendLike;
  }

  /**
   * Whether this backend holds the tensor's buffer (a tensor made before a switch of backend lives on the old
   * one until tfjs moves it, which only its own kernels do).
   */
  holds(t: TensorInfo): boolean {
    return this.b.refCount(t.dataId) > 0;
  }

  /** The values of a float32 tensor, read in place (on wasm valid until the next allocation). */
  view(t: TensorInfo): Float32Array {
    if (this.backendName === 'wasm') return (this.b.typedArrayFromHeap as (t: TensorInfo) => Float32Array)(t);
    const values = this.b.data?.get(t.dataId)?.values;
    if (values instanceof Float32Array) return values;
    return this.b.readSync(t.dataId) as Float32Array;
  }

  /**
   * The values of a float32 variable, writable in place: when its buffer is shared with another tensor (or
   * not held as a Float32Array), the variable first gets a copy of its own through `assign`.
   */
  writable(v: tf.Variable): Float32Array {
    const own =
      this.b.refCount(v.dataId) === 1 &&
      (this.backendName === 'wasm' || this.b.data?.get(v.dataId)?.values instanceof Float32Array);
    if (!own) {
      const copy = Float32Array.from(this.view(v));
      tf.tidy(() => v.assign(tf.tensor(copy, v.shape, 'float32')));
    }
    return this.view(v);
  }
}

/** A tfjs-layers weight (`LayerVariable`): its tf.Variable is what `read()` returns. */
export interface LayerVariableLike {
  read(): tf.Variable;
  trainable: boolean;
}

/** The tfjs-layers `Layer` members the small-model trainer reads to recognise a model it can train. */
export interface LayerInternals {
  className: string;
  trainable: boolean;
  /** Layers feeding each call of this layer (one entry per call). */
  inbound: unknown[][];
  fields: Record<string, unknown>;
}

/**
 * A layer's class name, trainability, inbound layers and own fields, or null when the layer does not have
 * the shape tfjs-layers 4.22 gives it (`getClassName()`, `inboundNodes[].inboundLayers`, `trainable`) — the
 * caller then leaves the model to stock tfjs.
 */
export function layerInternals(layer: unknown): LayerInternals | null {
  const l = layer as Fields | null;
  if (!l || typeof l.getClassName !== 'function' || !Array.isArray(l.inboundNodes)) return null;
  const inbound: unknown[][] = [];
  for (const node of l.inboundNodes as Fields[]) {
    if (!Array.isArray(node?.inboundLayers)) return null;
    inbound.push(node.inboundLayers as unknown[]);
  }
  return {
    className: (l.getClassName as () => string).call(l),
    trainable: l.trainable !== false,
    inbound,
    fields: l,
  };
}

/** The model's trainable weights as its train function collects them (`collectedTrainableWeights`). */
export function collectedTrainableWeights(model: unknown): LayerVariableLike[] | null {
  const w = (model as Fields | null)?.collectedTrainableWeights;
  return Array.isArray(w) && w.every((v) => typeof (v as Fields)?.read === 'function')
    ? (w as LayerVariableLike[])
    : null;
}
