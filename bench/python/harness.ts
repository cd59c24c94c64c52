// Shared by the runtime benchmarks (bench/kernels|mlp|cnn|lesson5.bench.ts): each benchmark file is both
// the parent (spawns one child process per variant, so stock and fixed kernels never share a process, then
// PyTorch with 1 and 2 threads) and the child (`--child <variant>` runs one workload and prints one JSON line).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

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

const FMNIST = '/usr/share/datasets/fashion-mnist';

/** The first `limit` Fashion-MNIST images (scaled to [0, 1]) and labels of a split. */
export function fashionMnist(
  split: 'train' | 't10k',
  limit: number,
): { x: Float32Array; y: Int32Array; n: number } {
  const img = gunzipSync(readFileSync(`${FMNIST}/${split}-images-idx3-ubyte.gz`));
  const lab = gunzipSync(readFileSync(`${FMNIST}/${split}-labels-idx1-ubyte.gz`));
  const n = Math.min(limit, img.readUInt32BE(4));
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = (img[16 + i] as number) / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = lab[8 + i] as number;
  return { x, y, n };
}
