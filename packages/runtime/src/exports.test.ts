// Pins the public surface of both entries. Adding an export? Add its name to the sorted list below.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { testEntries } from '../../../scripts/entry-exports';
import * as main from './index';
import * as node from './node';

describe('@betterdl/runtime entries', () => {
  testEntries({
    dir: dirname(fileURLToPath(import.meta.url)),
    main,
    node,
    mainValues: [
      'BetterDLError',
      'appliedWasmKernelFixes',
      'applyWasmKernelFixes',
      'assertNoLeaks',
      'check',
      'checkSingleTfjs',
      'createRandom',
      'detectCudaDevice',
      'fillPythonTemplate',
      'formatPython',
      'formatPythonTemplate',
      'getRandomState',
      'getSeed',
      'initRuntime',
      'isBetterDLError',
      'listWasmKernelFixes',
      'parsePythonTemplate',
      'pyRepr',
      'pyStr',
      'registerChainedOps',
      'removeWasmKernelFixes',
      'requireBackend',
      'setRandomState',
      'setSeed',
      'trackTensors',
    ],
    mainTypes: [
      'BackendChoice',
      'BetterDLErrorCode',
      'BetterDLErrorOptions',
      'CudaProbe',
      'KernelFix',
      'PyTemplateField',
      'PyTemplatePart',
      'PyValue',
      'RandomSource',
      'RuntimeInfo',
      'RuntimeOptions',
      'SkippedBackend',
      'TensorLeakReport',
      'TfjsCopy',
      'TfjsDuplicateReport',
    ],
    nodeValues: ['writeFileAtomic'],
    nodeTypes: [],
    processAllowed: [
      'duplicate-tfjs.ts',
      'platform.ts',
      'init-runtime.ts',
      'cuda.ts',
      'kernels/wasm-threads.ts',
    ],
  });
});
