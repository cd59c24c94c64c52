// A fresh npm project outside the repository with the packed @betterdl/* tarballs installed, as a user gets
// them: used by the pack-and-install proof and by the docs test that runs every snippet.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;

const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });

/** The package directory names under packages/. */
export function packageNames() {
  return readdirSync(join(ROOT, 'packages')).filter((n) =>
    existsSync(join(ROOT, 'packages', n, 'package.json')),
  );
}

/** The tfjs version range of the workspace catalog (`pnpm-workspace.yaml`) for `name`. */
export function catalogRange(name) {
  const yaml = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const m = yaml.match(new RegExp(`^\\s+"?${name.replace(/[/.]/g, '\\$&')}"?:\\s*(\\S+)`, 'm'));
  return m ? m[1].replace(/^["']|["']$/g, '') : undefined;
}

/**
 * Packs every package into `dir`; returns { '@betterdl/x': tarballPath }. Each package's `prepack` builds its
 * dist/ when it is missing or stale, so this also works on a fresh clone that was never built.
 */
export function packAll(dir) {
  mkdirSync(dir, { recursive: true });
  const out = {};
  for (const name of packageNames()) {
    const pkgDir = join(ROOT, 'packages', name);
    const before = new Set(readdirSync(dir));
    run('pnpm', ['pack', '--pack-destination', dir], pkgDir);
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.tgz'));
    out[`@betterdl/${name}`] = join(dir, file);
  }
  return out;
}

/**
 * Creates `app` as a fresh project and installs `specs` into it, @betterdl/* names from the tarballs and
 * @tensorflow/* names at the workspace's catalog range.
 */
export function installProject(app, specs, tarballs) {
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'fresh-project', private: true, version: '1.0.0', type: 'module' }),
  );
  const resolved = specs.map((s) => {
    if (tarballs[s]) return tarballs[s];
    const range = /^@tensorflow\/[^@]+$/.test(s) ? catalogRange(s) : undefined;
    return range ? `${s}@${range}` : s;
  });
  // The tarballs need each other: install every @betterdl tarball the specs name plus their internal deps.
  const extra = Object.values(tarballs).filter((t) => !resolved.includes(t));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...resolved, ...extra], app);
}
