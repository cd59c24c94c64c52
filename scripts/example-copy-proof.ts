// Proof that an example runs outside the repository as `pnpm example:copy` writes it: pack every package
// (as pack:proof does; run `pnpm build` first), copy one example into a fresh folder with the @betterdl
// packages pointing at the tarballs and everything else at real registry ranges, `npm install`, and run it
// in quick mode with `npm start`. It must print its lines and write a result.json of the lesson format.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LessonResult } from '../examples/_shared/lesson';
import { findExample, listExamples, ROOT } from './example';
import { copyExample, tarballsIn } from './example-copy';

const EXAMPLE = process.argv[2] ?? '03-reduce-lr-on-plateau';
const work = mkdtempSync(join(tmpdir(), 'betterdl-example-copy-'));
const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

for (const name of readdirSync(join(ROOT, 'packages'))) {
  if (!existsSync(join(ROOT, 'packages', name, 'dist')))
    throw new Error(`packages/${name}/dist is missing: run pnpm build first`);
}
const tarDir = join(work, 'tarballs');
mkdirSync(tarDir);
for (const name of readdirSync(join(ROOT, 'packages')))
  run('pnpm', ['pack', '--pack-destination', tarDir], join(ROOT, 'packages', name));

const app = join(work, EXAMPLE);
const { packageJson } = copyExample(findExample(EXAMPLE, listExamples()), app, {
  tarballs: tarballsIn(tarDir),
});
const ranges = JSON.stringify(packageJson);
if (/workspace:|catalog:/.test(ranges)) throw new Error(`the copy still has pnpm-only ranges: ${ranges}`);
console.log(`copied examples/${EXAMPLE} to ${app}; npm install ...`);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);

const out = join(work, 'out');
const t0 = performance.now();
const printed = run('npm', ['start', '--silent'], app, { BETTERDL_QUICK: '1', BETTERDL_OUT: out });
process.stdout.write(printed);
const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as LessonResult;
if (result.example !== EXAMPLE || !result.quick || result.variants.length === 0)
  throw new Error(`unexpected result.json: ${JSON.stringify(result).slice(0, 300)}`);
for (const v of result.variants) {
  if (!printed.includes(`${v.name}: Train: ${v.train.toFixed(3)}, Test: ${v.test.toFixed(3)}`))
    throw new Error(`the run did not print the accuracies of ${v.name}`);
}
if (!process.env.KEEP_PROOF) rmSync(work, { recursive: true, force: true });
console.log(
  `example-copy proof passed: ${EXAMPLE} installed with npm from the tarballs and ran in quick mode ` +
    `(${((performance.now() - t0) / 1000).toFixed(1)} s, backend ${result.backend})`,
);
