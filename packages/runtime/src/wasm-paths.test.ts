import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isBetterDLError } from './errors';
import { initRuntime } from './init-runtime';

const empty = await mkdtemp(join(tmpdir(), 'betterdl-wasm-paths-'));
afterAll(() => rm(empty, { recursive: true, force: true }));

const BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

describe('initRuntime({ wasmPaths })', () => {
  it('rejects a directory without the trailing slash and an incomplete or misspelt map, with the fix', async () => {
    const bad: unknown[] = [
      '/wasm',
      '',
      { 'tfjs-backend-wasm.wasm': '/a.wasm' },
      { ...Object.fromEntries(BINARIES.map((b) => [b, `/${b}`])), 'tfjs-backend-wasm-simd.wams': '/x.wasm' },
      { ...Object.fromEntries(BINARIES.map((b) => [b, `/${b}`])), 'tfjs-backend-wasm.wasm': 3 },
      null,
      7,
    ];
    for (const wasmPaths of bad) {
      const err = await initRuntime({ backend: 'wasm', wasmPaths: wasmPaths as never, verbose: false }).catch(
        (e) => e,
      );
      expect(isBetterDLError(err), String(wasmPaths)).toBe(true);
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toMatch(/wasmPaths must be .*(ending in '\/'|tfjs-backend-wasm-simd\.wasm)/);
    }
    // nothing was started by the bad calls
    expect(tf.engine().registry.wasm).toBeUndefined();
  });

  it("forwards the paths to tfjs-backend-wasm's setWasmPaths before wasm starts (a wrong place fails)", async () => {
    // tfjs and Emscripten log the missing file (which shows the path was used); keep the output clean
    const quiet = [vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')].map((s) =>
      s.mockImplementation(() => {}),
    );
    const err = await initRuntime({ backend: 'wasm', wasmPaths: `${empty}/`, verbose: false }).catch(
      (e) => e,
    );
    const logged = quiet.flatMap((s) => s.mock.calls.map((c) => String(c[0])));
    for (const s of quiet) s.mockRestore();
    expect(logged.join('\n')).toContain(join(empty, 'tfjs-backend-wasm-simd.wasm'));
    expect(isBetterDLError(err)).toBe(true);
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toMatch(/backend 'wasm' is not available.*failed to initialise/);
  });
});
