import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { isBetterDLError } from './errors';
import {
  checkEngineRegistry,
  checkWasmBackend,
  isBackendStarted,
  loadThreadedWasmFiles,
} from './tfjs-internals';

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

it("the installed tfjs's engine table, wasm files and wasm backend have what betterdl relies on", async () => {
  expect(() => checkEngineRegistry()).not.toThrow();
  expect(isBackendStarted('no-such-backend')).toBe(false);
  const files = await loadThreadedWasmFiles<unknown>(tf.version_core);
  expect(typeof files.factory).toBe('function');
  expect(files.worker.length).toBeGreaterThan(100);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  expect(() => checkWasmBackend(wasm.BackendWasm.prototype, tf.version_core)).not.toThrow();
});

it('a tfjs whose engine or wasm backend changed fails with a BetterDLError naming its version', () => {
  const engine = { backendNames: () => ['cpu'] };
  const e1 = errorOf(() => checkEngineRegistry(engine, '4.99.0'));
  expect(isBetterDLError(e1)).toBe(true);
  expect(e1.code).toBe('UNSUPPORTED');
  expect(e1.message).toMatch(/engine\(\)\.registry.*tfjs-core 4\.99\.0.*~4\.22\.0/);
  const e2 = errorOf(() => checkWasmBackend({ readSync() {}, incRef() {}, disposeData() {} }, '4.99.0'));
  expect(e2.message).toMatch(/makeOutput\(\).*tfjs-backend-wasm 4\.99\.0/);
});
