// Packaging checks for every package: publint, @arethetypeswrong/cli, and no copy of tfjs inside dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkgs = readdirSync(join(root, 'packages'));
let failed = 0;
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
