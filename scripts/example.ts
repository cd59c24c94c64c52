// `pnpm example <name> [--quick]` runs one example; `pnpm example --all [--quick]` runs every example one
// after another (CI runs `pnpm examples:quick`); `pnpm example --list` lists them.
//
// Each example is `examples/<name>/main.ts`, run with tsx in its own process from the repository root, so the
// `@betterdl/*` imports resolve to the packages' sources through tsconfig paths and no build is needed.
// The shared convention (examples/README.md): the runner passes
//   BETTERDL_QUICK=1      few epochs / a small subset, for CI (also `--quick` on the example's argv)
//   BETTERDL_SEED=<n>     the seed (examples default to 1)
//   BETTERDL_OUT=<dir>    where to write pictures and result.json (examples default to reports/<name>)
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** One runnable example found under `examples/`. */
export interface ExampleInfo {
  /** Directory name, e.g. `02-batch-size`. */
  name: string;
  /** Absolute directory. */
  dir: string;
  /** Absolute path of the entry file. */
  entry: string;
  /** The package.json description. */
  description: string;
}

/** Every directory of `examples/` that holds a `main.ts`, numbered ones first in order, then the rest by name. */
export function listExamples(root = ROOT): ExampleInfo[] {
  const base = join(root, 'examples');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'main.ts')))
    .map((d) => {
      const dir = join(base, d.name);
      let description = '';
      try {
        description = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).description ?? '';
      } catch {
        description = '';
      }
      return { name: d.name, dir, entry: join(dir, 'main.ts'), description };
    })
    .sort((a, b) => {
      const na = /^\d/.test(a.name);
      const nb = /^\d/.test(b.name);
      if (na !== nb) return na ? -1 : 1;
      return a.name.localeCompare(b.name);
    });
}

/**
 * Finds the example a user means: the full directory name (`02-batch-size`), its number (`02`, `2`) or its
 * slug (`batch-size`). Throws with the list of examples when nothing or more than one matches.
 */
export function findExample(query: string, examples: ExampleInfo[]): ExampleInfo {
  const q = query.replace(/^examples\//, '').replace(/\/$/, '');
  const exact = examples.find((e) => e.name === q);
  if (exact) return exact;
  const num = /^\d+$/.test(q) ? q.padStart(2, '0') : null;
  const matches = examples.filter((e) =>
    num ? e.name.startsWith(`${num}-`) : e.name.replace(/^\d+-/, '') === q || e.name.includes(q),
  );
  if (matches.length === 1) return matches[0]!;
  const names = examples.map((e) => e.name).join(', ');
  if (matches.length === 0) throw new Error(`no example matches '${query}'. Examples: ${names}`);
  throw new Error(
    `'${query}' matches ${matches.map((m) => m.name).join(', ')}; give the full name. Examples: ${names}`,
  );
}

/** Options of {@link runExample}. */
export interface RunOptions {
  /** Quick mode (few epochs). Defaults to `false`. */
  quick?: boolean;
  /** The seed passed as BETTERDL_SEED. Defaults to 1. */
  seed?: number;
  /** Where reports go (`<reportsDir>/<name>/`). Defaults to `<root>/reports`. */
  reportsDir?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** `inherit` streams the output to this terminal; `capture` returns it (and logs it to `output.log`). Defaults to `inherit`. */
  stdio?: 'inherit' | 'capture';
  /** Called with each complete line the example prints (capture mode). */
  onLine?: (line: string) => void;
  /** Kill the example after this many seconds. Defaults to no limit. */
  timeoutSeconds?: number;
}

/** What happened when an example ran. */
export interface RunResult {
  name: string;
  ok: boolean;
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  seconds: number;
  /** The directory the example wrote to. */
  outDir: string;
  /** Everything the example printed (capture mode only). */
  output: string;
}

/** The environment an example runs with: the convention documented in examples/README.md. */
export function exampleEnv(ex: ExampleInfo, opts: RunOptions = {}): Record<string, string> {
  const reports = resolve(opts.reportsDir ?? join(ROOT, 'reports'));
  return {
    BETTERDL_QUICK: opts.quick ? '1' : '0',
    BETTERDL_SEED: String(opts.seed ?? 1),
    BETTERDL_OUT: join(reports, ex.name),
    ...opts.env,
  };
}

function tsxCli(): string {
  return join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
}

/** Runs one example in its own Node process (tsx, cwd = repository root). */
export function runExample(ex: ExampleInfo, opts: RunOptions = {}): Promise<RunResult> {
  const env = exampleEnv(ex, opts);
  const outDir = env.BETTERDL_OUT!;
  mkdirSync(outDir, { recursive: true });
  const args = [tsxCli(), ex.entry, ...(opts.quick ? ['--quick'] : [])];
  const capture = (opts.stdio ?? 'inherit') === 'capture';
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, FORCE_COLOR: capture ? '0' : (process.env.FORCE_COLOR ?? '') },
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  let output = '';
  if (capture) {
    const log = createWriteStream(join(outDir, 'output.log'));
    let pending = '';
    const onData = (chunk: Buffer) => {
      const s = chunk.toString('utf8');
      output += s;
      log.write(s);
      pending += s;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) opts.onLine?.(l);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('close', () => log.end());
  }
  let timer: NodeJS.Timeout | undefined;
  if (opts.timeoutSeconds) {
    timer = setTimeout(() => {
      output += `\n[killed after ${opts.timeoutSeconds} s]\n`;
      child.kill('SIGTERM');
    }, opts.timeoutSeconds * 1000);
  }
  return new Promise((res) => {
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      res({
        name: ex.name,
        ok: code === 0,
        code,
        seconds: (performance.now() - t0) / 1000,
        outDir,
        output,
      });
    });
  });
}

