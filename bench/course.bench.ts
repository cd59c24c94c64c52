// The course with betterdl's fast paths on and off: every lesson of `pnpm start` in quick mode, each run in its
// own process, interleaved lesson by lesson (on, off, on, off ...) so that machine load falls on both alike.
// Reports each lesson's time (the example's own result.json `seconds`: start-up excluded) and checks that the
// lessons' numbers (train/test accuracy per variant) are the same with and without fast paths.
// `--full` runs the lessons as `pnpm start` does (full epochs) instead of quick.
// `pnpm bench course [--rounds=1] [--full]` → bench/results/course.json (course-full.json with --full)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LessonResult } from '../examples/_shared/lesson';
import { COURSE } from '../scripts/start';
import * as bench from './python/harness';

const ROUNDS = bench.numArg('rounds', 1);
const FULL = process.argv.includes('--full');
const out = mkdtempSync(join(tmpdir(), 'betterdl-course-'));

function runLesson(lesson: string, fastPaths: boolean): LessonResult | null {
  const dir = join(out, `${lesson}-${fastPaths ? 'on' : 'off'}`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join('examples', lesson, 'main.ts'), ...(FULL ? [] : ['--quick'])],
    {
      cwd: join(bench.BENCH_DIR, '..'),
      encoding: 'utf8',
      env: {
        ...process.env,
        BETTERDL_FAST_PATHS: fastPaths ? '1' : '0',
        BETTERDL_OUT: dir,
        ...(FULL ? {} : { BETTERDL_QUICK: '1' }),
      },
    },
  );
  if (r.status !== 0) return null;
  return JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as LessonResult;
}

const rows: Record<string, bench.Row> = {};
let sameNumbers = true;
for (const lesson of COURSE) {
  let on: number | null = null;
  let off: number | null = null;
  for (let round = 0; round < ROUNDS; round++) {
    const a = runLesson(lesson, true);
    const b = runLesson(lesson, false);
    if (a) on = Math.min(on ?? Number.POSITIVE_INFINITY, a.seconds);
    if (b) off = Math.min(off ?? Number.POSITIVE_INFINITY, b.seconds);
    const same =
      JSON.stringify(a?.variants.map((v) => [v.train, v.test])) ===
      JSON.stringify(b?.variants.map((v) => [v.train, v.test]));
    if (!a || !b || !same) sameNumbers = false;
  }
  rows[lesson] = { fastPathsOnSeconds: on, fastPathsOffSeconds: off, speedup: bench.ratio(off, on) };
}
rmSync(out, { recursive: true, force: true });
const sum = (k: string) =>
  Object.values(rows).reduce((s, r) => s + (typeof r[k] === 'number' ? (r[k] as number) : 0), 0);
rows.total = {
  fastPathsOnSeconds: sum('fastPathsOnSeconds'),
  fastPathsOffSeconds: sum('fastPathsOffSeconds'),
  speedup: bench.ratio(sum('fastPathsOffSeconds'), sum('fastPathsOnSeconds')),
};
console.log(
  `the course in ${FULL ? 'full' : 'quick'} mode, fast paths on vs off, interleaved, best of ${ROUNDS}`,
);
bench.printTable(rows, ['fastPathsOnSeconds', 'fastPathsOffSeconds', 'speedup']);
console.log(`same train/test accuracies with and without fast paths: ${sameNumbers}`);
bench.save(FULL ? 'course-full' : 'course', { rounds: ROUNDS, full: FULL, rows, sameNumbers });
