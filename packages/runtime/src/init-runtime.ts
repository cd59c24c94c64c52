import * as tf from '@tensorflow/tfjs-core';
import { registerChainedOps } from './chained-ops';
import { type DeviceInfo, describeCudaGpus } from './device';
import { rememberDevice } from './device-report';
import { checkSingleTfjs, type TfjsDuplicateReport } from './duplicate-tfjs';
import { BetterDLError } from './errors';
import { fastPathsSetting, setFastPaths } from './fast-paths/index';
import {
  appliedOptimizerFastPaths,
  applyOptimizerFastPaths,
  removeOptimizerFastPaths,
} from './fast-paths/optimizer-fast-paths';
import { appliedWasmKernelFixes, applyWasmKernelFixes, removeWasmKernelFixes } from './kernels/kernel-fixes';
import { useThreadedWasm } from './kernels/wasm-threads';
import { describeImportFailure, env, importOptional, isNode } from './platform';
import { probes } from './probes';
import { setSeed } from './seed';
import { isBackendStarted } from './tfjs-internals';
import { checkArgument, checkBoolean, checkInteger, checkOptions, optionNames } from './validate';
import { fixWebGlFloatPrecision } from './webgl-precision';
import { guardNodeReadSync } from './webgpu';

/** A backend name accepted by {@link initRuntime}. Any other registered tfjs backend name also works. */
export type BackendChoice = 'auto' | 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu' | (string & {});

/** Options of {@link initRuntime}. */
export interface RuntimeOptions {
  /**
   * Which backend to use. In Node, `'auto'` tries `@tensorflow/tfjs-node-gpu` (only with a usable CUDA
   * device), WebGPU through Dawn (the npm package `webgpu` with `@tensorflow/tfjs-backend-webgpu`, only on
   * a hardware adapter), `@tensorflow/tfjs-node`, `@tensorflow/tfjs-backend-wasm`, then `cpu`. In a browser
   * it tries WebGPU (hardware adapter), WebGL2 (hardware renderer that renders to float textures), wasm, then
   * cpu. `'auto'` passes over software GPUs (SwiftShader, llvmpipe, lavapipe, WARP, fallback adapters: slower
   * than wasm) and says so; `'webgpu'` or `'webgl'` by name use them. A named backend that cannot load is an
   * error that says how to install it, never a silent fallback. Defaults to the environment variable
   * `BETTERDL_BACKEND`, else `'auto'`.
   */
  backend?: BackendChoice;
  /** Seed every unseeded random draw (see `setSeed`). Defaults to no seeding. */
  seed?: number;
  /** Print a one-line summary of the choice (and what was skipped) with `console.info`. Defaults to `true`. */
  verbose?: boolean;
  /**
   * wasm only: threads for the multi-threaded SIMD build. In Node (where stock tfjs never uses threads)
   * betterdl starts the threaded build itself with exactly this many threads, including the calling one;
   * it must be set at the first `initRuntime` that starts wasm in the process. In browsers it is passed to
   * tfjs's `setThreadsCount` (threads need a cross-origin-isolated page). Defaults to 1 in Node and to
   * tfjs's choice in browsers.
   */
  threads?: number;
  /**
   * wasm only: where the page fetches tfjs's `.wasm` binaries, forwarded to tfjs-backend-wasm's
   * `setWasmPaths` before the backend starts: a directory URL ending in `/` that holds all three, or a map
   * from each binary name (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`,
   * `tfjs-backend-wasm-threaded-simd.wasm`) to its URL. Needed in browsers when a bundler does not place the
   * binaries next to the page (copy them from `node_modules/@tensorflow/tfjs-backend-wasm/dist/`). It applies
   * when wasm first starts; once wasm runs it changes nothing. Defaults to tfjs's choice: the binaries next
   * to the page (browsers) or inside the package (Node).
   */
  wasmPaths?:
    | string
    | {
        'tfjs-backend-wasm.wasm': string;
        'tfjs-backend-wasm-simd.wasm': string;
        'tfjs-backend-wasm-threaded-simd.wasm': string;
      };
  /**
   * wasm only: register betterdl's kernel fixes — transposed and batched matMul through XNNPACK, and the
   * backprop kernels stock wasm lacks (`Conv2DBackpropFilter`, depthwise backprops, `UnsortedSegmentSum`),
   * so Dense layers train several times faster and CNNs and embeddings train at all. `false` restores the
   * stock kernels. Defaults to `true`.
   */
  kernelFixes?: boolean;
  /**
   * betterdl's fast paths for training: fused optimizer updates (one kernel per step for tfjs's SGD,
   * Momentum, Adam, Adamax, RMSProp, Adagrad and Adadelta on cpu and wasm), validation inside `fit` in
   * batches as large as a 16 MiB activation budget allows (one batch for small validation sets), and on cpu
   * and wasm `binaryCrossentropy` with its accuracy metric and the L1/L2 penalty as fused kernels, and no
   * `Identity` kernel for the tensors backprop keeps. Results equal stock tfjs within float32 rounding.
   * `false` restores stock tfjs everywhere. Defaults to the environment variable `BETTERDL_FAST_PATHS` (`0`
   * or `false` turns them off), else `true`.
   */
  fastPaths?: boolean;
  /** Throw when two copies or versions of tfjs-core are loaded (instead of reporting them). Defaults to `false`. */
  strictSingleTfjs?: boolean;
}

