import * as tf from '@tensorflow/tfjs-core';
import { BetterDLError } from './errors';

/**
 * Throws a `BACKEND_UNAVAILABLE` {@link BetterDLError} when no tfjs backend is registered, so that code which
 * is about to create tensors fails with a message saying what to do instead of tfjs's bare "No backend found
 * in registry". betterdl never picks a backend behind your back: importing a package registers none, and
 * many calls that make tensors are synchronous, while starting the fastest backend (wasm) is not. Call
 * `await initRuntime()` once at start-up, or import a backend yourself (`@tensorflow/tfjs` registers cpu and
 * webgl). Every betterdl function that creates tensors from plain data calls this first.
 *
 * @param fn The public function about to create tensors, named in the message.
 */
export function requireBackend(fn: string): void {
  if (tf.engine().backendNames().length > 0) return;
  throw new BetterDLError(
    'BACKEND_UNAVAILABLE',
    `${fn}: no tfjs backend is registered, so no tensor can be created. Call \`await initRuntime()\` from ` +
      "'@betterdl/runtime' once before using betterdl (it starts the fastest backend installed), or register one " +
      "yourself: import '@tensorflow/tfjs' (cpu and webgl), or a backend package such as " +
      "'@tensorflow/tfjs-backend-wasm' followed by `await tf.setBackend('wasm')`.",
  );
}
