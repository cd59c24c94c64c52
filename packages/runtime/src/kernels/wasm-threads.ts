import * as tf from '@tensorflow/tfjs-core';
import { BetterDLError } from '../errors';
import { globalState } from '../global-state';
import { importOptional } from '../platform';
import { isBackendStarted, loadThreadedWasmFiles } from '../tfjs-internals';

const PKG = '@tensorflow/tfjs-backend-wasm';

interface NodeWorker {
  unref(): void;
}
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: { runningWorkers: NodeWorker[]; unusedWorkers: NodeWorker[] };
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
interface WasmPackage {
  BackendWasm: new (module: unknown) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
  version_wasm?: string;
}
interface NodeBits {
  fs: typeof import('node:fs');
  os: typeof import('node:os');
  path: typeof import('node:path');
}

/** The thread count the wasm module was built for (`null`: stock module), shared by every runtime copy. */
const threaded = () => globalState('runtime.wasm-threads', () => ({ for: null as number | null }));

/**
 * Builds tfjs's threaded-SIMD wasm module the way Node can run it. Stock tfjs refuses threads in Node
 * (`WASM_HAS_MULTITHREAD_SUPPORT` is false there) because it hands Emscripten a `blob:` URL for the worker
 * script, which Node's `worker_threads` cannot load. Here the worker script is a real file and the main
 * script is the package's own file. tfjs also caps its pool at half the logical cores (it assumes two
 * hyper-threads per core); the core count it reads is raised to `2 × threads` while the module starts, so
 * the pool gets the threads asked for.
 */
async function createThreadedModule(
  threads: number,
  node: NodeBits,
  version: string,
): Promise<EmscriptenModule> {
  const { factory, worker: wasmWorkerContents } = await loadThreadedWasmFiles<Factory>(version);
  const dir = node.fs.mkdtempSync(node.path.join(node.os.tmpdir(), 'betterdl-wasm-'));
  const workerFile = node.path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  // The package stores the worker as a template string; newlines inside its string literals must stay escaped.
  node.fs.writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, '\\n'));
  const realCpus = node.os.cpus;
  node.os.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: Math.max(cpus.length, 2 * threads) }, (_, i) => cpus[i % cpus.length]!);
  };
  try {
    const module = await factory({
      locateFile: (file: string, prefix: string) =>
        file.endsWith('.worker.js') ? workerFile : prefix + file,
    });
    (module as unknown as { tfjs: Record<string, unknown> }).tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  } finally {
    node.os.cpus = realCpus;
    // Emscripten starts its whole worker pool while the module loads; the file is not read again.
    node.fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Makes the next start of the `wasm` backend in Node use the multi-threaded build with `threads` threads
 * (the calling thread plus `threads - 1` workers). Must run before the wasm backend is first initialised;
 * returns without change when it already runs with that many threads.
 */
export async function useThreadedWasm(threads: number): Promise<void> {
  const wasm = await importOptional<WasmPackage>(PKG);
  const running = isBackendStarted('wasm');
  if (running) {
    if (threaded().for === threads || (threads === 1 && threaded().for === null)) return;
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `initRuntime: the wasm backend already runs with ${wasm.getThreadsCount()} thread(s); threads can only be ` +
        `chosen before it starts. Call initRuntime({ backend: 'wasm', threads: ${threads} }) first in the process.`,
    );
  }
  if (threads === 1) return;
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) {
    throw new BetterDLError(
      'UNSUPPORTED',
      `initRuntime: threads: ${threads} needs WebAssembly SIMD, which this Node.js lacks. Use Node.js 16.4 or ` +
        'newer, or leave threads unset.',
    );
  }
  const node: NodeBits = {
    fs: await importOptional('node:fs'),
    os: (await importOptional<{ default: typeof import('node:os') }>('node:os')).default,
    path: await importOptional('node:path'),
  };
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      wasm.setThreadsCount(threads);
      const module = await createThreadedModule(threads, node, wasm.version_wasm ?? 'of this install');
      const backend = new wasm.BackendWasm(module);
      // The thread pool's workers run for the life of the backend, and Emscripten holds a reference to each
      // running one, so Node would never exit on its own; they must not keep the process alive.
      for (const w of [...(module.PThread?.runningWorkers ?? []), ...(module.PThread?.unusedWorkers ?? [])]) {
        w.unref();
      }
      return backend;
    },
    2,
  );
  threaded().for = threads;
}
