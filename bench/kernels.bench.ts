// matMul GFLOP/s for each transpose case (the Dense-layer shapes of the Fashion-MNIST MLP: 128×784 · 784×1000),
// a batched product, and the conv backprop kernels of the small CNN: stock tfjs wasm, tfjs wasm with
// @betterdl/runtime's kernel fixes, and PyTorch CPU (1 and 2 threads), each in its own process, in one run.
// `pnpm bench kernels`
import * as tf from '@tensorflow/tfjs-core';
import * as bench from './python/harness';

const M = 128;
const K = 784;
const N = 1000;
const CASES = ['NN', 'TN', 'NT', 'TT', 'batched8'] as const;

/** Mean milliseconds of `f` over ~0.6 s after a warm-up call. */
function time(f: () => tf.Tensor): number {
  tf.dispose(f());
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 600 || n < 3) {
    const r = f();
    r.dataSync();
    r.dispose();
    n++;
  }
  return (performance.now() - t0) / n;
}

async function child(variant: string): Promise<void> {
  await bench.initVariant(variant);
  const row: bench.Row = {};
  const flops = 2 * M * K * N;
  for (const c of CASES) {
    if (c === 'batched8') {
      const a = tf.randomNormal([8, 64, 256]);
      const b = tf.randomNormal([8, 256, 256]);
      row[c] = (2 * 8 * 64 * 256 * 256) / time(() => tf.matMul(a, b)) / 1e6;
      continue;
    }
    const ta = c[0] === 'T';
    const tb = c[1] === 'T';
    const a = tf.randomNormal(ta ? [K, M] : [M, K]);
    const b = tf.randomNormal(tb ? [N, K] : [K, N]);
    row[c] = flops / time(() => tf.matMul(a, b, ta, tb)) / 1e6;
  }
  // The CNN's second conv layer (128×14×14×16 → 32 filters 3×3 'same'): backprop kernels in ms.
  const x = tf.randomNormal([128, 14, 14, 16]);
  const dy = tf.randomNormal([128, 14, 14, 32]);
  const w = tf.randomNormal([3, 3, 16, 32]);
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const run = (name: string, inputs: Record<string, tf.Tensor>, extra: object) => () =>
    tf.engine().runKernel(name, inputs, { ...attrs, ...extra }) as tf.Tensor;
  row.convBackpropInputMs = time(run('Conv2DBackpropInput', { dy, filter: w }, { inputShape: x.shape }));
  try {
    row.convBackpropFilterMs = time(run('Conv2DBackpropFilter', { x, dy }, { filterShape: w.shape }));
  } catch (err) {
    row.convBackpropFilterMs = `missing (${(err as Error).message.split('\n')[0]})`;
  }
  const xp = tf.randomNormal([128, 28, 28, 16]);
  const yp = tf.maxPool(xp as tf.Tensor4D, 2, 2, 'valid');
  const gp = tf.randomNormal(yp.shape);
  row.maxPoolGradMs = time(
    () =>
      tf
        .engine()
        .runKernel(
          'MaxPoolGrad',
          { dy: gp, input: xp, output: yp },
          { filterSize: 2, strides: 2, pad: 'valid' },
        ) as tf.Tensor,
  );
  bench.report(row);
}

function parent(): void {
  console.log(
    `matMul ${M}x${K}x${N} GFLOP/s per transpose case (T = that operand transposed), batched 8x64x256x256,`,
  );
  console.log('and the small CNN’s backprop kernels in ms (lower is better)');
  const file = new URL(import.meta.url).pathname;
  const rows: Record<string, bench.Row> = {
    'tfjs wasm (stock)': bench.runTfjsChild(file, 'wasm-stock'),
    'tfjs wasm + betterdl': bench.runTfjsChild(file, 'wasm-fixed'),
    'PyTorch CPU, 1 thread': bench.runTorch('kernels.py', 1),
    'PyTorch CPU, 2 threads': bench.runTorch('kernels.py', 2),
  };
  const cols = [...CASES, 'convBackpropInputMs', 'convBackpropFilterMs', 'maxPoolGradMs'];
  bench.printTable(rows, cols);
  const stock = rows['tfjs wasm (stock)'] ?? {};
  const fixed = rows['tfjs wasm + betterdl'] ?? {};
  const torch1 = rows['PyTorch CPU, 1 thread'] ?? {};
  const speedup: Record<string, number | null> = {};
  const vsTorch1: Record<string, number | null> = {};
  for (const c of CASES) {
    speedup[c] = bench.ratio(fixed[c], stock[c]);
    vsTorch1[c] = bench.ratio(fixed[c], torch1[c]);
  }
  for (const c of ['convBackpropInputMs', 'maxPoolGradMs']) speedup[c] = bench.ratio(stock[c], fixed[c]);
  console.log('betterdl speed-up over stock wasm (same run):', JSON.stringify(speedup));
  console.log('betterdl GFLOP/s relative to PyTorch 1 thread:', JSON.stringify(vsTorch1));
  bench.save('kernels', { shape: [M, K, N], rows, speedup, vsTorch1 });
}

const v = bench.childVariant();
if (v) await child(v);
else parent();
