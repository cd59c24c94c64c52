/**
 * The fused optimizer updates as element loops over float32 arrays, for the cpu and wasm kernels. Each loop
 * does the same float32 operations in the same order as tfjs-core's op-by-op `applyGradients` (every
 * intermediate rounded with `Math.fround`, as the stock kernels store it in a Float32Array), so a fused step
 * gives the stock step's bits: on cpu exactly, on wasm too (IEEE float32 `+ - * /` and `sqrt` round alike).
 */
import type { FusedOptimizerName } from '../tfjs-internals';

const f = Math.fround;

/** One variable's arrays: value, gradient and slots in, new value and slots out. */
export interface HostVar {
  x: Float32Array;
  g: Float32Array;
  slots: Float32Array[];
  outX: Float32Array;
  outSlots: Float32Array[];
}

/** Per-step constants: `hyper` numbers from the optimizer, `scalars` read from its scalar tensors. */
export interface HostStep {
  hyper: number[];
  flags: number;
  scalars: number[];
}

type Loop = (v: HostVar, step: HostStep) => void;

/** tfjs: `value + c·g` with `c = -lr` kept as a tensor. */
const sgd: Loop = ({ x, g, outX }, { scalars: [c = 0] }) => {
  const cf = f(c);
  for (let i = 0; i < x.length; i++) outX[i] = f(f(cf * (g[i] as number)) + (x[i] as number));
};

/** tfjs: `acc' = m·acc + g`; `value + c·acc'` or, Nesterov, `value + c·(g + acc'·m)`. */
const momentum: Loop = ({ x, g, slots: [acc], outX, outSlots: [outAcc] }, { flags, scalars }) => {
  const c = f(scalars[0] as number);
  const m = f(scalars[1] as number);
  const a = acc as Float32Array;
  const oa = outAcc as Float32Array;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] as number;
    const na = f(f(m * (a[i] as number)) + gi);
    oa[i] = na;
    outX[i] = flags ? f(f(c * f(gi + f(na * m))) + (x[i] as number)) : f(f(c * na) + (x[i] as number));
  }
};

/** tfjs Adam, bias corrections from `accBeta1`/`accBeta2` (beta powers kept as float32 variables). */
const adam: Loop = ({ x, g, slots: [m, v], outX, outSlots: [om, ov] }, { hyper, scalars }) => {
  const [lr, beta1, beta2, epsilon] = hyper as [number, number, number, number];
  const b1 = f(beta1);
  const c1 = f(1 - beta1);
  const b2 = f(beta2);
  const c2 = f(1 - beta2);
  const eps = f(epsilon);
  const nlr = f(-lr);
  const o1 = f(1 - (scalars[0] as number));
  const o2 = f(1 - (scalars[1] as number));
  const mm = m as Float32Array;
  const vv = v as Float32Array;
  const omm = om as Float32Array;
  const ovv = ov as Float32Array;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] as number;
    const m1 = f(f((mm[i] as number) * b1) + f(gi * c1));
    const v1 = f(f((vv[i] as number) * b2) + f(f(gi * gi) * c2));
    omm[i] = m1;
    ovv[i] = v1;
    const step = f(f(m1 / o1) / f(f(Math.sqrt(f(v1 / o2))) + eps));
    outX[i] = f(f(step * nlr) + (x[i] as number));
  }
};

/** tfjs Adamax: decayed rate from the `iteration` variable, bias correction from `accBeta1`. */
const adamax: Loop = ({ x, g, slots: [m, u], outX, outSlots: [om, ou] }, { hyper, scalars }) => {
  const [lr, beta1, beta2, epsilon, decay] = hyper as [number, number, number, number, number];
  const b1 = f(beta1);
  const c1 = f(1 - beta1);
  const b2 = f(beta2);
  const eps = f(epsilon);
  const rate = f(f(-lr) / f(f((scalars[0] as number) * f(decay)) + 1));
  const scale = f(rate / f(1 - (scalars[1] as number)));
  const mm = m as Float32Array;
  const uu = u as Float32Array;
  const omm = om as Float32Array;
  const ouu = ou as Float32Array;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] as number;
    const m1 = f(f((mm[i] as number) * b1) + f(gi * c1));
    const u1 = Math.max(f((uu[i] as number) * b2), Math.abs(gi));
    omm[i] = m1;
    ouu[i] = u1;
    outX[i] = f(f(scale * f(m1 / f(u1 + eps))) + (x[i] as number));
  }
};

