// Loading Fashion-MNIST from disk (the four gzipped IDX files of Debian's dataset-fashion-mnist): gunzip,
// validate, scale to [0, 1] and build the [60000, 28, 28, 1] / [10000, 28, 28, 1] tensors, against numpy
// reading the same files (gzip + frombuffer + /255, no tensors) in the same run. Prints seconds, the ratio
// and the process's peak RSS. Target: under 3 s.
// `pnpm bench datasets-fashion-mnist [--rounds=3] [--backend=cpu] [--dir=/usr/share/datasets/fashion-mnist]`
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadFashionMnist } from '../packages/datasets/src/node';
import { initRuntime } from '../packages/runtime/src/index';

const arg = (name: string, d: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d;
const ROUNDS = Number(arg('rounds', '3'));
const DIR = arg('dir', '/usr/share/datasets/fashion-mnist');
const info = await initRuntime({ backend: arg('backend', 'cpu'), verbose: false });

const times: number[] = [];
let shape: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now();
  const { train, test } = await loadFashionMnist({ dir: DIR });
  times.push((performance.now() - t0) / 1000);
  shape = train.x.shape;
  tf.dispose([train.x, train.y, test.x, test.y]);
}
const best = Math.min(...times);
const peakMB = process.resourceUsage().maxRSS / 1024;

const py = spawnSync(
  '/usr/bin/python3',
  [
    '-c',
    `import gzip, time, numpy as np
def load(p, off):
    with gzip.open(p, 'rb') as f: return np.frombuffer(f.read(), np.uint8, offset=off)
best = 1e9
for _ in range(${ROUNDS}):
    t = time.perf_counter()
    x = load('${DIR}/train-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28, 1).astype(np.float32) / 255
    y = load('${DIR}/train-labels-idx1-ubyte.gz', 8)
    tx = load('${DIR}/t10k-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28, 1).astype(np.float32) / 255
    ty = load('${DIR}/t10k-labels-idx1-ubyte.gz', 8)
    best = min(best, time.perf_counter() - t)
print(best)`,
  ],
  { encoding: 'utf8' },
);
const pyBest = py.status === 0 ? Number(py.stdout.trim()) : Number.NaN;

console.log(
  `backend ${info.backend}; loadFashionMnist({ dir: '${DIR}' }) → train x [${shape.join(', ')}], best of ${ROUNDS}`,
);
console.log(
  `  betterdl     ${best.toFixed(3)} s  (rounds: ${times.map((t) => t.toFixed(3)).join(', ')})  target < 3 s`,
);
console.log(`  numpy        ${pyBest.toFixed(3)} s  ratio betterdl/numpy ${(best / pyBest).toFixed(2)}`);
console.log(`  peak RSS ${peakMB.toFixed(0)} MB`);
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'datasets-fashion-mnist.json');
writeFileSync(
  out,
  `${JSON.stringify({ backend: info.backend, dir: DIR, rounds: times, bestSeconds: best, numpyBestSeconds: pyBest, ratio: best / pyBest, peakRssMB: Math.round(peakMB), targetSeconds: 3, date: new Date().toISOString() }, null, 2)}\n`,
);
if (best >= 3) process.exitCode = 1;