/** A backend candidate that `auto` skipped, and why. */
export interface SkippedBackend {
  /** The tfjs backend name (`'tensorflow'`, `'wasm'`, ...). */
  backend: string;
  /** The npm package that provides it. */
  package: string;
  /** Why it was skipped: not installed, failed to load (with the error), no CUDA device, software GPU, ... */
  reason: string;
}

/** What {@link initRuntime} chose and why. */
export interface RuntimeInfo {
  /** The active tfjs backend name. */
  backend: string;
  /** The npm package that provides it. */
  package: string;
  /** True for the libtensorflow bindings (tfjs-node / tfjs-node-gpu). */
  native: boolean;
  /** True when computing on a GPU (also a software one: see `device.software`). */
  gpu: boolean;
  /** The device the backend computes on: GPU adapter or renderer, software or not, CUDA GPUs, or the CPU. */
  device: DeviceInfo;
  /** wasm: whether the SIMD build runs. */
  simd?: boolean;
  /** wasm: threads in use. */
  threads?: number;
  /** wasm: the kernels betterdl replaced or added (empty with `kernelFixes: false`). */
  kernelFixes?: string[];
  /** The optimizers whose updates run as one fused kernel per step (empty with `fastPaths: false`). */
  optimizerFastPaths?: string[];
  /** Whether betterdl's fast paths are on (see {@link RuntimeOptions.fastPaths}). */
  fastPaths: boolean;
  /** Versions of the tfjs packages in use. */
  versions: { core: string; layers?: string; backend?: string };
  /** Candidates tried before the chosen one, with reasons. */
  skipped: SkippedBackend[];
  /** The seed applied, if any. */
  seed: number | null;
  /** Result of the single-tfjs check. */
  tfjs: TfjsDuplicateReport;
  /** The one-line summary printed when verbose. */
  summary: string;
}

interface Candidate {
  backend: string;
  package: string;
  native: boolean;
  gpu: boolean;
  install: string;
  /** The hardware probe to run first (GPU backends). */
  probe?: 'cuda' | 'webgpu' | 'webgl';
}

const NODE_GPU: Candidate = {
  backend: 'tensorflow',
  package: '@tensorflow/tfjs-node-gpu',
  native: true,
  gpu: true,
  install: 'npm i @tensorflow/tfjs-node-gpu (needs CUDA 11.2 and cuDNN 8)',
  probe: 'cuda',
};
const WEBGPU: Candidate = {
  backend: 'webgpu',
  package: '@tensorflow/tfjs-backend-webgpu',
  native: false,
  gpu: true,
  install: isNode()
    ? 'npm i webgpu @tensorflow/tfjs-backend-webgpu'
    : "npm i @tensorflow/tfjs-backend-webgpu and import '@tensorflow/tfjs-backend-webgpu' in your app",
  probe: 'webgpu',
};
const WEBGL: Candidate = {
  backend: 'webgl',
  package: '@tensorflow/tfjs-backend-webgl',
  native: false,
  gpu: true,
  install: "npm i @tensorflow/tfjs-backend-webgl and import '@tensorflow/tfjs-backend-webgl' in your app",
  probe: 'webgl',
};
const NODE: Candidate = {
  backend: 'tensorflow',
  package: '@tensorflow/tfjs-node',
  native: true,
  gpu: false,
  install: 'npm i @tensorflow/tfjs-node',
};
const WASM: Candidate = {
  backend: 'wasm',
  package: '@tensorflow/tfjs-backend-wasm',
  native: false,
  gpu: false,
  install: 'npm i @tensorflow/tfjs-backend-wasm',
};
const CPU: Candidate = {
  backend: 'cpu',
  package: '@tensorflow/tfjs-backend-cpu',
  native: false,
  gpu: false,
  install: 'npm i @tensorflow/tfjs-backend-cpu',
};

