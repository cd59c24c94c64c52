// `pnpm start`: the main job. Runs the 7-day "Better Deep Learning" course end to end — lessons 01 to 07 from
// examples/, all on makeCircles with a fixed seed and the best backend initRuntime() finds — shows progress,
// writes reports/course/index.html (every lesson's figure, verdicts, accuracies and run times) and prints a
// summary table. Lessons run as separate processes, several at once when the machine has the cores.
//
//   pnpm start [--quick] [--seed N] [--jobs N] [--backend wasm|cpu|...] [--out DIR] [--save-pictures]
//              [--no-fast-paths] [lesson...]
// --no-fast-paths runs every lesson with BETTERDL_FAST_PATHS=0 (stock tfjs `fit`), to measure what they save.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@betterdl/runtime/node';
import type { LessonResult } from '../examples/_shared/lesson';
import {
  type ExampleInfo,
  findExample,
  listExamples,
  ROOT,
  type RunResult,
  runExample,
  savePictures,
  table,
} from './example';

/** The lessons, longest first so that parallel runs finish together. */
export const COURSE = [
  '02-batch-size',
  '05-weight-decay',
  '06-gaussian-noise',
  '07-early-stopping',
  '03-reduce-lr-on-plateau',
  '04-batch-norm',
  '01-diagnose',
] as const;

// The result.json format is typed once, beside the writer the examples use.
export type { LessonResult, VariantResult } from '../examples/_shared/lesson';

interface Args {
  quick: boolean;
  seed: number;
  jobs: number;
  backend?: string;
  out: string;
  only: string[];
  savePictures: boolean;
  fastPaths: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (flag: string, dflt: number, min: number) => {
    const v = value(flag);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
  const valued = new Set(['--seed', '--jobs', '--backend', '--out']);
  const only = argv.filter((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1] ?? ''));
  return {
    quick: argv.includes('--quick'),
    seed: int('--seed', 1, 0),
    jobs: int('--jobs', Math.min(availableParallelism(), COURSE.length), 1),
    backend: value('--backend'),
    out: resolve(value('--out') ?? join(ROOT, 'reports')),
    only,
    savePictures: argv.includes('--save-pictures'),
    fastPaths: !argv.includes('--no-fast-paths'),
  };
}

/** Live status: one line per lesson, redrawn in a terminal; plain log lines otherwise. */
class Progress {
  private readonly state = new Map<string, { status: string; t0: number; last: string; secs?: number }>();
  private drawn = 0;
  private readonly tty = Boolean(process.stdout.isTTY);
  private timer?: NodeJS.Timeout;

  constructor(private readonly names: string[]) {
    for (const n of names) this.state.set(n, { status: 'waiting', t0: 0, last: '' });
    if (this.tty) this.timer = setInterval(() => this.draw(), 500);
  }
  start(name: string) {
    Object.assign(this.state.get(name)!, { status: 'running', t0: performance.now() });
    if (!this.tty) console.log(`▶ ${name} started`);
    this.draw();
  }
  line(name: string, line: string) {
    this.state.get(name)!.last = line.trim();
  }
  done(name: string, r: RunResult) {
    Object.assign(this.state.get(name)!, { status: r.ok ? 'done' : 'FAILED', secs: r.seconds });
    if (!this.tty)
      console.log(`${r.ok ? '✓' : '✗'} ${name} ${r.ok ? 'done' : 'FAILED'} in ${r.seconds.toFixed(1)} s`);
    this.draw();
  }
  stop() {
    if (this.timer) clearInterval(this.timer);
    this.draw();
  }
  private draw() {
    if (!this.tty) return;
    const width = process.stdout.columns ?? 100;
    const lines = this.names.map((n) => {
      const s = this.state.get(n)!;
      const icon = { waiting: '·', running: '▶', done: '✓', FAILED: '✗' }[s.status] ?? '?';
      const secs = s.secs ?? (s.status === 'running' ? (performance.now() - s.t0) / 1000 : 0);
      const time = s.status === 'waiting' ? '' : `${secs.toFixed(0).padStart(4)} s`;
      const tail = s.status === 'running' ? s.last : s.status === 'waiting' ? '' : s.status;
      return `${icon} ${n.padEnd(24)} ${time.padStart(6)}  ${tail}`.slice(0, width - 1);
    });
    if (this.drawn) process.stdout.write(`\x1b[${this.drawn}F`);
    process.stdout.write(lines.map((l) => `${l}\x1b[K`).join('\n') + '\n');
    this.drawn = lines.length;
  }
}

