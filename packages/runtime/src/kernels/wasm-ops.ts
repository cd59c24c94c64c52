import type { DataId, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { BetterDLError } from '../errors';
import { globalState } from '../global-state';
import { wasmBackend } from '../tfjs-internals';

/** The few members of tfjs-backend-wasm's `BackendWasm` that the kernel fixes use. */
export interface WasmBackendLike {
  disposeData(dataId: DataId, force?: boolean): boolean;
  incRef(dataId: DataId): void;
  readSync(dataId: DataId): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The kernel functions of the wasm backend as they were before any fix replaced them. */
const originals = () => globalState('runtime.wasm-stock-kernels', () => new Map<string, tf.KernelFunc>());

/** Remembers the stock wasm kernel `name` (once) so that fixes can call it even after replacing it. */
export function rememberOriginal(name: string): tf.KernelConfig | undefined {
  const config = tf.getKernel(name, 'wasm');
  if (config && !originals().has(name)) originals().set(name, config.kernelFunc);
  return config;
}

function missingKernel(name: string): BetterDLError {
  return new BetterDLError(
    'UNSUPPORTED',
    `betterdl kernel fixes: the wasm backend has no '${name}' kernel. Use @tensorflow/tfjs-backend-wasm 4.22 (the version the fixes are built on) or initRuntime({ kernelFixes: false }).`,
  );
}

/** Calls the stock wasm kernel `name` with a kernel's own arguments (no bookkeeping: nothing to free). */
export function callStock(name: string, args: Parameters<tf.KernelFunc>[0]): TensorInfo {
  const fn = originals().get(name) ?? tf.getKernel(name, 'wasm')?.kernelFunc;
  if (!fn) throw missingKernel(name);
  return fn(args) as TensorInfo;
}

/**
 * Runs stock wasm kernels on `TensorInfo`s inside a kernel and frees every intermediate result when the
 * kernel finishes, so a fix built from several kernels leaks nothing. Kernel outputs that are returned are
 * kept with {@link WasmOps.keep}.
 */
export class WasmOps {
  private readonly temps: TensorInfo[] = [];

  constructor(readonly backend: WasmBackendLike) {}

  /** Calls the stock wasm kernel `name`; the result is freed by {@link WasmOps.dispose} unless kept. */
  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const fn = originals().get(name) ?? tf.getKernel(name, 'wasm')?.kernelFunc;
    if (!fn) throw missingKernel(name);
    const out = fn({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Plain 2-D product `a [m, k] × b [k, n]` through XNNPACK (the untransposed wasm path). */
  matMul2d(a: TensorInfo, b: TensorInfo): TensorInfo {
    const m = a.shape[0] as number;
    const n = b.shape[1] as number;
    const out = this.run(
      'BatchMatMul',
      { a: this.reshape(a, [1, m, a.shape[1] as number]), b: this.reshape(b, [1, b.shape[0] as number, n]) },
      { transposeA: false, transposeB: false },
    );
    return this.reshape(out, [m, n]);
  }

  /** Zero-pads a 4-D tensor's two middle (spatial) axes; returns `x` itself when nothing is padded. */
  padSpatial(x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
    if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
    return this.run(
      'PadV2',
      { x },
      {
        paddings: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
  }

  /** Concatenates along axis 0 (contiguous block copies in the wasm Concat kernel). */
  concat0(xs: TensorInfo[]): TensorInfo {
    return xs.length === 1 ? (xs[0] as TensorInfo) : this.run('Concat', xs as never, { axis: 0 });
  }

  /** A new, uninitialised tensor (freed with the intermediates unless kept). */
  output(shape: number[], dtype: string): TensorInfo {
    const out = this.backend.makeOutput(shape, dtype);
    this.temps.push(out);
    return out;
  }

  /** Item `i` of a `[batch, r, c]` tensor as `[r, c]`: one contiguous copy (the Slice kernel is per element). */
  item(x: TensorInfo, i: number): TensorInfo {
    const [, r, c] = x.shape as [number, number, number];
    const out = this.output([r, c], x.dtype);
    const src = this.backend.typedArrayFromHeap(x);
    this.backend.typedArrayFromHeap(out).set(src.subarray(i * r * c, (i + 1) * r * c));
    return out;
  }

  /** A new int32 tensor holding `values`. */
  int32(values: ArrayLike<number>, shape: number[]): TensorInfo {
    const out = this.output(shape, 'int32');
    this.backend.typedArrayFromHeap(out).set(values);
    return out;
  }

  /** Takes `t` out of the intermediates so that it survives {@link WasmOps.dispose}. */
  keep(t: TensorInfo): TensorInfo {
    const i = this.temps.lastIndexOf(t);
    if (i >= 0) this.temps.splice(i, 1);
    else this.backend.incRef(t.dataId);
    return t;
  }

  /** Frees every intermediate that was not kept. */
  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** Runs `body` with a fresh {@link WasmOps}, keeps its result and frees everything else, even on error. */
export function withOps(backend: unknown, body: (ops: WasmOps) => TensorInfo): TensorInfo {
  const ops = new WasmOps(wasmBackend<WasmBackendLike>(backend));
  try {
    return ops.keep(body(ops));
  } finally {
    ops.dispose();
  }
}