const CHOICES = ['auto', 'tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];
const WASM_BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

const WASM_HINT =
  ' (most often the page could not fetch its .wasm binary: serve the files of ' +
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm and pass their URL as initRuntime({ wasmPaths }))';

const CUDA_HINT =
  ' (tfjs-node-gpu needs CUDA 11.2 and cuDNN 8 libraries; on another CUDA, train on the same GPU with ' +
  'npm i webgpu @tensorflow/tfjs-backend-webgpu)';

/** Runs the candidate's hardware probe: the device it would compute on, or why it cannot be used. */
async function probeDevice(
  c: Candidate,
  auto: boolean,
): Promise<{ device: DeviceInfo } | { reason: string; fix?: string }> {
  if (c.probe === 'cuda') {
    const cuda = await probes.cuda();
    return cuda.usable ? { device: describeCudaGpus(cuda.gpus) } : { reason: cuda.reason };
  }
  if (c.probe === 'webgpu' || c.probe === 'webgl') {
    const p = await probes[c.probe]();
    if (!p.ok) return p;
    if (auto && p.device.software) {
      return {
        reason:
          `software GPU ${p.device.description}: slower than wasm (` +
          `backend '${c.backend}' uses it anyway)`,
      };
    }
    return { device: p.device };
  }
  return { device: await probes.cpu() };
}

/** Load a candidate's package and make its backend active; returns its device, or the reason it failed. */
async function tryCandidate(
  c: Candidate,
  auto: boolean,
  threads?: number,
  wasmPaths?: RuntimeOptions['wasmPaths'],
): Promise<{ device: DeviceInfo } | { reason: string; fix?: string }> {
  if (c.native && !isNode()) return { reason: 'not available in a browser' };
  const probed = await probeDevice(c, auto);
  if ('reason' in probed) return probed;
  const fail = (reason: string) => ({ reason });
  if (!tf.findBackendFactory(c.backend) || c.native) {
    try {
      const mod = await loadBackendPackage(c.package);
      if (c.backend === 'wasm' && threads !== undefined) {
        (mod as { setThreadsCount?: (n: number) => void }).setThreadsCount?.(threads);
      }
    } catch (err) {
      const { detail } = describeImportFailure(err, c.package);
      return fail(c === NODE_GPU && detail !== 'not installed' ? `${detail}${CUDA_HINT}` : detail);
    }
  }
  if (!tf.findBackendFactory(c.backend)) {
    const late =
      c === WEBGPU && isNode()
        ? ` (it registers only when navigator.gpu exists as it loads: let initRuntime import it, not your code)`
        : '';
    return fail(`${c.package} loaded but registered no '${c.backend}' backend${late}`);
  }
  if (c.backend === 'wasm' && wasmPaths !== undefined && !isBackendStarted('wasm')) {
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as {
      setWasmPaths(paths: NonNullable<RuntimeOptions['wasmPaths']>): void;
    };
    try {
      wasm.setWasmPaths(wasmPaths);
    } catch (err) {
      return fail(`setWasmPaths failed: ${(err as Error).message}`);
    }
  }
  if (c.backend === 'wasm' && threads !== undefined && isNode()) await useThreadedWasm(threads);
  try {
    const ok = await tf.setBackend(c.backend);
    if (!ok)
      return fail(
        `the '${c.backend}' backend failed to initialise${c === WASM && !isNode() ? WASM_HINT : ''}`,
      );
    await tf.ready();
  } catch (err) {
    return fail(`the '${c.backend}' backend failed to initialise: ${(err as Error).message}`);
  }
  if (c === WEBGPU && isNode()) guardNodeReadSync(tf.backend());
  if (c === WEBGL) fixWebGlFloatPrecision(tf.backend());
  return probed;
}