/** Runs `tasks` with at most `jobs` at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/** Reads an example's result.json, or null when it wrote none. */
export function readLessonResult(outDir: string): LessonResult | null {
  const p = join(outDir, 'result.json');
  if (!existsSync(p)) return null;
  return JSON.parse(readFileSync(p, 'utf8')) as LessonResult;
}

function figureHtml(outDir: string, r: LessonResult): string {
  if (r.figure.svg && existsSync(join(outDir, r.figure.svg))) {
    const svg = readFileSync(join(outDir, r.figure.svg), 'utf8').replace(/^<\?xml[^>]*>\s*/, '');
    return `<figure>${svg}</figure>`;
  }
  if (r.figure.png && existsSync(join(outDir, r.figure.png))) {
    const b64 = readFileSync(join(outDir, r.figure.png)).toString('base64');
    return `<figure><img alt="learning curves of ${esc(r.example)}" src="data:image/png;base64,${b64}"></figure>`;
  }
  return '<p><em>No figure was written.</em></p>';
}

/** `on`, `off`, `mixed` or `unknown`: whether the lessons ran with betterdl's fast paths. */
export function fastPathsText(results: Array<LessonResult | null>): string {
  const seen = new Set(results.filter((r) => r !== null).map((r) => r?.fastPaths));
  if (seen.size !== 1) return seen.size === 0 ? 'unknown' : 'mixed';
  const [v] = [...seen];
  return v === undefined ? 'unknown' : v ? 'on' : 'off';
}

