/**
 * The fused updates on WebGPU: per variable, one compute shader per output (new value, each new slot) that
 * reads value, gradient and slots once and does the whole update in registers; the optimizer's scalar
 * variables (Adam's beta powers, Adamax's step) are read by the shaders from their GPU buffers, so nothing
 * is read back to the CPU. Float32 arithmetic in tfjs's order; the GPU's own division and square root.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { FusedOptimizerName } from '../tfjs-internals';
import { webGpuBackend } from '../tfjs-internals';
import { type FusedAttrs, nextScalarCount, splitInputs } from './optimizer-kernels';
import {
  HYPER,
  scalarConstants,
  scalarStatements,
  shaderConstants,
  shaderStatements,
} from './optimizer-shader';

const f = Math.fround;

interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode(): string;
}

const WORKGROUP = 64;
const UNIFORMS = Array.from({ length: HYPER }, (_, j) => `h${j} : f32,`).join(' ');

function program(shape: number[], names: string[], key: string, code: string): Program {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: names,
    outputShape: shape,
    shaderKey: key,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    uniforms: UNIFORMS,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${code}
        }
      }`,
  };
}

/** A neutral expression in WGSL: slots `S<j>` and scalars `K<j>` read from their buffers, `h<j>` uniforms. */
function wgsl(expr: string): string {
  return expr
    .replace(/\bS(\d)\b/g, 'S$1[index]')
    .replace(/\bK(\d)\b/g, 'K$1[0]')
    .replace(/\bh(\d)\b/g, 'uniforms.h$1');
}

interface WebGpuLike {
  runWebGPUProgram(
    p: Program,
    inputs: TensorInfo[],
    dtype: string,
    uniforms?: { type: string; data: number[] }[],
  ): TensorInfo;
}

/** The fused update kernel of optimizer `name` for tfjs's `webgpu` backend. */
export function webGpuKernel(name: FusedOptimizerName): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as FusedAttrs;
    const gpu = webGpuBackend<WebGpuLike>(backend);
    const { scalars, vars } = splitInputs(inputs, a);
    const hyper = shaderConstants(name, a.hyper).map(f);
    const statements = shaderStatements(name, a.flags)
      .map(([n, e]) => `let ${n} = ${wgsl(e)};`)
      .join('\n          ');
    const uniforms = Array.from({ length: HYPER }, (_, j) => ({ type: 'float32', data: [hyper[j] ?? 0] }));
    const kNames = scalars.map((_, j) => `K${j}`);
    const out: TensorInfo[] = [];
    for (const v of vars) {
      const names = ['X', 'G', ...v.slots.map((_, j) => `S${j}`), ...kNames];
      const ins = [v.x, v.g, ...v.slots, ...scalars];
      for (let o = 0; o <= v.slots.length; o++) {
        const code = `let x = X[index]; let g = G[index];
          ${statements}
          setOutputAtIndex(index, r${o});`;
        const key = `betterdl_${name}_${a.flags}_${v.slots.length}_${o}`;
        out.push(gpu.runWebGPUProgram(program(v.x.shape, names, key, code), ins, 'float32', uniforms));
      }
    }
    if (nextScalarCount(name)) {
      const next = scalarStatements(name)
        .map(([n, e]) => `let ${n} = ${wgsl(e)};`)
        .join(' ');
      const u = scalarConstants(name, a.hyper).map(f);
      const su = Array.from({ length: HYPER }, (_, j) => ({ type: 'float32', data: [u[j] ?? 0] }));
      [0, 1].forEach((j) => {
        const code = `${next} setOutputAtIndex(index, s${j});`;
        const p = program([], kNames, `betterdl_${name}_scalar_${j}`, code);
        out.push(gpu.runWebGPUProgram(p, scalars, 'float32', su));
      });
    }
    return out;
  };
}
