// Builds the package in the current directory with tsup (`pnpm build` runs this in every package).
// `--if-changed` (the `prepack` hook) skips the build when dist/ was built from exactly the current inputs, so
// packing and publishing never ship a missing or stale dist/ and never rebuild an up-to-date one.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const pkgDir = process.cwd();
const root = new URL('..', import.meta.url).pathname;
const stamp = join(pkgDir, 'node_modules', '.cache', 'betterdl-build.json');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** A hash of everything the build reads: the package's sources and configs, the shared configs, the lockfile. */
export function inputHash(dir = pkgDir) {
  const inputs = [
    ...files(join(dir, 'src')).filter((f) => !/\.test\.ts$|\/fixtures\//.test(f)),
    join(dir, 'package.json'),
    join(dir, 'tsup.config.ts'),
    join(root, 'tsup.shared.ts'),
    join(root, 'tsconfig.base.json'),
    join(root, 'pnpm-lock.yaml'),
  ].filter(existsSync);
  const hash = createHash('sha256');
  for (const f of inputs.sort())
    hash
      .update(`${relative(root, f)}\0`)
      .update(readFileSync(f))
      .update('\0');
  return hash.digest('hex');
}

const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const outputs = Object.values(pkg.exports)
  .flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e).flatMap((c) => Object.values(c))))
  .filter((p) => p.startsWith('./dist/'));
const hash = inputHash();
if (process.argv.includes('--if-changed')) {
  const built = existsSync(stamp) ? JSON.parse(readFileSync(stamp, 'utf8')).hash : undefined;
  if (built === hash && outputs.every((o) => existsSync(join(pkgDir, o)))) {
    console.log(`${pkg.name}: dist/ is up to date with its sources, not rebuilding`);
    process.exit(0);
  }
}
execFileSync(join(root, 'node_modules', '.bin', 'tsup'), [], { cwd: pkgDir, stdio: 'inherit' });
const absent = outputs.filter((o) => !existsSync(join(pkgDir, o)));
if (absent.length) {
  console.error(
    `${pkg.name}: the build did not produce ${absent.join(', ')} (named in package.json exports)`,
  );
  process.exit(1);
}
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, JSON.stringify({ hash }));
