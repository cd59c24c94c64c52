/**
 * The fused updates of large variables on wasm: the same chain of stock wasm kernels (XNNPACK SIMD) that
 * tfjs's `applyGradients` runs, called directly inside the one fused kernel — same bits as stock, without the
 * engine's per-kernel cost. A JavaScript loop over 100k parameters is slower than those SIMD kernels; below
 * {@link WASM_LOOP_LIMIT} elements the loop wins (the kernel calls' fixed cost dominates).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmOps } from '../kernels/wasm-ops';
import type { FusedOptimizerName } from '../tfjs-internals';
import type { HostStep } from './optimizer-math';

/** Variables with at least this many elements are updated with stock wasm kernels, smaller ones by a loop. */
export const WASM_LOOP_LIMIT = 4096;

const f = Math.fround;

/**
 * Stock wasm kernels on `TensorInfo`s, with float32 scalars made on the heap once per kernel call, and the
 * optimizer's own scalar tensors (`k`: SGD's and Momentum's rate and momentum) used as they are.
 */
export class Chain {
  private readonly consts = new Map<number, TensorInfo>();
  constructor(
    private readonly ops: WasmOps,
    readonly k: TensorInfo[],
  ) {}
  s(v: number): TensorInfo {
    const key = f(v);
    let t = this.consts.get(key);
    if (!t) {
      t = this.ops.output([], 'float32');
      this.ops.backend.typedArrayFromHeap(t)[0] = key;
      this.consts.set(key, t);
    }
    return t;
  }
  private bin(kernel: string, a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.ops.run(kernel, { a, b });
  }
  mul = (a: TensorInfo, b: TensorInfo) => this.bin('Multiply', a, b);
  add = (a: TensorInfo, b: TensorInfo) => this.bin('Add', a, b);
  sub = (a: TensorInfo, b: TensorInfo) => this.bin('Sub', a, b);
  div = (a: TensorInfo, b: TensorInfo) => this.bin('RealDiv', a, b);
  max = (a: TensorInfo, b: TensorInfo) => this.bin('Maximum', a, b);
  sqrt = (x: TensorInfo) => this.ops.run('Sqrt', { x });
  square = (x: TensorInfo) => this.ops.run('Square', { x });
  abs = (x: TensorInfo) => this.ops.run('Abs', { x });
}

type Program = (c: Chain, x: TensorInfo, g: TensorInfo, slots: TensorInfo[], step: HostStep) => TensorInfo[];

/** Each optimizer's op chain, as tfjs-core 4.22's `applyGradients` writes it. */
const PROGRAMS: Record<FusedOptimizerName, Program> = {
  SGD: (c, x, g) => [c.add(c.mul(c.k[0] as TensorInfo, g), x)],
  Momentum: (c, x, g, [acc], { flags }) => {
    const lr = c.k[0] as TensorInfo;
    const m = c.k[1] as TensorInfo;
    const a1 = c.add(c.mul(m, acc as TensorInfo), g);
    const x1 = flags ? c.add(c.mul(lr, c.add(g, c.mul(a1, m))), x) : c.add(c.mul(lr, a1), x);
    return [x1, a1];
  },
  Adam: (c, x, g, [m, v], { hyper, scalars }) => {
    const [lr, b1, b2, eps] = hyper as [number, number, number, number];
    const m1 = c.add(c.mul(m as TensorInfo, c.s(b1)), c.mul(g, c.s(1 - b1)));
    const v1 = c.add(c.mul(v as TensorInfo, c.s(b2)), c.mul(c.square(g), c.s(1 - b2)));
    const mh = c.div(m1, c.s(f(1 - (scalars[0] as number))));
    const vh = c.div(v1, c.s(f(1 - (scalars[1] as number))));
    return [c.add(c.mul(c.div(mh, c.add(c.sqrt(vh), c.s(eps))), c.s(-lr)), x), m1, v1];
  },
  Adamax: (c, x, g, [m, u], { hyper, scalars }) => {
    const [lr, b1, b2, eps, decay] = hyper as [number, number, number, number, number];
    const rate = f(f(-lr) / f(f((scalars[0] as number) * f(decay)) + 1));
    const scale = c.s(f(rate / f(1 - (scalars[1] as number))));
    const m1 = c.add(c.mul(m as TensorInfo, c.s(b1)), c.mul(g, c.s(1 - b1)));
    const u1 = c.max(c.mul(u as TensorInfo, c.s(b2)), c.abs(g));
    return [c.add(c.mul(scale, c.div(m1, c.add(u1, c.s(eps)))), x), m1, u1];
  },
  RMSProp: (c, x, g, [ms, mom, mg], { hyper, flags }) => {
    const [lr, decay, momentum, eps] = hyper as [number, number, number, number];
    const s1 = c.add(c.mul(ms as TensorInfo, c.s(decay)), c.mul(c.square(g), c.s(1 - decay)));
    if (flags) {
      const g1 = c.add(c.mul(mg as TensorInfo, c.s(decay)), c.mul(g, c.s(1 - decay)));
      const step = c.div(c.mul(g, c.s(lr)), c.sqrt(c.sub(s1, c.add(c.square(g1), c.s(eps)))));
      const a1 = c.add(c.mul(mom as TensorInfo, c.s(momentum)), step);
      return [c.sub(x, a1), s1, a1, g1];
    }
    const step = c.div(c.mul(g, c.s(lr)), c.sqrt(c.add(s1, c.s(eps))));
    const a1 = c.add(c.mul(mom as TensorInfo, c.s(momentum)), step);
    return [c.sub(x, a1), s1, a1];
  },
  Adagrad: (c, x, g, [acc], { hyper }) => {
    const [lr, eps] = hyper as [number, number];
    const a1 = c.add(acc as TensorInfo, c.square(g));
    return [c.add(c.mul(c.div(g, c.sqrt(c.add(a1, c.s(eps)))), c.s(-lr)), x), a1];
  },
  Adadelta: (c, x, g, [ag, au], { hyper }) => {
    const [lr, rho, eps] = hyper as [number, number, number];
    const e = c.s(eps);
    const ag1 = c.add(c.mul(ag as TensorInfo, c.s(rho)), c.mul(c.square(g), c.s(1 - rho)));
    const upd = c.mul(c.div(c.sqrt(c.add(au as TensorInfo, e)), c.sqrt(c.add(ag as TensorInfo, e))), g);
    const au1 = c.add(c.mul(au as TensorInfo, c.s(rho)), c.mul(c.square(upd), c.s(1 - rho)));
    return [c.add(c.mul(upd, c.s(-lr)), x), ag1, au1];
  },
};

/** One large variable's update through stock wasm kernels; returns its new value and slots (kept). */
export function wasmChainUpdate(
  ops: WasmOps,
  chain: Chain,
  name: FusedOptimizerName,
  x: TensorInfo,
  g: TensorInfo,
  slots: TensorInfo[],
  step: HostStep,
): TensorInfo[] {
  return PROGRAMS[name](chain, x, g, slots, step).map((t) => ops.keep(t));
}
