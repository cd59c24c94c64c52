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

const f = Math.fround;
const HYPER = 8;

/** The WGSL lines computing `r0` (new value) and `r1…` (new slots) from `x`, `g`, `S<j>[index]`, `K<j>[0]`. */
function body(name: FusedOptimizerName, flags: number): string {
  switch (name) {
    case 'SGD':
      return 'let r0 = K0[0] * g + x;';
    case 'Momentum':
      return `let r1 = K1[0] * S0[index] + g;
        let r0 = ${flags ? 'K0[0] * (g + r1 * K1[0]) + x' : 'K0[0] * r1 + x'};`;
    case 'Adam':
      return `let r1 = S0[index] * uniforms.h0 + g * uniforms.h1;
        let r2 = S1[index] * uniforms.h2 + (g * g) * uniforms.h3;
        let mh = r1 / (1.0 - K0[0]);
        let vh = r2 / (1.0 - K1[0]);
        let r0 = (mh / (sqrt(vh) + uniforms.h4)) * uniforms.h5 + x;`;
    case 'Adamax':
      return `let rate = uniforms.h4 / (K0[0] * uniforms.h5 + 1.0);
        let r1 = S0[index] * uniforms.h0 + g * uniforms.h1;
        let r2 = max(S1[index] * uniforms.h2, abs(g));
        let r0 = (rate / (1.0 - K1[0])) * (r1 / (r2 + uniforms.h3)) + x;`;
    case 'RMSProp':
      return `let r1 = S0[index] * uniforms.h0 + (g * g) * uniforms.h1;
        ${
          flags
            ? `let r3 = S2[index] * uniforms.h0 + g * uniforms.h1;
        let den = sqrt(r1 - (r3 * r3 + uniforms.h4));`
            : 'let den = sqrt(r1 + uniforms.h4);'
        }
        let r2 = S1[index] * uniforms.h2 + (g * uniforms.h3) / den;
        let r0 = x - r2;`;
    case 'Adagrad':
      return `let r1 = S0[index] + g * g;
        let r0 = (g / sqrt(r1 + uniforms.h1)) * uniforms.h0 + x;`;
    case 'Adadelta':
      return `let r1 = S0[index] * uniforms.h0 + (g * g) * uniforms.h1;
        let upd = (sqrt(S1[index] + uniforms.h2) / sqrt(S0[index] + uniforms.h2)) * g;
        let r2 = S1[index] * uniforms.h0 + (upd * upd) * uniforms.h1;
        let r0 = upd * uniforms.h3 + x;`;
  }
}

/** The float32 constants each body reads as `uniforms.h<j>`. */
function constants(name: FusedOptimizerName, hyper: number[]): number[] {
  const [a = 0, b = 0, c = 0, d = 0, e = 0] = hyper;
  switch (name) {
    case 'Adam':
      return [b, 1 - b, c, 1 - c, d, -a];
    case 'Adamax':
      return [b, 1 - b, c, d, -a, e];
    case 'RMSProp':
      return [b, 1 - b, c, a, d];
    case 'Adagrad':
      return [-a, b];
    case 'Adadelta':
      return [b, 1 - b, c, -a];
    default:
      return [];
  }
}

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
    const hyper = constants(name, a.hyper).map(f);
    const uniforms = Array.from({ length: HYPER }, (_, j) => ({ type: 'float32', data: [hyper[j] ?? 0] }));
    const kNames = scalars.map((_, j) => `K${j}`);
    const out: TensorInfo[] = [];
    for (const v of vars) {
      const names = ['X', 'G', ...v.slots.map((_, j) => `S${j}`), ...kNames];
      const ins = [v.x, v.g, ...v.slots, ...scalars];
      for (let o = 0; o <= v.slots.length; o++) {
        const code = `let x = X[index]; let g = G[index];
          ${body(name, a.flags)}
          setOutputAtIndex(index, r${o});`;
        const key = `betterdl_${name}_${a.flags}_${v.slots.length}_${o}`;
        out.push(gpu.runWebGPUProgram(program(v.x.shape, names, key, code), ins, 'float32', uniforms));
      }
    }
    if (nextScalarCount(name)) {
      const [b1 = 0, b2 = 0] = name === 'Adam' ? [a.hyper[1], a.hyper[2]] : [0, a.hyper[1]];
      const next =
        name === 'Adam'
          ? 'let s0 = K0[0] * uniforms.h0; let s1 = K1[0] * uniforms.h1;'
          : 'let s0 = K0[0] + 1.0; let s1 = K1[0] * uniforms.h1;';
      const u = [f(b1), f(b2)];
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
