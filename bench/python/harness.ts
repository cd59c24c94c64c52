// Shared by the benchmarks (bench/kernels|mlp|cnn|lesson5|callbacks-overhead.bench.ts): each benchmark file is both
// the parent (spawns one child process per variant, so stock and fixed kernels never share a process, then
// PyTorch with 1 and 2 threads) and the child (`--child <variant>` runs one workload and prints one JSON line).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { makeCircles } from '../../packages/datasets/src/index';
import { readIdxFile } from '../../packages/datasets/src/node';
import { initRuntime, setSeed } from '../../packages/runtime/src/index';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const MARK = 'BENCH_RESULT ';

/** A variant's measured numbers (or why it could not run). */
export type Row = Record<string, number | string | boolean | null>;

/** The variant name when this process is a child, else null. */
export function childVariant(): string | null {
  const i = process.argv.indexOf('--child');
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

/** Prints a child's result for the parent to collect. */
export function report(row: Row): void {
  console.log(MARK + JSON.stringify(row));
}

function collect(stdout: string, stderr: string, status: number | null): Row {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (line) return JSON.parse(line.slice(MARK.length)) as Row;
  const why = (stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${status}`).slice(0, 200);
  return { error: why };
}

/** Runs `file --child variant` with tsx in a fresh process. */
export function runTfjsChild(file: string, variant: string, args: string[] = []): Row {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, '--child', variant, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, BETTERDL_BENCH_CHILD: '1' },
  });
  return collect(r.stdout ?? '', r.stderr ?? '', r.status);
}

/** Runs `bench/python/<script>` with Debian's PyTorch on `threads` threads. */
export function runTorch(script: string, threads: number, args: string[] = []): Row {
  const r = spawnSync(
    '/usr/bin/python3',
    [join(BENCH_DIR, 'python', script), '--threads', String(threads), ...args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
    },
  );
  return collect(r.stdout ?? '', r.stderr ?? '', r.status);
}

/**
 * Runs every variant `rounds` times, interleaved (A B C, A B C, ...), and keeps each variant's best row by
 * `key` (higher is better unless `lowerIsBetter`): on a shared machine the best of a few interleaved runs is
 * the least disturbed one, and interleaving spreads any load evenly over the variants.
 */
export function bestOf(
  variants: Record<string, () => Row>,
  rounds: number,
  key: string,
  lowerIsBetter = false,
): Record<string, Row> {
  const best: Record<string, Row> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(variants)) {
      const row = run();
      const prev = best[name];
      const v = row[key];
      const p = prev?.[key];
      const better =
        prev === undefined ||
        (typeof v === 'number' && (typeof p !== 'number' || (lowerIsBetter ? v < p : v > p)));
      if (better) best[name] = { ...row, rounds: r + 1 };
      else if (prev) prev.rounds = r + 1;
    }
  }
  return best;
}

/**
 * The variants every runtime benchmark compares, as {@link bestOf} takes them: tfjs wasm with betterdl's
 * kernel fixes on 1 and 2 threads (children of `file`), and PyTorch CPU on 1 and 2 threads (`torchScript`).
 */
export function betterdlAndTorch(
  file: string,
  torchScript: string,
  args: string[] = [],
): Record<string, () => Row> {
  return {
    'tfjs wasm + betterdl': () => runTfjsChild(file, 'wasm-fixed', args),
    'tfjs wasm + betterdl, 2 threads': () => runTfjsChild(file, 'wasm-fixed-2t', args),
    'PyTorch CPU, 1 thread': () => runTorch(torchScript, 1, args),
    'PyTorch CPU, 2 threads': () => runTorch(torchScript, 2, args),
  };
}

/** `--name=value` from the command line as a number, else `fallback`. */
export function numArg(name: string, fallback: number): number {
  const v = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return v === undefined ? fallback : Number(v);
}

/** Prints an aligned table of rows. */
export function printTable(rows: Record<string, Row>, columns: string[]): void {
  const head = ['variant', ...columns];
  const body = Object.entries(rows).map(([name, r]) => [
    name,
    ...columns.map((c) => {
      const v = r[c];
      if (r.error && c === columns[0]) return `failed: ${r.error}`;
      return typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : String(v ?? '');
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  for (const line of [head, ...body])
    console.log(line.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0)).join('  '));
}

/** `a / b` rounded to 2 decimals, or null when either is missing. */
export function ratio(a: unknown, b: unknown): number | null {
  return typeof a === 'number' && typeof b === 'number' && b > 0 ? Math.round((a / b) * 100) / 100 : null;
}

/** Writes `bench/results/<name>.json` with the machine's load, so readers can judge the noise. */
export function save(name: string, data: Record<string, unknown>): void {
  const load = (() => {
    try {
      return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
    } catch {
      return null;
    }
  })();
  const file = join(BENCH_DIR, 'results', `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: name, date: new Date().toISOString(), node: process.version, loadavg: load, ...data }, null, 2)}\n`,
  );
  console.log(`wrote ${file}`);
}

/** Where Debian's dataset-fashion-mnist puts the IDX files (the PyTorch side reads the same files). */
const FMNIST = '/usr/share/datasets/fashion-mnist';

/** The first `limit` Fashion-MNIST images (scaled to [0, 1]) and labels of a split, read with readIdxFile. */
export async function fashionMnist(
  split: 'train' | 't10k',
  limit: number,
): Promise<{ x: Float32Array; y: Int32Array; n: number }> {
  const img = await readIdxFile(`${FMNIST}/${split}-images-idx3-ubyte.gz`, { rank: 3, dtype: 'uint8' });
  const lab = await readIdxFile(`${FMNIST}/${split}-labels-idx1-ubyte.gz`, { rank: 1, dtype: 'uint8' });
  const n = Math.min(limit, img.shape[0] ?? 0);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = (img.data[i] as number) / 255;
  return { x, y: Int32Array.from(lab.data.subarray(0, n)), n };
}

/**
 * Initialises the runtime a child variant names: `cpu-…` the stock cpu backend, else wasm; `wasm-fixed…`
 * with betterdl's kernel fixes and fast paths (`wasm-fixed-nofast`: kernel fixes only; the `…-stock` variants
 * run stock tfjs: neither), `wasm-fixed-2t` on 2 threads; then `setSeed(seed)` when given. Returns the backend.
 */
export async function initVariant(variant: string, seed?: number): Promise<'cpu' | 'wasm'> {
  const backend = variant.startsWith('cpu') ? 'cpu' : 'wasm';
  await initRuntime({
    backend,
    kernelFixes: variant.startsWith('wasm-fixed'),
    fastPaths: variant.startsWith('wasm-fixed') && !variant.endsWith('-nofast'),
    ...(variant === 'wasm-fixed-2t' ? { threads: 2 } : {}),
    verbose: false,
  });
  if (seed !== undefined) setSeed(seed);
  return backend;
}

/** Share of `labels` that the arg-max of `model.predict(x)` gets right. */
export function testAccuracy(model: tfl.LayersModel, x: tf.Tensor, labels: Int32Array): number {
  const p = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, 1)).dataSync();
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (p[i] === labels[i]) ok++;
  return ok / labels.length;
}

/**
 * The lesson-5 data: scikit-learn's make_circles(n_samples=100, noise=0.1, random_state=1) from
 * `makeCircles`, the first 30 rows for training and the other 70 for validation (as bench/python/lesson5.py).
 */
/** The lesson-5 model, compiled: 2 → Dense(500, relu, L2 0.01) → Dense(1, sigmoid), Adam, binaryCrossentropy + accuracy. */
export function lesson5Model(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [2],
        units: 500,
        activation: 'relu',
        kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }),
      }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

export function lesson5Circles(): {
  trainX: tf.Tensor2D;
  trainY: tf.Tensor2D;
  testX: tf.Tensor2D;
  testY: tf.Tensor2D;
} {
  const d = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
  const [trainX, testX] = tf.split(d.x, [30, 70]) as [tf.Tensor2D, tf.Tensor2D];
  const [trainY, testY] = tf.split(d.y, [30, 70]) as [tf.Tensor2D, tf.Tensor2D];
  tf.dispose([d.x, d.y]);
  return { trainX, trainY, testX, testY };
}
