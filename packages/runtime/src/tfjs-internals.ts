/**
 * Every place where `@betterdl/runtime` relies on tfjs internals, each with the check that proves the
 * assumption still holds, failing with a `BetterDLError` that names the installed tfjs version:
 * - the engine's table of started backends (`engine().registry`), to tell whether wasm already runs;
 * - the files inside `@tensorflow/tfjs-backend-wasm/wasm-out/` that the threaded wasm build in Node loads;
 * - the wasm backend's buffer methods that betterdl's kernel fixes call (`makeOutput`, `typedArrayFromHeap`,
 *   `readSync`, `incRef`, `disposeData`).
 * betterdl supports tfjs ~4.22.0 (the peer range): these are the assumptions a new tfjs may break.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BetterDLError } from './errors';
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
