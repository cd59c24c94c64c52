// makeCircles at scale: 1 000 000 samples with noise (scikit-learn-identical numbers), timed end to end
// including the x/y tensors, against scikit-learn's make_circles(1_000_000, noise=0.1) timed in the same run
// (Debian python3-sklearn). Prints seconds, the ratio, and the process's peak RSS. Target: under 1 s.
// `pnpm bench datasets-make-circles [--rounds=3] [--backend=cpu]`
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { makeCircles } from '../packages/datasets/src/index';
import { initRuntime } from '../packages/runtime/src/index';

const arg = (name: string, d: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d;
const ROUNDS = Number(arg('rounds', '3'));
const N = 1_000_000;
const info = await initRuntime({ backend: arg('backend', 'cpu'), verbose: false });

const times: number[] = [];
let first = 0;
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now();
  const d = makeCircles({ nSamples: N, noise: 0.1, randomState: 1 });
  times.push((performance.now() - t0) / 1000);
  first = d.xValues[0] as number;
  tf.dispose([d.x, d.y]);
}
const best = Math.min(...times);
const peakMB = process.resourceUsage().maxRSS / 1024;

const py = spawnSync(
  '/usr/bin/python3',
  [
    '-c',
    `import time
from sklearn.datasets import make_circles
best = 1e9
for _ in range(${ROUNDS}):
    t = time.perf_counter(); X, y = make_circles(${N}, noise=0.1, random_state=1); best = min(best, time.perf_counter() - t)
print(best, repr(float(X[0, 0])))`,
  ],
  { encoding: 'utf8' },
);
const [pyBest, pyFirst] =
  py.status === 0 ? py.stdout.trim().split(' ').map(Number) : [Number.NaN, Number.NaN];

console.log(`backend ${info.backend}; makeCircles(${N}, noise 0.1, randomState 1), best of ${ROUNDS}`);
console.log(
  `  betterdl     ${best.toFixed(3)} s  (rounds: ${times.map((t) => t.toFixed(3)).join(', ')})  target < 1 s`,
);
console.log(
  `  scikit-learn ${Number(pyBest).toFixed(3)} s  ratio betterdl/sklearn ${(best / (pyBest as number)).toFixed(2)}`,
);
console.log(
  `  same first value as scikit-learn: ${first === pyFirst || Math.abs(first - (pyFirst as number)) < 1e-12}`,
);
console.log(`  peak RSS ${peakMB.toFixed(0)} MB`);
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'datasets-make-circles.json');
writeFileSync(
  out,
  `${JSON.stringify({ backend: info.backend, nSamples: N, rounds: times, bestSeconds: best, sklearnBestSeconds: pyBest, ratio: best / (pyBest as number), peakRssMB: Math.round(peakMB), targetSeconds: 1, date: new Date().toISOString() }, null, 2)}\n`,
);
if (best >= 1) process.exitCode = 1;
