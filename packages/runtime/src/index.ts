export { registerChainedOps } from './chained-ops';
export type { CudaGpu, CudaProbe, CudaProbeSources } from './cuda';
export { detectCudaDevice } from './cuda';
export type { DeviceInfo } from './device';
export type { DeviceReport, DeviceReportArgs, KernelPlacement } from './device-report';
export { deviceReport } from './device-report';
export type { TfjsCopy, TfjsDuplicateReport } from './duplicate-tfjs';
export { checkSingleTfjs } from './duplicate-tfjs';
export type { BetterDLErrorCode, BetterDLErrorOptions } from './errors';
export { BETTERDL_ERROR_CODES, BetterDLError, isBetterDLError, wrapError } from './errors';
export { lastFitPath } from './fast-paths/fit';
export {
  appliedOptimizerFastPaths,
  applyOptimizerFastPaths,
  removeOptimizerFastPaths,
} from './fast-paths/optimizer-fast-paths';
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
export type { MetricDirection, MetricMode } from './metric-names';
export {
  metricDirectionOf,
  metricLogKeys,
  pickMetric,
  resolveMetricDirection,
  splitMetricName,
} from './metric-names';
export { npSum } from './np-sum';
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
export type { NumberRange } from './validate';
export {
  checkArgument,
  checkBoolean,
  checkFinite,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkString,
  closestName,
  describeValue,
  invalidArgument,
  invalidData,
  optionNames,
  snakeToCamel,
} from './validate';
