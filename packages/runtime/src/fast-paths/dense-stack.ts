/**
 * Small Dense stacks trained in JavaScript on the cpu and wasm backends. For a model like the course's
 * (2 → 500 → 1 on a few hundred points) a training step costs tfjs ~40–200 kernel calls whose fixed engine
 * cost is far larger than their arithmetic; here the whole step — forward pass, loss and metrics, backward
 * pass, regularization, optimizer update — is plain loops over the backend's own float32 buffers, with no
 * tensor made at all. The plan covers what the loops reproduce: a chain of Dense layers (linear, relu,
 * sigmoid, tanh or softmax; L1/L2 kernel and bias penalties), GaussianNoise and BatchNormalization layers,
 * one input and one output, the losses binaryCrossentropy, categoricalCrossentropy, meanSquaredError and meanAbsoluteError,
 * the metrics binaryAccuracy, categoricalAccuracy, mse and mae, one of the fused optimizers. Everything else
 * keeps the stock path.
 *
 * Numbers follow tfjs's float32 ops: every stored activation, gradient and update is a float32 rounding of
 * the exact value, sums are accumulated in float64 (tfjs's cpu kernels do the same; wasm's XNNPACK sums in
 * float32 in its own order), so losses and weights agree with stock tfjs to float32 rounding per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HostMemory } from '../tfjs-internals';
import { bceElement, bceElementGrad } from './binary-crossentropy';
import type { HostOptimizerStep } from './optimizer-fast-paths';
import { l1l2Grad, l1l2Penalty } from './regularizer';

const f32 = Math.fround;

export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
export type LossKind = 'bce' | 'cce' | 'mse' | 'mae';
export type MetricKind = 'binaryAccuracy' | 'categoricalAccuracy' | 'mse' | 'mae';

/** An L1/L2 penalty (`l1 · Σ|w| + l2 · Σw²`), both factors float32. */
export interface Penalty {
  l1: number;
  l2: number;
}

/** One Dense layer of the plan: `y = act(x · kernel + bias)`. */
export interface DenseStep {
  kind: 'dense';
  kernel: tf.Variable;
  bias: tf.Variable | null;
  din: number;
  dout: number;
  activation: Activation;
  kernelPenalty: Penalty | null;
  biasPenalty: Penalty | null;
}

/** A GaussianNoise layer: adds `N(0, stddev²)` noise while training, passes through at inference. */
export interface NoiseStep {
  kind: 'noise';
  stddev: number;
  width: number;
}

/**
 * A BatchNormalization layer over the features of a 2-D activation: batch statistics while training (and
 * tfjs's update of the moving averages, `moving − (moving − batch) · (1 − momentum)`), the moving ones at
 * inference.
 */
export interface BatchNormStep {
  kind: 'batchnorm';
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
  momentum: number;
  epsilon: number;
  width: number;
}

export type PlanStep = DenseStep | NoiseStep | BatchNormStep;

/** What the trainer runs: the layers in order, the loss, the metrics in the model's order, the optimizer. */
export interface DenseStackPlan {
  steps: PlanStep[];
  loss: LossKind;
  metrics: MetricKind[];
  /** The variables tfjs's `minimize` updates, in its order (the model's trainable weights). */
  trainable: tf.Variable[];
  optimizer: HostOptimizerStep;
  /** The backend's fuzz factor (binaryCrossentropy clips predictions to `[ε, 1 − ε]`). */
  epsilon: number;
}

/** Multiply-adds of one forward pass per sample: the plan's size measure. */
export function macsPerSample(steps: readonly PlanStep[]): number {
  return steps.reduce((a, s) => a + (s.kind === 'dense' ? s.din * s.dout : 0), 0);
}