/**
 * Copies the PNG pictures a full (not quick) run wrote into the example's own directory, where its README
 * shows them and the docs link to them. Returns the file names copied.
 */
export function savePictures(ex: ExampleInfo, outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  const pngs = readdirSync(outDir).filter((f) => f.endsWith('.png'));
  for (const f of pngs) copyFileSync(join(outDir, f), join(ex.dir, f));
  return pngs;
}

/** Formats rows as an aligned plain-text table (first row = header). */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)].join('\n');
}

const USAGE = `usage: pnpm example <name> [--quick] [--seed N] [--save-pictures]
       pnpm example --all [--quick] [--seed N]      (CI: pnpm examples:quick)
       pnpm example --list
<name> is a directory of examples/ (02-batch-size), its number (02) or its slug (batch-size).
--save-pictures copies the PNGs of a full run into examples/<name>/ (the pictures READMEs and docs show).`;

async function cli(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const seedAt = argv.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : 1;
  const names = argv.filter((a, i) => !a.startsWith('--') && !(seedAt >= 0 && i === seedAt + 1));
  const quick = flags.has('--quick');
  const examples = listExamples();
  if (flags.has('--help') || (!flags.has('--all') && !flags.has('--list') && names.length === 0)) {
    console.log(USAGE);
    return names.length === 0 && !flags.has('--help') ? 1 : 0;
  }
  if (!Number.isInteger(seed) || seed < 0) {
    console.error(`--seed must be a non-negative integer, got '${argv[seedAt + 1]}'`);
    return 1;
  }
  if (flags.has('--list')) {
    console.log(table([['example', 'what it shows'], ...examples.map((e) => [e.name, e.description])]));
    return 0;
  }
  let chosen: ExampleInfo[];
  try {
    chosen = flags.has('--all') ? examples : names.map((n) => findExample(n, examples));
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  const results: RunResult[] = [];
  for (const ex of chosen) {
    console.log(`\n=== ${ex.name}${quick ? ' (quick)' : ''}`);
    const r = await runExample(ex, { quick, seed });
    console.log(`=== ${ex.name}: ${r.ok ? 'ok' : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(1)} s`);
    if (r.ok && flags.has('--save-pictures')) {
      if (quick)
        console.log('--save-pictures ignored in quick mode: quick runs are too short to show the lesson');
      else console.log(`saved ${savePictures(ex, r.outDir).join(', ') || 'no pictures'} to ${ex.dir}`);
    }
    results.push(r);
  }
  if (chosen.length > 1) {
    const total = results.reduce((s, r) => s + r.seconds, 0);
    console.log(
      `\n${table([
        ['example', 'result', 'seconds'],
        ...results.map((r) => [r.name, r.ok ? 'ok' : 'FAILED', r.seconds.toFixed(1)]),
        ['total', '', total.toFixed(1)],
      ])}`,
    );
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await cli(process.argv.slice(2));
}