/** The self-contained HTML course report. */
export function courseHtml(
  runs: { ex: ExampleInfo; run: RunResult; result: LessonResult | null }[],
  meta: { seed: number; quick: boolean; wallSeconds: number; jobs: number },
): string {
  const backend = runs.find((r) => r.result)?.result?.backend ?? 'unknown';
  const fast = fastPathsText(runs.map((r) => r.result));
  const sections = runs
    .slice()
    .sort((a, b) => a.ex.name.localeCompare(b.ex.name))
    .map(({ ex, run, result }) => {
      if (!result) {
        const tail = run.output.split('\n').slice(-15).join('\n');
        return `<section><h2>${esc(ex.name)}</h2><p class="bad">The example ${run.ok ? 'wrote no result.json' : `failed (exit ${run.code})`}.</p><pre>${esc(tail)}</pre></section>`;
      }
      const rows = result.variants
        .map(
          (v) =>
            `<tr><td>${esc(v.name)}</td><td>${pct(v.train)}</td><td>${pct(v.test)}</td><td>${v.epochs}</td><td>${v.seconds.toFixed(1)} s</td><td>${esc(v.verdict ?? '')}</td></tr>`,
        )
        .join('');
      const evidence = result.variants
        .filter((v) => v.reason || v.suggestions?.length)
        .map(
          (v) =>
            `<li><b>${esc(v.name)}</b> — ${esc(v.verdict ?? '')}: ${esc(v.reason ?? '')}${v.suggestions?.length ? ` <i>Try: ${esc(v.suggestions.join(' '))}</i>` : ''}</li>`,
        )
        .join('');
      return `<section id="${esc(ex.name)}"><h2>${esc(ex.name)} — ${esc(result.title)}</h2>
${figureHtml(run.outDir, result)}
<table><thead><tr><th>variant</th><th>train acc</th><th>test acc</th><th>epochs</th><th>fit time</th><th>diagnosis</th></tr></thead><tbody>${rows}</tbody></table>
<p>${esc(result.takeaway)}</p>${evidence ? `<h3>Diagnoses</h3><ul>${evidence}</ul>` : ''}
<p class="meta">Lesson run time ${run.seconds.toFixed(1)} s (process), examples/${esc(ex.name)}/main.ts</p></section>`;
    })
    .join('\n');
  const toc = runs
    .map((r) => r.ex.name)
    .sort()
    .map((n) => `<a href="#${esc(n)}">${esc(n)}</a>`)
    .join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Better Deep Learning — the 7-day course in TensorFlow.js</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
td:first-child,th:first-child,td:last-child,th:last-child{text-align:left}figure{margin:0}figure svg,figure img{max-width:100%;height:auto}
section{border-top:1px solid #ddd;margin-top:2em}.meta{color:#777;font-size:13px}.bad{color:#b00}pre{background:#f6f6f6;padding:.5em;overflow:auto}
</style></head><body>
<h1>Better Deep Learning — the 7-day course in TensorFlow.js</h1>
<p>Every lesson of the course run end to end on <code>makeCircles</code> (scikit-learn-identical data),
seed ${meta.seed}, backend <b>${esc(backend)}</b>, betterdl fast paths <b>${fast}</b>${meta.quick ? ', <b>quick mode</b> (few epochs: the curves are too short to show the lessons)' : ''}.
Wall time ${meta.wallSeconds.toFixed(1)} s with ${meta.jobs} lesson${meta.jobs > 1 ? 's' : ''} at a time.
Generated ${new Date().toISOString()} by <code>pnpm start</code>.</p>
<p>${toc}</p>
${sections}
</body></html>
`;
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  const all = listExamples();
  let lessons: ExampleInfo[];
  try {
    const names = args.only.length ? args.only : [...COURSE];
    lessons = names.map((n) => findExample(n, all));
  } catch (err) {
    console.error(`${(err as Error).message}\nThe course needs examples/${COURSE.join(', examples/')}.`);
    return 1;
  }
  console.log(
    `Better Deep Learning, the 7-day course: ${lessons.length} lessons on makeCircles, seed ${args.seed}` +
      `${args.quick ? ', quick mode' : ''}, ${args.jobs} at a time. Reports: ${join(args.out, 'course')}\n`,
  );
  const progress = new Progress(lessons.map((l) => l.name));
  const t0 = performance.now();
  const env: Record<string, string> = args.backend ? { BETTERDL_BACKEND: args.backend } : {};
  if (!args.fastPaths) env.BETTERDL_FAST_PATHS = '0';
  const runs = await pool(
    lessons.map((ex) => async () => {
      progress.start(ex.name);
      const run = await runExample(ex, {
        quick: args.quick,
        seed: args.seed,
        reportsDir: args.out,
        env,
        stdio: 'capture',
        onLine: (l) => progress.line(ex.name, l),
      });
      progress.done(ex.name, run);
      let result: LessonResult | null = null;
      try {
        result = run.ok ? readLessonResult(run.outDir) : null;
      } catch {
        result = null;
      }
      return { ex, run, result };
    }),
    args.jobs,
  );
  progress.stop();
  const wallSeconds = (performance.now() - t0) / 1000;
  const html = courseHtml(runs, { seed: args.seed, quick: args.quick, wallSeconds, jobs: args.jobs });
  const reportPath = join(args.out, 'course', 'index.html');
  await writeFileAtomic(reportPath, html);

  const rows: string[][] = [['lesson', 'variant', 'train', 'test', 'epochs', 'diagnosis', 'seconds']];
  for (const { ex, run, result } of runs.slice().sort((a, b) => a.ex.name.localeCompare(b.ex.name))) {
    if (!result) {
      rows.push([
        ex.name,
        run.ok ? '(no result.json)' : `FAILED (exit ${run.code})`,
        '',
        '',
        '',
        '',
        run.seconds.toFixed(1),
      ]);
      continue;
    }
    result.variants.forEach((v, i) => {
      rows.push([
        i === 0 ? ex.name : '',
        v.name,
        pct(v.train),
        pct(v.test),
        String(v.epochs),
        v.verdict ?? '',
        i === 0 ? run.seconds.toFixed(1) : '',
      ]);
    });
  }
  console.log(`\n${table(rows)}`);
  const backend = runs.find((r) => r.result)?.result?.backend ?? 'unknown';
  const sum = runs.reduce((s, r) => s + r.run.seconds, 0);
  console.log(
    `\nbackend ${backend}, fast paths ${fastPathsText(runs.map((r) => r.result))}; wall time ${wallSeconds.toFixed(1)} s (lessons add up to ${sum.toFixed(1)} s, ${args.jobs} at a time)`,
  );
  console.log(`report: ${reportPath}`);
  if (args.savePictures && !args.quick) {
    for (const { ex, run } of runs) if (run.ok) savePictures(ex, run.outDir);
    console.log("copied each lesson's PNG pictures into its examples/ directory");
  }
  const failed = runs.filter((r) => !r.run.ok || !r.result);
  for (const f of failed) {
    console.error(
      `\n✗ ${f.ex.name} (see ${join(f.run.outDir, 'output.log')}):\n${f.run.output.split('\n').slice(-20).join('\n')}`,
    );
  }
  return failed.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
