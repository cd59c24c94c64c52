// Packaging checks for every package: publint, @arethetypeswrong/cli, no copy of tfjs inside dist/, and no
// test code in the tarball (test files, fixtures, test helpers, anything importing vitest).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkgs = readdirSync(join(root, 'packages'));
let failed = 0;
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
  if (!existsSync(join(dir, 'package.json'))) continue;
  const dist = join(dir, 'dist');
  if (!existsSync(dist)) {
    console.error(`✗ ${name}: no dist/ — run pnpm build first`);
    failed++;
    continue;
  }
  const bundled = readdirSync(dist).filter(
    (f) =>
      /\.(c?js)$/.test(f) &&
      /class Tensor\b|registerKernel\(\{\s*kernelName/.test(readFileSync(join(dist, f), 'utf8')),
  );
  if (bundled.length) {
    console.error(`✗ ${name}: dist holds tfjs code (${bundled.join(', ')}): keep @tensorflow/* external`);
    failed++;
  }
  const peers = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).peerDependencies ?? {};
  for (const [dep, range] of Object.entries(peers)) {
    if (dep.startsWith('@tensorflow/') && range !== catalog[dep]) {
      console.error(
        `✗ ${name}: peer ${dep} is ${range}, the catalog (pnpm-workspace.yaml) says ${catalog[dep]}`,
      );
      failed++;
    }
  }
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' }),
  )[0].files.map((f) => f.path);
  const testCode = packed.filter(
    (f) =>
      /\.test\.|(^|\/)(fixtures|__tests__)\/|test-(helpers|utils)/.test(f) ||
      (/\.(ts|c?js)$/.test(f) &&
        /from ['"]vitest['"]|require\(['"]vitest['"]\)/.test(readFileSync(join(dir, f), 'utf8'))),
  );
  if (testCode.length) {
    console.error(`✗ ${name}: the tarball ships test code (${testCode.join(', ')}): exclude it in "files"`);
    failed++;
  } else {
    console.log(`✓ ${name}: ${packed.length} packed files, no test code`);
  }
  for (const [cmd, args] of [
    ['publint', ['--strict']],
    ['attw', ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped']],
  ]) {
    try {
      execFileSync('pnpm', ['exec', cmd, ...args], { cwd: dir, stdio: 'pipe' });
      console.log(`✓ ${name}: ${cmd}`);
    } catch (err) {
      console.error(`✗ ${name}: ${cmd}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      failed++;
    }
  }
}
if (failed) {
  console.error(`${failed} packaging check(s) failed`);
  process.exit(1);
}
console.log('all packaging checks passed');
