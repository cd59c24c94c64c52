/**
 * The fused optimizer updates as shader statements shared by the WebGPU (WGSL) and WebGL (GLSL) kernels,
 * written in the subset both languages spell alike: `x` value, `g` gradient, `S<j>` slot j at this element,
 * `K<j>` scalar variable j, `h<j>` float32 constant j (see {@link shaderConstants}). Each statement binds a
 * name; `r0` is the new value and `r1…` the new slots, in tfjs-core's slot order.
 */
import type { FusedOptimizerName } from '../tfjs-internals';

/** How many `h<j>` constants every shader declares. */
export const HYPER = 8;

/** `[name, expression]` statements computing `r0` (new value) and `r1…` (new slots). */
export function shaderStatements(name: FusedOptimizerName, flags: number): [string, string][] {
  switch (name) {
    case 'SGD':
      return [['r0', 'K0 * g + x']];
    case 'Momentum':
      return [
        ['r1', 'K1 * S0 + g'],
        ['r0', flags ? 'K0 * (g + r1 * K1) + x' : 'K0 * r1 + x'],
      ];
    case 'Adam':
      return [
        ['r1', 'S0 * h0 + g * h1'],
        ['r2', 'S1 * h2 + (g * g) * h3'],
        ['mh', 'r1 / (1.0 - K0)'],
        ['vh', 'r2 / (1.0 - K1)'],
        ['r0', '(mh / (sqrt(vh) + h4)) * h5 + x'],
      ];
    case 'Adamax':
      return [
        ['rate', 'h4 / (K0 * h5 + 1.0)'],
        ['r1', 'S0 * h0 + g * h1'],
        ['r2', 'max(S1 * h2, abs(g))'],
        ['r0', '(rate / (1.0 - K1)) * (r1 / (r2 + h3)) + x'],
      ];
    case 'RMSProp':
      return [
        ['r1', 'S0 * h0 + (g * g) * h1'],
        ...((flags
          ? [
              ['r3', 'S2 * h0 + g * h1'],
              ['den', 'sqrt(r1 - (r3 * r3 + h4))'],
            ]
          : [['den', 'sqrt(r1 + h4)']]) as [string, string][]),
        ['r2', 'S1 * h2 + (g * h3) / den'],
        ['r0', 'x - r2'],
      ];
    case 'Adagrad':
      return [
        ['r1', 'S0 + g * g'],
        ['r0', '(g / sqrt(r1 + h1)) * h0 + x'],
      ];
    case 'Adadelta':
      return [
        ['r1', 'S0 * h0 + (g * g) * h1'],
        ['upd', '(sqrt(S1 + h2) / sqrt(S0 + h2)) * g'],
        ['r2', 'S1 * h0 + (upd * upd) * h1'],
        ['r0', 'upd * h3 + x'],
      ];
  }
}

/** The `h<j>` constants of each optimizer from its kernel's `hyper` attribute (rounded to float32 by the caller). */
export function shaderConstants(name: FusedOptimizerName, hyper: number[]): number[] {
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

/** The statements of the scalar-variable updates (`s0`, `s1`): Adam's beta powers, Adamax's step and power. */
export function scalarStatements(name: FusedOptimizerName): [string, string][] {
  return name === 'Adam'
    ? [
        ['s0', 'K0 * h0'],
        ['s1', 'K1 * h1'],
      ]
    : [
        ['s0', 'K0 + 1.0'],
        ['s1', 'K1 * h1'],
      ];
}

/** The `h<j>` constants of {@link scalarStatements}. */
export function scalarConstants(name: FusedOptimizerName, hyper: number[]): number[] {
  return name === 'Adam' ? [hyper[1] ?? 0, hyper[2] ?? 0] : [0, hyper[1] ?? 0];
}
