/**
 * The fused optimizer-update kernels: one engine kernel per training step updates every variable of the
 * step (value and slots) and the optimizer's scalar variables. Inputs are `s0…` (the optimizer's scalar
 * tensors), then per variable `x<i>` (value), `g<i>` (gradient) and `a<i>_<j>` (slots); outputs are, per
 * variable, the new value and slots, then the new scalar variables. Attributes: `n` variables, `k` slots per
 * variable, `hyper` numbers, `flags` (Nesterov, centered).
 */
import type { DataId, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { type WasmBackendLike, WasmOps } from '../kernels/wasm-ops';
import type { FusedOptimizerName } from '../tfjs-internals';
import { wasmBackend } from '../tfjs-internals';
import { HOST_LOOPS, type HostStep, type HostVar, nextScalars } from './optimizer-math';
import { Chain, WASM_LOOP_LIMIT, wasmChainUpdate } from './optimizer-wasm';

/** Attributes of every fused update kernel. */
export interface FusedAttrs {
  n: number;
  k: number;
  hyper: number[];
  flags: number;
  scalars: number;
}

/** The kernel name of each optimizer's fused update. */
export const FUSED_KERNELS: Record<FusedOptimizerName, string> = {
  SGD: 'BetterDLSGDUpdate',
  Momentum: 'BetterDLMomentumUpdate',
  Adam: 'BetterDLAdamUpdate',
  Adamax: 'BetterDLAdamaxUpdate',
  RMSProp: 'BetterDLRMSPropUpdate',
  Adagrad: 'BetterDLAdagradUpdate',
  Adadelta: 'BetterDLAdadeltaUpdate',
};

/** The ordered inputs of a fused kernel as `[scalars, per-variable [x, g, ...slots]]`. */
export function splitInputs(
  inputs: NamedTensorInfoMap,
  a: FusedAttrs,
): { scalars: TensorInfo[]; vars: { x: TensorInfo; g: TensorInfo; slots: TensorInfo[] }[] } {
  const get = (key: string) => inputs[key] as TensorInfo;
  const scalars = Array.from({ length: a.scalars }, (_, j) => get(`s${j}`));
  const vars = Array.from({ length: a.n }, (_, i) => ({
    x: get(`x${i}`),
    g: get(`g${i}`),
    slots: Array.from({ length: a.k }, (_, j) => get(`a${i}_${j}`)),
  }));
  return { scalars, vars };
}

/** The little a host kernel needs from a cpu or wasm backend. */
interface HostMemory {
  /** A new float32 tensor; its values are written through {@link HostMemory.view} once all are made. */
  alloc(shape: number[]): TensorInfo;
  /** The float32 values of a tensor (input or made here), valid until the next `alloc`. */
  view(t: TensorInfo): Float32Array;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

interface CpuLike {
  readSync(dataId: DataId): unknown;
  makeTensorInfo(shape: number[], dtype: string, values?: Float32Array): TensorInfo;
}

function cpuMemory(backend: CpuLike): HostMemory {
  return {
    alloc: (shape) => backend.makeTensorInfo(shape, 'float32', new Float32Array(sizeOf(shape))),
    view: (t) => backend.readSync(t.dataId) as Float32Array,
  };
}

function wasmMemory(backend: WasmLike): HostMemory {
  return {
    alloc: (shape) => backend.makeOutput(shape, 'float32'),
    view: (t) => backend.typedArrayFromHeap(t),
  };
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The fused update kernel of optimizer `name` for the `cpu` or `wasm` backend: a float32 loop per variable,
 * except on wasm for variables of {@link WASM_LOOP_LIMIT} elements or more, which go through stock wasm's
 * SIMD kernels called directly.
 */
export function hostKernel(name: FusedOptimizerName, backendName: 'cpu' | 'wasm'): KernelFunc {
  const loop = HOST_LOOPS[name];
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as FusedAttrs;
    const wasm = backendName === 'wasm' ? wasmBackend<WasmBackendLike & WasmLike>(backend) : null;
    const mem = wasm ? wasmMemory(wasm) : cpuMemory(backend as CpuLike);
    const ops = wasm ? new WasmOps(wasm) : null;
    try {
      const { scalars, vars } = splitInputs(inputs, a);
      const step: HostStep = {
        hyper: a.hyper,
        flags: a.flags,
        scalars: scalars.map((s) => mem.view(s)[0] as number),
      };
      const chain = ops ? new Chain(ops, scalars) : null;
      const chained = vars.map((v) =>
        ops && chain && sizeOf(v.x.shape) >= WASM_LOOP_LIMIT
          ? wasmChainUpdate(ops, chain, name, v.x, v.g, v.slots, step)
          : null,
      );
      // Allocating can grow the wasm heap and detach earlier views: make every output first.
      const outs = vars.map(
        (v, i) => chained[i] ?? [mem.alloc(v.x.shape), ...v.slots.map((s) => mem.alloc(s.shape))],
      );
      const scalarOuts = nextScalarCount(name) ? scalars.map(() => mem.alloc([])) : [];
      vars.forEach((v, i) => {
        if (chained[i]) return;
        const out = outs[i] as TensorInfo[];
        const hv: HostVar = {
          x: mem.view(v.x),
          g: mem.view(v.g),
          slots: v.slots.map((s) => mem.view(s)),
          outX: mem.view(out[0] as TensorInfo),
          outSlots: out.slice(1).map((o) => mem.view(o)),
        };
        loop(hv, step);
      });
      const next = nextScalars(name, step);
      scalarOuts.forEach((o, j) => {
        mem.view(o)[0] = next[j] as number;
      });
      return [...outs.flat(), ...scalarOuts];
    } finally {
      ops?.dispose();
    }
  };
}

/** How many scalar variables the optimizer's step updates (its inputs `s<j>` that are also outputs). */
export function nextScalarCount(name: FusedOptimizerName): number {
  return name === 'Adam' || name === 'Adamax' ? 2 : 0;
}
