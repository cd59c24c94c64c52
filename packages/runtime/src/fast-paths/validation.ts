import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModelInternals } from '../tfjs-internals';

/**
 * Float32 activations one validation batch may hold, summed over every layer's output (16 MiB): a small
 * model validates its whole set in one batch, a CNN on 10 000 images still goes in bounded pieces.
 */
export const VALIDATION_BUDGET = 1 << 22;

interface ModelShape {
  inputs?: Array<{ shape: Array<number | null> }>;
  layers?: Array<{ outputShape?: unknown; stateful?: boolean }>;
}

function perSample(shape: unknown): number {
  if (!Array.isArray(shape)) return 0;
  if (Array.isArray(shape[0])) return shape.reduce((a: number, s) => a + perSample(s), 0);
  return (shape as Array<number | null>).slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
}

/**
 * The batch size for validating `n` samples inside `fit`: `batchSize` for models whose batch is fixed or
 * stateful (their output depends on it), else as many samples as {@link VALIDATION_BUDGET} allows, at
 * least `batchSize` and at most `n`. Inference results do not depend on how samples are batched, so only
 * the float32 rounding of the final mean can differ from validating at the training batch size.
 */
export function validationBatchSize(
  model: unknown,
  batchSize: number,
  n: number,
  budget = VALIDATION_BUDGET,
): number {
  const m = model as ModelShape;
  const layers = m.layers ?? [];
  if (layers.some((l) => l.stateful) || (m.inputs ?? []).some((i) => i.shape?.[0] != null)) return batchSize;
  // The layers include the model's InputLayers, so the input samples are counted with them.
  let elements = 0;
  for (const l of layers) {
    try {
      elements += perSample(l.outputShape);
    } catch {
      // a layer that was never built has no output shape yet; it adds nothing to the estimate
    }
  }
  const fit = Math.floor(budget / Math.max(1, elements));
  return Math.max(batchSize, Math.min(n, fit));
}

type TestFn = (ins: Tensor[]) => Tensor[];
type TestLoop = (f: TestFn, ins: Tensor[], batchSize?: number, verbose?: number, steps?: number) => Tensor[];

/**
 * The `testLoop` a model runs while its `fit` validates: one call of the test function when every sample
 * fits one batch (no index tensor, gather or running sums), else the stock loop at the larger batch size.
 */
export function validationTestLoop(model: LayersModelInternals, budget = VALIDATION_BUDGET): TestLoop {
  const stock = Object.getPrototypeOf(model).testLoop as TestLoop;
  return function testLoop(this: unknown, f, ins, batchSize = 32, verbose = 0, steps) {
    if (verbose > 0 || steps != null || ins.length === 0)
      return stock.call(this, f, ins, batchSize, verbose, steps);
    const n = ins[0]?.shape[0] ?? 0;
    const size = validationBatchSize(this, batchSize, n, budget);
    if (n > 0 && n <= size) return tf.tidy(() => f(ins));
    return stock.call(this, f, ins, size, verbose, steps);
  };
}