/** The bundled backends are imported with literal names so bundlers include them; native ones are not. */
function loadBackendPackage(pkg: string): Promise<unknown> {
  if (pkg === WASM.package) return import('@tensorflow/tfjs-backend-wasm');
  if (pkg === CPU.package) return import('@tensorflow/tfjs-backend-cpu');
  return importOptional(pkg);
}

function candidatesFor(choice: string): Candidate[] {
  switch (choice) {
    case 'auto':
      return isNode() ? [NODE_GPU, WEBGPU, NODE, WASM, CPU] : [WEBGPU, WEBGL, WASM, CPU];
    case 'tensorflow':
      return [NODE_GPU, NODE];
    case 'webgpu':
      return [WEBGPU];
    case 'webgl':
      return [WEBGL];
    case 'wasm':
      return [WASM];
    case 'cpu':
      return [CPU];
    default:
      return [
        {
          backend: choice,
          package: `the package that registers '${choice}'`,
          native: false,
          gpu: false,
          install: `import the package that provides the '${choice}' backend before initRuntime()`,
        },
      ];
  }
}

/**
 * Selects and activates the fastest tfjs backend available, optionally seeds the run, and checks that
 * one tfjs-core is shared by everything. Importing this package does nothing; calling this does the work.
 *
 * @example
 * const info = await initRuntime({ seed: 42 });
 * console.log(info.backend, info.skipped);
 */
const RUNTIME_OPTIONS = optionNames<RuntimeOptions>({
  backend: true,
  seed: true,
  verbose: true,
  threads: true,
  wasmPaths: true,
  kernelFixes: true,
  fastPaths: true,
  strictSingleTfjs: true,
});

export async function initRuntime(options: RuntimeOptions = {}): Promise<RuntimeInfo> {
  checkOptions('initRuntime', options, RUNTIME_OPTIONS);
  const choice = (options.backend ?? env('BETTERDL_BACKEND') ?? 'auto').trim();
  checkArgument(choice.length > 0, 'initRuntime', `backend is empty. Use one of ${CHOICES.join(', ')}.`);
  if (options.threads !== undefined) checkInteger('initRuntime', 'threads', options.threads, { min: 1 });
  if (options.kernelFixes !== undefined) checkBoolean('initRuntime', 'kernelFixes', options.kernelFixes);
  if (options.fastPaths !== undefined) checkBoolean('initRuntime', 'fastPaths', options.fastPaths);
  const fastPaths = fastPathsSetting(options.fastPaths);
  if (options.verbose !== undefined) checkBoolean('initRuntime', 'verbose', options.verbose);
  if (options.wasmPaths !== undefined) checkWasmPaths(options.wasmPaths);
  registerChainedOps();
  if (!CHOICES.includes(choice) && !tf.findBackendFactory(choice)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `initRuntime: unknown backend '${choice}'. Use one of ${CHOICES.join(', ')}, or import the package that ` +
        `registers '${choice}' first (registered now: ${tf.engine().backendNames().join(', ') || 'none'}).`,
    );
  }
  const skipped: SkippedBackend[] = [];
  let chosen: Candidate | undefined;
  let device: DeviceInfo | undefined;
  const fixes: string[] = [];
  for (const c of candidatesFor(choice)) {
    const r = await tryCandidate(c, choice === 'auto', options.threads, options.wasmPaths);
    if ('device' in r) {
      chosen = c;
      device = r.device;
      break;
    }
    skipped.push({ backend: c.backend, package: c.package, reason: r.reason });
    fixes.push(r.fix ?? c.install);
  }
  if (!chosen || !device) {
    const tried = skipped.map((s) => `${s.package}: ${s.reason}`).join('; ');
    throw new BetterDLError(
      'BACKEND_UNAVAILABLE',
      `initRuntime: backend '${choice}' is not available (${tried}). Fix: ${fixes.join(' or ')}, or use backend 'auto'.`,
    );
  }
  if (chosen.backend === 'wasm') {
    if (options.kernelFixes ?? true) applyWasmKernelFixes();
    else removeWasmKernelFixes();
  }
  if (fastPaths) applyOptimizerFastPaths();
  else removeOptimizerFastPaths();
  await setFastPaths(fastPaths);
  if (options.seed !== undefined) setSeed(options.seed);
  const tfjs = await checkSingleTfjs();
  if (tfjs.duplicated && options.strictSingleTfjs) {
    throw new BetterDLError(
      'DUPLICATE_TFJS',
      `initRuntime: more than one @tensorflow/tfjs-core is loaded. ${tfjs.fix}`,
    );
  }
  rememberDevice(chosen.backend, device);
  const info = await describe(chosen, device, skipped, options, tfjs, fastPaths);
  if (options.verbose ?? true) console.info(info.summary);
  if (tfjs.duplicated) console.warn(`betterdl: more than one @tensorflow/tfjs-core is loaded. ${tfjs.fix}`);
  return info;
}

