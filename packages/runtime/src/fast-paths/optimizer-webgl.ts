/**
 * The fused updates on WebGL2: per variable, one fragment program per output (new value, each new slot) that
 * reads value, gradient and slots once and does the whole update; the optimizer's scalar variables are
 * sampled from their textures, so nothing is read back to the CPU. Float32 arithmetic in tfjs's order
 * (betterdl's WebGL backend computes in float32 textures), the GPU's own division and square root.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { FusedOptimizerName } from '../tfjs-internals';
import { webGlBackend } from '../tfjs-internals';
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
  userCode: string;
  customUniforms: { name: string; type: 'float' }[];
}

interface WebGlLike {
  runWebGLProgram(p: Program, inputs: TensorInfo[], dtype: string, uniforms?: number[][]): TensorInfo;
}

const UNIFORMS = Array.from({ length: HYPER }, (_, j) => ({ name: `u_h${j}`, type: 'float' as const }));

/** A neutral expression in GLSL: slots and scalars read into locals `s_<j>`, `k_<j>`; `u_h<j>` uniforms. */
function glsl(expr: string): string {
  return expr
    .replace(/\bS(\d)\b/g, 's_$1')
    .replace(/\bK(\d)\b/g, 'k_$1')
    .replace(/\bh(\d)\b/g, 'u_h$1');
}

function program(
  shape: number[],
  names: string[],
  reads: string,
  statements: [string, string][],
  out: string,
) {
  return {
    variableNames: names,
    outputShape: shape,
    customUniforms: UNIFORMS,
    userCode: `
      void main() {
        ${reads}
        ${statements.map(([n, e]) => `float ${n} = ${glsl(e)};`).join('\n        ')}
        setOutput(${out});
      }`,
  };
}

/** The fused update kernel of optimizer `name` for tfjs's `webgl` backend. */
export function webGlKernel(name: FusedOptimizerName): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as FusedAttrs;
    const gl = webGlBackend<WebGlLike>(backend);
    const { scalars, vars } = splitInputs(inputs, a);
    const hyper = shaderConstants(name, a.hyper).map(f);
    const uniforms = Array.from({ length: HYPER }, (_, j) => [hyper[j] ?? 0]);
    const kNames = scalars.map((_, j) => `K${j}`);
    const kReads = kNames.map((k, j) => `float k_${j} = get${k}();`).join(' ');
    const statements = shaderStatements(name, a.flags);
    const out: TensorInfo[] = [];
    for (const v of vars) {
      const names = ['X', 'G', ...v.slots.map((_, j) => `S${j}`), ...kNames];
      const reads =
        'float x = getXAtOutCoords(); float g = getGAtOutCoords(); ' +
        v.slots.map((_, j) => `float s_${j} = getS${j}AtOutCoords();`).join(' ') +
        kReads;
      const ins = [v.x, v.g, ...v.slots, ...scalars];
      for (let o = 0; o <= v.slots.length; o++)
        out.push(
          gl.runWebGLProgram(program(v.x.shape, names, reads, statements, `r${o}`), ins, 'float32', uniforms),
        );
    }
    if (nextScalarCount(name)) {
      const u = scalarConstants(name, a.hyper).map(f);
      const su = Array.from({ length: HYPER }, (_, j) => [u[j] ?? 0]);
      for (const o of ['s0', 's1'])
        out.push(
          gl.runWebGLProgram(program([], kNames, kReads, scalarStatements(name), o), scalars, 'float32', su),
        );
    }
    return out;
  };
}
