// Packaging checks for every package, on the tarball users get: each package is packed once (`pnpm pack`, whose
// `prepack` builds dist/ when it is missing or stale), then the tarball must hold every file its exports name,
// README.md, LICENSE and CHANGELOG.md and no tests; publint --strict; @arethetypeswrong/cli with every
// resolution profile (node10, node16 from CJS and ESM, bundler); and no copy of tfjs inside dist/; every @tensorflow peer
// equals the pnpm catalog's range; no test code (test helpers, anything importing vitest) in the tarball.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkgs = readdirSync(join(root, 'packages')).filter((n) =>
  existsSync(join(root, 'packages', n, 'package.json')),
);
const work = mkdtempSync(join(tmpdir(), 'betterdl-check-'));
let failed = 0;
const fail = (msg) => {
  console.error(`✗ ${msg}`);
  failed++;
};

/** The paths inside a package tarball (without the leading `package/`). */
function tarballFiles(tgz) {
  return execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ''));
}

// The supported tfjs range lives once, in the pnpm catalog; every @tensorflow peer must say exactly that.
const catalog = Object.fromEntries(
  [
    ...readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').matchAll(
      /^\s+"(@tensorflow\/[^"]+)":\s*(\S+)/gm,
    ),
  ].map((m) => [m[1], m[2]]),
);
for (const name of pkgs) {
  const dir = join(root, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const dest = join(work, name);
  try {
    execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: dir, stdio: 'pipe' });
  } catch (err) {
    fail(`${name}: pnpm pack failed\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    continue;
  }
  const tgz = join(dest, readdirSync(dest)[0]);
  const files = new Set(tarballFiles(tgz));
  const named = Object.values(pkg.exports)
    .flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e).flatMap((c) => Object.values(c))))
    .concat([pkg.main, pkg.module, pkg.types], Object.values(pkg.typesVersions?.['*'] ?? {}).flat())
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''));
  const absent = [...new Set([...named, 'README.md', 'LICENSE', 'CHANGELOG.md'])].filter(
    (f) => !files.has(f),
  );
  const tests = [...files].filter((f) => /\.test\.ts$|\/fixtures\//.test(f));
  if (absent.length) fail(`${name}: the tarball lacks ${absent.join(', ')}`);
  else if (tests.length) fail(`${name}: the tarball ships tests or fixtures: ${tests.join(', ')}`);
  else console.log(`✓ ${name}: tarball holds dist/, README.md, LICENSE, CHANGELOG.md (${files.size} files)`);

  const dist = join(dir, 'dist');
  const bundled = readdirSync(dist).filter(
    (f) =>
      /\.(c?js)$/.test(f) &&
      /class Tensor\b|registerKernel\(\{\s*kernelName/.test(readFileSync(join(dist, f), 'utf8')),
  );
  if (bundled.length)
    fail(`${name}: dist holds tfjs code (${bundled.join(', ')}): keep @tensorflow/* external`);
  for (const [dep, range] of Object.entries(pkg.peerDependencies ?? {})) {
    if (dep.startsWith('@tensorflow/') && range !== catalog[dep])
      fail(`${name}: peer ${dep} is ${range}, the catalog (pnpm-workspace.yaml) says ${catalog[dep]}`);
  }
  const testCode = [...files].filter(
    (f) =>
      /test-(helpers|utils)|(^|\/)__tests__\//.test(f) ||
      (/\.(ts|c?js)$/.test(f) &&
        existsSync(join(dir, f)) &&
        /from ['"]vitest['"]|require\(['"]vitest['"]\)/.test(readFileSync(join(dir, f), 'utf8'))),
  );
  if (testCode.length)
    fail(`${name}: the tarball ships test code (${testCode.join(', ')}): exclude it in "files"`);

  for (const [cmd, args] of [
    ['publint', ['run', tgz, '--strict']],
    // the default `strict` profile: node10, node16 (from CJS and from ESM) and bundler resolution
    ['attw', [tgz, '--profile', 'strict', '--format', 'table-flipped']],
  ]) {
    try {
      execFileSync('pnpm', ['exec', cmd, ...args], { cwd: dir, stdio: 'pipe' });
      console.log(`✓ ${name}: ${cmd}${cmd === 'attw' ? ' (node10, node16 CJS + ESM, bundler)' : ''}`);
    } catch (err) {
      fail(`${name}: ${cmd}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  }
}
rmSync(work, { recursive: true, force: true });
if (failed) {
  console.error(`${failed} packaging check(s) failed`);
  process.exit(1);
}
console.log('all packaging checks passed');