function checkWasmPaths(paths: unknown): void {
  if (typeof paths === 'string') {
    checkArgument(
      paths.endsWith('/'),
      'initRuntime',
      `wasmPaths must be the directory URL that holds the .wasm files, ending in '/' ` +
        `(tfjs appends the file name to it), e.g. '/wasm/'; got '${paths}'.`,
    );
    return;
  }
  const names = WASM_BINARIES;
  const map = paths as Record<string, unknown> | null;
  const ok =
    typeof map === 'object' &&
    map !== null &&
    Object.keys(map).every((k) => names.includes(k)) &&
    names.every((k) => typeof map[k] === 'string' && (map[k] as string).length > 0);
  checkArgument(
    ok,
    'initRuntime',
    `wasmPaths must be a directory URL ending in '/' or a map with a URL for each of ` +
      `${names.join(', ')}; got ${JSON.stringify(paths)}.`,
  );
}

async function describe(
  c: Candidate,
  device: DeviceInfo,
  skipped: SkippedBackend[],
  options: RuntimeOptions,
  tfjs: TfjsDuplicateReport,
  fastPaths: boolean,
): Promise<RuntimeInfo> {
  const versions: RuntimeInfo['versions'] = { core: tf.version_core };
  try {
    versions.layers = (
      await importOptional<{ version_layers: string }>('@tensorflow/tfjs-layers')
    ).version_layers;
  } catch {
    // tfjs-layers is optional for the runtime
  }
  const info: RuntimeInfo = {
    backend: c.backend,
    package: c.package,
    native: c.native,
    gpu: device.kind === 'gpu',
    device,
    fastPaths,
    versions,
    skipped,
    seed: options.seed ?? null,
    optimizerFastPaths: appliedOptimizerFastPaths(),
    tfjs,
    summary: '',
  };
  let detail = '';
  if (c.backend === 'wasm') {
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as {
      version_wasm: string;
      getThreadsCount(): number;
    };
    versions.backend = wasm.version_wasm;
    info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    info.threads = wasm.getThreadsCount();
    info.kernelFixes = appliedWasmKernelFixes();
    const fixes = info.kernelFixes.length ? `, ${info.kernelFixes.length} kernel fixes` : ', stock kernels';
    detail = ` (${info.simd ? 'SIMD' : 'no SIMD'}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${fixes})`;
  }
  const why = skipped.map((s) => `${s.package.replace('@tensorflow/', '')} ${s.reason}`);
  const hint = skipped.some((s) => s.package === NODE.package && s.reason === 'not installed')
    ? ` — ${NODE.install} for native speed`
    : '';
  if (c.gpu) {
    detail = ` on ${device.description}${device.software ? ' (software)' : ''}`;
  }
  const seed = info.seed === null ? '' : `; seed ${info.seed}`;
  // The default (on) goes unsaid; the summary names the opt-out so a slower run is explained.
  const fast = fastPaths ? '' : '; fast paths off';
  info.summary = `betterdl: ${c.backend} backend${detail}${fast}${seed}${why.length ? `; ${why.join('; ')}${hint}` : ''}`;
  return info;
}