/** tfjs RMSProp, plain or centered (`flags`), with its always-kept momentum slot. */
const rmsprop: Loop = ({ x, g, slots, outX, outSlots }, { hyper, flags }) => {
  const [lr, decay, momentum, epsilon] = hyper as [number, number, number, number];
  const d = f(decay);
  const cd = f(1 - decay);
  const mo = f(momentum);
  const rate = f(lr);
  const eps = f(epsilon);
  const [ms, mom, mg] = slots as [Float32Array, Float32Array, Float32Array | undefined];
  const [oms, omom, omg] = outSlots as [Float32Array, Float32Array, Float32Array | undefined];
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] as number;
    const s1 = f(f((ms[i] as number) * d) + f(f(gi * gi) * cd));
    let denom: number;
    if (flags && mg && omg) {
      const g1 = f(f((mg[i] as number) * d) + f(gi * cd));
      omg[i] = g1;
      denom = f(Math.sqrt(f(s1 - f(f(g1 * g1) + eps))));
    } else {
      denom = f(Math.sqrt(f(s1 + eps)));
    }
    const a1 = f(f((mom[i] as number) * mo) + f(f(gi * rate) / denom));
    oms[i] = s1;
    omom[i] = a1;
    outX[i] = f((x[i] as number) - a1);
  }
};

/** tfjs Adagrad; its epsilon is the backend's at each step. */
const adagrad: Loop = ({ x, g, slots: [acc], outX, outSlots: [oacc] }, { hyper }) => {
  const [lr, epsilon] = hyper as [number, number];
  const nlr = f(-lr);
  const eps = f(epsilon);
  const a = acc as Float32Array;
  const oa = oacc as Float32Array;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] as number;
    const a1 = f((a[i] as number) + f(gi * gi));
    oa[i] = a1;
    outX[i] = f(f(f(gi / f(Math.sqrt(f(a1 + eps)))) * nlr) + (x[i] as number));
  }
};

/** tfjs Adadelta (its update uses the accumulated gradient from before this step, as tfjs does). */
const adadelta: Loop = ({ x, g, slots: [ag, au], outX, outSlots: [oag, oau] }, { hyper }) => {
  const [lr, rho, epsilon] = hyper as [number, number, number];
  const r = f(rho);
  const cr = f(1 - rho);
  const eps = f(epsilon);
  const nlr = f(-lr);
  const aag = ag as Float32Array;
  const aau = au as Float32Array;
  const oaag = oag as Float32Array;
  const oaau = oau as Float32Array;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] as number;
    const gOld = aag[i] as number;
    const uOld = aau[i] as number;
    oaag[i] = f(f(gOld * r) + f(f(gi * gi) * cr));
    const upd = f(f(f(Math.sqrt(f(uOld + eps))) / f(Math.sqrt(f(gOld + eps)))) * gi);
    oaau[i] = f(f(uOld * r) + f(f(upd * upd) * cr));
    outX[i] = f(f(upd * nlr) + (x[i] as number));
  }
};

/** The element loop of each optimizer. */
export const HOST_LOOPS: Record<FusedOptimizerName, Loop> = {
  SGD: sgd,
  Momentum: momentum,
  Adam: adam,
  Adamax: adamax,
  RMSProp: rmsprop,
  Adagrad: adagrad,
  Adadelta: adadelta,
};

/** The optimizer's scalar variables after the step (Adam's beta powers; Adamax's step and beta power). */
export function nextScalars(name: FusedOptimizerName, step: HostStep): number[] {
  const [s0 = 0, s1 = 0] = step.scalars;
  if (name === 'Adam') return [f(s0 * f(step.hyper[1] as number)), f(s1 * f(step.hyper[2] as number))];
  if (name === 'Adamax') return [f(s0 + 1), f(s1 * f(step.hyper[1] as number))];
  return [];
}