function activate(act: Activation, z: Float32Array, n: number, width: number): void {
  if (act === 'softmax') {
    // per row: exp(z − max) / Σ exp(z − max)
    for (let o = 0; o < n; o += width) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < width; j++) max = Math.max(max, z[o + j] as number);
      let sum = 0;
      for (let j = 0; j < width; j++) {
        const e = Math.exp((z[o + j] as number) - max);
        z[o + j] = e;
        sum += z[o + j] as number;
      }
      for (let j = 0; j < width; j++) z[o + j] = (z[o + j] as number) / sum;
    }
  } else if (act === 'relu') for (let i = 0; i < n; i++) z[i] = Math.max(z[i] as number, 0);
  else if (act === 'sigmoid') for (let i = 0; i < n; i++) z[i] = 1 / (1 + Math.exp(-(z[i] as number)));
  else if (act === 'tanh') for (let i = 0; i < n; i++) z[i] = Math.tanh(z[i] as number);
}

/** `g ← g · act'(y)` from the activation's output `y`, as tfjs's gradients write it (relu' is step(y)). */
function activationGrad(act: Activation, y: Float32Array, g: Float32Array, n: number, width: number): void {
  if (act === 'softmax') {
    // the softmax Jacobian per row: y ⊙ (g − Σ g ⊙ y)
    for (let o = 0; o < n; o += width) {
      let dot = 0;
      for (let j = 0; j < width; j++) dot += (g[o + j] as number) * (y[o + j] as number);
      for (let j = 0; j < width; j++) g[o + j] = (y[o + j] as number) * ((g[o + j] as number) - dot);
    }
  } else if (act === 'relu') {
    for (let i = 0; i < n; i++) if (!((y[i] as number) > 0)) g[i] = 0;
  } else if (act === 'sigmoid') {
    for (let i = 0; i < n; i++) {
      const p = y[i] as number;
      g[i] = (g[i] as number) * f32(p * f32(1 - p));
    }
  } else if (act === 'tanh') {
    for (let i = 0; i < n; i++) {
      const t = y[i] as number;
      g[i] = (g[i] as number) * f32(1 - f32(t * t));
    }
  }
}

/** The penalty's value, as the fused L1/L2 kernel sums it. */
function penaltyValue(p: Penalty, w: Float32Array): number {
  return f32(l1l2Penalty(w, p.l1, p.l2));
}

/** `g ← g + ∂penalty/∂w`, as the fused L1/L2 kernel's gradient. */
function addPenaltyGrad(p: Penalty, w: Float32Array, g: Float32Array): void {
  for (let i = 0; i < w.length; i++) g[i] = (g[i] as number) + f32(l1l2Grad(w[i] as number, p.l1, p.l2, 1));
}

/**
 * Layers with at most this many outputs take their products as dot products over the inputs (the kernel
 * transposed once per call), wider ones as row updates over the outputs: either way the innermost loop is
 * the long one, which is what a JavaScript engine runs fast.
 */
const NARROW = 16;

/** `wT[j, i] = w[i, j]`. */
function transpose(w: Float32Array, wT: Float32Array, din: number, dout: number): void {
  for (let i = 0; i < din; i++) for (let j = 0; j < dout; j++) wT[j * din + i] = w[i * dout + j] as number;
}

/** `acc[0..n) += a[ai..] · w[wi..]` over four inputs at a time (the row update of the wide forms). */
function axpyRows(
  acc: Float64Array,
  accAt: number,
  x: Float32Array,
  xAt: number,
  xStride: number,
  count: number,
  w: Float32Array,
  wAt: number,
  wStride: number,
  n: number,
): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v0 = x[xAt + i * xStride] as number;
    const v1 = x[xAt + (i + 1) * xStride] as number;
    const v2 = x[xAt + (i + 2) * xStride] as number;
    const v3 = x[xAt + (i + 3) * xStride] as number;
    if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
    const r0 = wAt + i * wStride;
    const r1 = r0 + wStride;
    const r2 = r1 + wStride;
    const r3 = r2 + wStride;
    for (let j = 0; j < n; j++)
      acc[accAt + j] =
        (acc[accAt + j] as number) +
        (v0 * (w[r0 + j] as number) +
          v1 * (w[r1 + j] as number) +
          v2 * (w[r2 + j] as number) +
          v3 * (w[r3 + j] as number));
  }
  for (; i < count; i++) {
    const v = x[xAt + i * xStride] as number;
    if (v === 0) continue;
    const r0 = wAt + i * wStride;
    for (let j = 0; j < n; j++) acc[accAt + j] = (acc[accAt + j] as number) + v * (w[r0 + j] as number);
  }
}

