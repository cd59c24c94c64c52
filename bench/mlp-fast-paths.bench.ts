// The Fashion-MNIST-sized MLP (784 → Dense(1000, relu) → Dense(10, softmax), Adam, batch 128, 2048 samples,
// 3 epochs after one warm-up epoch) on wasm with betterdl's fast paths on and off, alternated in separate
// processes (median of the rounds): process CPU time of the fit (user + system) as well as wall time, since on a shared machine the
// CPU time is far less disturbed by other jobs than the wall time. Checks that the fast paths do not slow a
// model they barely touch (no validation, no fused loss: only the kernel-free backprop copies apply).
// `pnpm bench mlp-fast-paths [--rounds=3]` → bench/results/mlp-fast-paths.json
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initRuntime } from '../packages/runtime/src/index';
import * as bench from './python/harness';

const ROUNDS = bench.numArg('rounds', 3);

async function child(variant: string): Promise<void> {
  await initRuntime({ backend: 'wasm', verbose: false, fastPaths: variant === 'on' });
  const x = tf.randomUniform([2048, 784]);
  const y = tf.oneHot(tf.randomUniform([2048], 0, 10, 'int32'), 10);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 1000, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { batchSize: 128, epochs: 1, verbose: 0 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await model.fit(x, y, { batchSize: 128, epochs: 3, verbose: 0 });
  const c = process.cpuUsage(c0);
  bench.report({ cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0 });
}

function parent(): void {
  const file = new URL(import.meta.url).pathname;
  const runs: Record<string, number[]> = { onCpu: [], offCpu: [], onWall: [], offWall: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of r % 2 ? ['off', 'on'] : ['on', 'off']) {
      const row = bench.runTfjsChild(file, v);
      if (typeof row.cpuMs === 'number') runs[`${v}Cpu`]?.push(row.cpuMs);
      if (typeof row.wallMs === 'number') runs[`${v}Wall`]?.push(row.wallMs as number);
    }
  }
  // The median: one run disturbed by another job must not decide the comparison.
  const median = (a: number[] = []) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length ? ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 : null;
  };
  const rows: Record<string, bench.Row> = {
    'fast paths on': { cpuMs: median(runs.onCpu), wallMs: median(runs.onWall) },
    'fast paths off': { cpuMs: median(runs.offCpu), wallMs: median(runs.offWall) },
  };
  console.log(`MLP 784-1000-10 on wasm, 3 epochs of 2048 samples, median of ${ROUNDS} alternated runs`);
  bench.printTable(rows, ['cpuMs', 'wallMs']);
  const ratios = {
    speedByCpuTime: bench.ratio(rows['fast paths off']?.cpuMs, rows['fast paths on']?.cpuMs),
    speedByWallTime: bench.ratio(rows['fast paths off']?.wallMs, rows['fast paths on']?.wallMs),
  };
  console.log(`ratios (>1 = fast paths faster): ${JSON.stringify(ratios)}`);
  bench.save('mlp-fast-paths', { rounds: ROUNDS, runs, rows, ratios });
}

const v = bench.childVariant();
if (v) await child(v);
else parent();
