// Node binaries for the CI matrix, from the npm package node@<major>, kept in ~/.cache/betterdl/node-<major>.
//   node scripts/node-bin.mjs 24   → prints the bin directory (installs on first use)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The directory holding a `node` of the given major version (installed with npm on first use). */
export function nodeBin(major) {
  if (!/^\d+$/.test(String(major))) throw new Error(`node-bin: a major version such as 24, not ${major}`);
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'betterdl', `node-${major}`);
  const bin = join(dir, 'node_modules', '.bin');
  const current = existsSync(join(bin, 'node'))
    ? execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim()
    : '';
  if (!current.startsWith(`v${major}.`)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `node-${major}`, private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `node@${major}`], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return bin;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(nodeBin(process.argv[2]));