/** `out[r, j] = Σ_i a[r, i] · w[i, j]` (+ bias, rounded to float32 before it as tfjs's fused matmul does). */
function matmulBias(
  a: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  rows: number,
  din: number,
  dout: number,
  acc: Float64Array,
  wT: Float32Array,
): void {
  if (dout <= NARROW) {
    transpose(w, wT, din, dout);
    for (let r = 0; r < rows; r++) {
      const base = r * din;
      for (let j = 0; j < dout; j++) {
        const t = j * din;
        let s = 0;
        for (let i = 0; i < din; i++) s += (a[base + i] as number) * (wT[t + i] as number);
        out[r * dout + j] = bias ? f32(s) + (bias[j] as number) : s;
      }
    }
    return;
  }
  if (din <= 2) {
    // one or two inputs (points in the plane): one pass per row, no accumulator
    for (let r = 0; r < rows; r++) {
      const a0 = a[r * din] as number;
      const a1 = din === 2 ? (a[r * din + 1] as number) : 0;
      const o = r * dout;
      for (let j = 0; j < dout; j++) {
        const s = a0 * (w[j] as number) + (din === 2 ? a1 * (w[dout + j] as number) : 0);
        out[o + j] = bias ? f32(s) + (bias[j] as number) : s;
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    acc.fill(0, 0, dout);
    axpyRows(acc, 0, a, r * din, 1, din, w, 0, dout, dout);
    const o = r * dout;
    if (bias) for (let j = 0; j < dout; j++) out[o + j] = f32(acc[j] as number) + (bias[j] as number);
    else for (let j = 0; j < dout; j++) out[o + j] = acc[j] as number;
  }
}

/** `gw[i, j] = Σ_r a[r, i] · g[r, j]`: the kernel's gradient. */
function kernelGrad(
  a: Float32Array,
  g: Float32Array,
  gw: Float32Array,
  rows: number,
  din: number,
  dout: number,
  acc: Float64Array,
): void {
  if (dout <= NARROW) {
    // gwT[j, i] = Σ_r g[r, j] · a[r, i]: row updates over the inputs, four samples at a time
    acc.fill(0, 0, din * dout);
    for (let j = 0; j < dout; j++) axpyRows(acc, j * din, g, j, dout, rows, a, 0, din, din);
    for (let i = 0; i < din; i++)
      for (let j = 0; j < dout; j++) gw[i * dout + j] = acc[j * din + i] as number;
    return;
  }
  acc.fill(0, 0, din * dout);
  for (let i = 0; i < din; i++) axpyRows(acc, i * dout, a, i, din, rows, g, 0, dout, dout);
  for (let i = 0; i < din * dout; i++) gw[i] = acc[i] as number;
}

/** `gIn[r, i] = Σ_j g[r, j] · w[i, j]`: the gradient of the layer's input. */
function inputGrad(
  g: Float32Array,
  w: Float32Array,
  gIn: Float32Array,
  rows: number,
  din: number,
  dout: number,
  acc: Float64Array,
  wT: Float32Array,
): void {
  if (dout <= NARROW) {
    // row r is Σ_j g[r, j] · wT[j, :]: row updates over the inputs
    transpose(w, wT, din, dout);
    for (let r = 0; r < rows; r++) {
      acc.fill(0, 0, din);
      axpyRows(acc, 0, g, r * dout, 1, dout, wT, 0, din, din);
      const base = r * din;
      for (let i = 0; i < din; i++) gIn[base + i] = acc[i] as number;
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const go = r * dout;
    const base = r * din;
    for (let i = 0; i < din; i++) {
      const row = i * dout;
      let sum = 0;
      for (let j = 0; j < dout; j++) sum += (g[go + j] as number) * (w[row + j] as number);
      gIn[base + i] = sum;
    }
  }
}

/**
 * Runs training steps and evaluations of one plan. Scratch buffers are sized once for the largest batch;
 * the model's weights and the optimizer's state are read and written in the backend's own buffers.
 */
export class DenseStackTrainer {
  private readonly dense: DenseStep[];
  private readonly acts: Float32Array[] = [];
  private readonly grads: Float32Array[] = [];
  private readonly weightGrads: Float32Array[];
  private readonly acc: Float64Array;
  /** A transposed kernel (the narrow layers' products). */
  private readonly wT: Float32Array;
  private readonly noise: (Float32Array | null)[];
  /** Per BatchNormalization step: the batch mean and 1/√(variance + ε) of the last training forward pass. */
  private readonly bnMean: Float64Array[];
  private readonly bnInv: Float64Array[];
  private readonly rows: number;
  private readonly widths: number[];
  private readonly lossRow: Float32Array;
  private readonly metricRows: Float32Array[];

  constructor(
    private readonly plan: DenseStackPlan,
    private readonly mem: HostMemory,
    maxRows: number,
  ) {
    this.rows = Math.max(1, maxRows);
    this.dense = plan.steps.filter((s): s is DenseStep => s.kind === 'dense');
    const first = plan.steps[0] as PlanStep;
    this.widths = [first.kind === 'dense' ? first.din : first.width];
    for (const s of plan.steps) this.widths.push(s.kind === 'dense' ? s.dout : s.width);
    for (const w of this.widths) {
      this.acts.push(new Float32Array(this.rows * w));
      this.grads.push(new Float32Array(this.rows * w));
    }
    this.weightGrads = plan.trainable.map((v) => new Float32Array(v.size));
    const largest = Math.max(...this.dense.map((d) => d.din * d.dout), ...this.widths);
    this.acc = new Float64Array(largest);
    this.wT = new Float32Array(largest);
    this.noise = plan.steps.map(() => null);
    this.bnMean = plan.steps.map((st) => new Float64Array(st.kind === 'batchnorm' ? st.width : 0));
    this.bnInv = plan.steps.map((st) => new Float64Array(st.kind === 'batchnorm' ? st.width : 0));
    this.lossRow = new Float32Array(this.rows);
    this.metricRows = plan.metrics.map(() => new Float32Array(this.rows));
  }

  /** Copies rows `index[start..end)` of `x` and `y` (full data sets) into the input and target buffers. */
  private gather(
    x: Float32Array,
    index: ArrayLike<number>,
    start: number,
    end: number,
    out: Float32Array,
    w: number,
  ) {
    for (let r = start; r < end; r++) {
      const src = (index[r] as number) * w;
      out.set(x.subarray(src, src + w), (r - start) * w);
    }
  }

  /** Forward pass over `b` rows already in `acts[0]`; `training` adds the noise drawn for this step. */
  private forward(b: number, training: boolean): void {
    const steps = this.plan.steps;
    for (let l = 0; l < steps.length; l++) {
      const s = steps[l] as PlanStep;
      const a = this.acts[l] as Float32Array;
      const out = this.acts[l + 1] as Float32Array;
      if (s.kind === 'noise') {
        const n = this.noise[l];
        if (training && n) for (let i = 0; i < b * s.width; i++) out[i] = (n[i] as number) + (a[i] as number);
        else out.set(a.subarray(0, b * s.width));
        continue;
      }
      if (s.kind === 'batchnorm') {
        this.batchNorm(l, s, a, out, b, training);
        continue;
      }
      const bias = s.bias ? this.mem.view(s.bias) : null;
      matmulBias(a, this.mem.view(s.kernel), bias, out, b, s.din, s.dout, this.acc, this.wT);
      activate(s.activation, out, b * s.dout, s.dout);
    }
  }

  /** A BatchNormalization step: batch statistics and the moving-average update while training. */
  private batchNorm(
    l: number,
    s: BatchNormStep,
    a: Float32Array,
    out: Float32Array,
    b: number,
    training: boolean,
  ) {
    const c = s.width;
    const eps = s.epsilon;
    if (!training) {
      const mm = this.mem.view(s.movingMean);
      const mv = this.mem.view(s.movingVariance);
      const gamma = this.mem.view(s.gamma);
      const beta = this.mem.view(s.beta);
      for (let r = 0; r < b; r++)
        for (let j = 0, i = r * c; j < c; j++, i++)
          out[i] =
            (beta[j] as number) +
            ((a[i] as number) - (mm[j] as number)) *
              ((gamma[j] as number) / Math.sqrt((mv[j] as number) + eps));
      return;
    }
    // Writable first (a shared buffer is copied, which may move wasm's heap), then every view.
    this.mem.writable(s.movingMean);
    this.mem.writable(s.movingVariance);
    const mm = this.mem.view(s.movingMean);
    const mv = this.mem.view(s.movingVariance);
    const gamma = this.mem.view(s.gamma);
    const beta = this.mem.view(s.beta);
    const mean = this.bnMean[l] as Float64Array;
    const inv = this.bnInv[l] as Float64Array;
    const decay = f32(1 - s.momentum);
    for (let j = 0; j < c; j++) {
      let sum = 0;
      for (let r = 0; r < b; r++) sum += a[r * c + j] as number;
      const m = f32(sum / b);
      let sq = 0;
      for (let r = 0; r < b; r++) {
        const d = f32((a[r * c + j] as number) - m);
        sq += f32(d * d);
      }
      const v = f32(sq / b);
      mean[j] = m;
      inv[j] = 1 / Math.sqrt(v + eps);
      mm[j] = f32((mm[j] as number) - f32(f32((mm[j] as number) - m) * decay));
      mv[j] = f32((mv[j] as number) - f32(f32((mv[j] as number) - v) * decay));
    }
    for (let r = 0; r < b; r++)
      for (let j = 0, i = r * c; j < c; j++, i++)
        out[i] =
          (beta[j] as number) +
          ((a[i] as number) - (mean[j] as number)) * (inv[j] as number) * (gamma[j] as number);
  }

  /** Backward of a BatchNormalization step in training mode: γ and β gradients, and the input's (`l > 0`). */
  private batchNormGrad(l: number, s: BatchNormStep, gOut: Float32Array, gIn: Float32Array, b: number) {
    const c = s.width;
    const a = this.acts[l] as Float32Array;
    const mean = this.bnMean[l] as Float64Array;
    const inv = this.bnInv[l] as Float64Array;
    const gamma = this.mem.view(s.gamma);
    const gi = this.plan.trainable.indexOf(s.gamma);
    const bi = this.plan.trainable.indexOf(s.beta);
    for (let j = 0; j < c; j++) {
      let sumDy = 0;
      let sumDyX = 0;
      const m = mean[j] as number;
      const iv = inv[j] as number;
      for (let r = 0; r < b; r++) {
        const dy = gOut[r * c + j] as number;
        sumDy += dy;
        sumDyX += dy * ((a[r * c + j] as number) - m) * iv;
      }
      if (gi >= 0) (this.weightGrads[gi] as Float32Array)[j] = sumDyX;
      if (bi >= 0) (this.weightGrads[bi] as Float32Array)[j] = sumDy;
      if (l === 0) continue;
      const k = ((gamma[j] as number) * iv) / b;
      for (let r = 0; r < b; r++) {
        const i = r * c + j;
        const xh = ((a[i] as number) - m) * iv;
        gIn[i] = k * (b * (gOut[i] as number) - sumDy - xh * sumDyX);
      }
    }
  }

  /**
   * Per-sample loss (into `lossRow`) and metrics (into `metricRows`) of the last activations against `t`;
   * with `grad`, also `∂(mean loss)/∂(prediction)` into the last gradient buffer.
   */
  private lossAndMetrics(t: Float32Array, b: number, grad: boolean): void {
    const k = this.widths[this.widths.length - 1] as number;
    const p = this.acts[this.acts.length - 1] as Float32Array;
    const g = this.grads[this.grads.length - 1] as Float32Array;
    const { loss, metrics, epsilon } = this.plan;
    const lo = f32(epsilon);
    const hi = f32(1 - epsilon);
    const dy = f32(1 / b);
    for (let r = 0; r < b; r++) {
      const o = r * k;
      let l = 0;
      let hit = 0;
      let se = 0;
      let ae = 0;
      // categorical: the first arg-max of target and prediction; crossentropy on p / Σp clipped to [ε, 1 − ε]
      let tMax = 0;
      let pMax = 0;
      let sum = 0;
      for (let j = 0; j < k; j++) {
        if ((t[o + j] as number) > (t[o + tMax] as number)) tMax = j;
        if ((p[o + j] as number) > (p[o + pMax] as number)) pMax = j;
        sum += p[o + j] as number;
      }
      const s = f32(sum);
      let dq = 0;
      for (let j = 0, i = o; j < k; j++, i++) {
        const y = p[i] as number;
        const label = t[i] as number;
        const d = f32(y - label);
        se += f32(d * d);
        ae += Math.abs(d);
        if (label === (y > 0.5 ? 1 : 0)) hit++;
        if (loss === 'bce') {
          l += bceElement(y, label, lo, hi);
          if (grad) g[i] = bceElementGrad(y, label, lo, hi, dy / k);
        } else if (loss === 'cce') {
          const q = f32(y / s);
          const qc = Math.min(Math.max(q, lo), hi);
          l -= label * Math.log(qc);
          // ∂L/∂q, zero where the clip holds; carried to p below through q = p / Σp
          const gq = q >= lo && q <= hi ? (-dy * label) / qc : 0;
          if (grad) g[i] = gq;
          dq += gq * y;
        } else if (grad) {
          // |d|' as tfjs's Abs gradient takes it, step(d, −1): −1 at 0
          g[i] = loss === 'mse' ? f32(f32(2 / k) * d) * dy : (dy / k) * (d > 0 ? 1 : -1);
        }
      }
      if (loss === 'cce' && grad) {
        const c = dq / (s * s);
        for (let i = o; i < o + k; i++) g[i] = (g[i] as number) / s - c;
      }
      this.lossRow[r] = loss === 'bce' ? l / k : loss === 'cce' ? l : loss === 'mse' ? se / k : ae / k;
      metrics.forEach((m, q) => {
        (this.metricRows[q] as Float32Array)[r] =
          m === 'binaryAccuracy'
            ? hit / k
            : m === 'categoricalAccuracy'
              ? tMax === pMax
                ? 1
                : 0
              : m === 'mse'
                ? se / k
                : ae / k;
      });
    }
  }

  /** Mean of the first `b` per-sample values, summed in float64 and rounded to float32. */
  private static mean(v: Float32Array, b: number): number {
    let s = 0;
    for (let i = 0; i < b; i++) s += v[i] as number;
    return f32(s / b);
  }

  /** Backward pass: gradients of every Dense weight into `weightGrads` (in `plan.trainable` order where trained). */
  private backward(b: number): void {
    const { acc } = this;
    for (let l = this.plan.steps.length - 1; l >= 0; l--) {
      const s = this.plan.steps[l] as PlanStep;
      const gOut = this.grads[l + 1] as Float32Array;
      const gIn = this.grads[l] as Float32Array;
      if (s.kind === 'noise') {
        if (l > 0) gIn.set(gOut.subarray(0, b * s.width));
        continue;
      }
      if (s.kind === 'batchnorm') {
        this.batchNormGrad(l, s, gOut, gIn, b);
        continue;
      }
      const { din, dout } = s;
      activationGrad(s.activation, this.acts[l + 1] as Float32Array, gOut, b * dout, dout);
      const a = this.acts[l] as Float32Array;
      const w = this.mem.view(s.kernel);
      const ki = this.plan.trainable.indexOf(s.kernel);
      if (ki >= 0) {
        const gw = this.weightGrads[ki] as Float32Array;
        kernelGrad(a, gOut, gw, b, din, dout, acc);
        if (s.kernelPenalty) addPenaltyGrad(s.kernelPenalty, w, gw);
      }
      const bi = s.bias ? this.plan.trainable.indexOf(s.bias) : -1;
      if (s.bias && bi >= 0) {
        const gb = this.weightGrads[bi] as Float32Array;
        acc.fill(0, 0, dout);
        for (let r = 0; r < b; r++)
          for (let j = 0; j < dout; j++) acc[j] = (acc[j] as number) + (gOut[r * dout + j] as number);
        for (let j = 0; j < dout; j++) gb[j] = acc[j] as number;
        if (s.biasPenalty) addPenaltyGrad(s.biasPenalty, this.mem.view(s.bias), gb);
      }
      if (l > 0) inputGrad(gOut, w, gIn, b, din, dout, acc, this.wT);
    }
  }

  /** The regularization penalties of the current weights (what tfjs adds to the training loss). */
  private penalties(): number {
    let total = 0;
    for (const d of this.dense) {
      if (d.kernelPenalty) total = f32(total + penaltyValue(d.kernelPenalty, this.mem.view(d.kernel)));
      if (d.biasPenalty && d.bias) total = f32(total + penaltyValue(d.biasPenalty, this.mem.view(d.bias)));
    }
    return total;
  }

  /**
   * One training step on rows `index[start..end)` of `x`/`y` (the full training tensors): returns
   * `[loss, ...metrics]` as tfjs's train function reports them (loss with the penalties, before the update).
   */
  step(x: tf.Tensor, y: tf.Tensor, index: ArrayLike<number>, start: number, end: number): number[] {
    const b = end - start;
    // Noise first: drawing it makes a tensor, which on wasm may move the heap under earlier views.
    this.plan.steps.forEach((s, l) => {
      if (s.kind !== 'noise') return;
      const t = tf.randomNormal([b, s.width], 0, s.stddev);
      this.noise[l] = t.dataSync() as Float32Array;
      t.dispose();
    });
    this.gather(this.mem.view(x), index, start, end, this.acts[0] as Float32Array, this.widths[0] as number);
    const target = this.targets(b);
    this.gather(this.mem.view(y), index, start, end, target, this.widths[this.widths.length - 1] as number);
    this.forward(b, true);
    this.lossAndMetrics(target, b, true);
    const loss = f32(DenseStackTrainer.mean(this.lossRow, b) + this.penalties());
    const metrics = this.metricRows.map((m) => DenseStackTrainer.mean(m, b));
    this.backward(b);
    this.plan.optimizer.apply(this.mem, this.weightGrads);
    this.noise.fill(null);
    return [loss, ...metrics];
  }

  private targetBuffer: Float32Array | null = null;
  private targets(b: number): Float32Array {
    const k = this.widths[this.widths.length - 1] as number;
    if (!this.targetBuffer || this.targetBuffer.length < b * k)
      this.targetBuffer = new Float32Array(this.rows * k);
    return this.targetBuffer;
  }

  /**
   * `[loss, ...metrics]` over all of `x`/`y` at inference (no noise, no penalties), as tfjs's test function
   * reports them: the means over every sample.
   */
  evaluate(x: tf.Tensor, y: tf.Tensor): number[] {
    const n = x.shape[0] as number;
    const d0 = this.widths[0] as number;
    const k = this.widths[this.widths.length - 1] as number;
    let loss = 0;
    const sums = this.plan.metrics.map(() => 0);
    for (let start = 0; start < n; start += this.rows) {
      const b = Math.min(this.rows, n - start);
      const xs = this.mem.view(x);
      (this.acts[0] as Float32Array).set(xs.subarray(start * d0, (start + b) * d0));
      const t = this.targets(b);
      t.set(this.mem.view(y).subarray(start * k, (start + b) * k));
      this.forward(b, false);
      this.lossAndMetrics(t, b, false);
      for (let r = 0; r < b; r++) loss += this.lossRow[r] as number;
      this.metricRows.forEach((m, q) => {
        for (let r = 0; r < b; r++) sums[q] = (sums[q] as number) + (m[r] as number);
      });
    }
    return [f32(loss / n), ...sums.map((s) => f32(s / n))];
  }
}
