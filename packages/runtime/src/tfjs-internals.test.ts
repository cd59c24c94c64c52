import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { isBetterDLError } from './errors';
import {
  checkCompiledModel,
  checkEngineRegistry,
  checkLayersModelClass,
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

it("the installed tfjs-layers' LayersModel and a compiled model have what the fit fast paths wrap", async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  expect(() => checkLayersModelClass(tfl.LayersModel.prototype, tfl.version_layers)).not.toThrow();
  const input = tfl.input({ shape: [2] });
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 1 }).apply(input) as never });
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const m = checkCompiledModel(model, tfl.version_layers);
  expect(m.lossFunctions).toHaveLength(1);
  expect(m.metricsTensors[0]?.[1]).toBe(0);
  model.dispose();
});

it('a tfjs-layers whose LayersModel changed fails with a BetterDLError naming its version', () => {
  const e1 = errorOf(() => checkLayersModelClass({ fitLoop() {} }, '4.99.0'));
  expect(isBetterDLError(e1)).toBe(true);
  expect(e1.message).toMatch(/LayersModel\.prototype\.testLoop\(\).*tfjs-layers 4\.99\.0.*~4\.22\.0/);
  const e2 = errorOf(() =>
    checkCompiledModel({ lossFunctions: [], metricsTensors: [[null, 0]], outputs: [] }, '4.99.0'),
  );
  expect(e2.message).toMatch(/lossFunctions and metricsTensors.*tfjs-layers 4\.99\.0/);
});
