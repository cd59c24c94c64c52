export { registerChainedOps } from './chained-ops';
export type { CudaProbe } from './cuda';
export { detectCudaDevice } from './cuda';
export type { TfjsCopy, TfjsDuplicateReport } from './duplicate-tfjs';
export { checkSingleTfjs } from './duplicate-tfjs';
export type { BetterDLErrorCode, BetterDLErrorOptions } from './errors';
export { BetterDLError, check, isBetterDLError } from './errors';
export type { BackendChoice, RuntimeInfo, RuntimeOptions, SkippedBackend } from './init-runtime';
export { initRuntime } from './init-runtime';
export type { KernelFix } from './kernels/kernel-fixes';
export {
  appliedWasmKernelFixes,
  applyWasmKernelFixes,
  listWasmKernelFixes,
  removeWasmKernelFixes,
} from './kernels/kernel-fixes';
export type { TensorLeakReport } from './memory';
export { assertNoLeaks, trackTensors } from './memory';
export type { PyTemplateField, PyTemplatePart, PyValue } from './py-format';
export {
  fillPythonTemplate,
  formatPython,
  formatPythonTemplate,
  parsePythonTemplate,
  pyRepr,
  pyStr,
} from './py-format';
export { requireBackend } from './require-backend';
export type { RandomSource } from './seed';
export { createRandom, getRandomState, getSeed, setRandomState, setSeed } from './seed';
