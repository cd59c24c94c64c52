// One install story: every README and docs page gives the same install line for a package.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = readdirSync(join(root, 'packages'));

/** The install line of a package: itself, the runtime it shares, and the two tfjs peers. */
function installLine(name: string): string {
  const own = name === 'runtime' ? [] : [`@betterdl/${name}`];
  return [
    'npm install',
    ...own,
    '@betterdl/runtime',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-layers',
  ].join(' ');
}

function markdown(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'api' || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? markdown(p) : e.name.endsWith('.md') && e.name !== 'CHANGELOG.md' ? [p] : [];
  });
}

describe('install lines', () => {
  const pages = [
    join(root, 'README.md'),
    ...markdown(join(root, 'docs')),
    ...PACKAGES.map((p) => join(root, 'packages', p, 'README.md')),
  ];
  const lines = pages.flatMap((page) =>
    readFileSync(page, 'utf8')
      .split('\n')
      .filter((l) => /^\s*(npm (install|i)|pnpm add|yarn add)\s+@betterdl\//.test(l))
      .map((l) => ({ page: relative(root, page), line: l.trim() })),
  );

  it('every page gives the one install line of the package it installs', () => {
    for (const { page, line } of lines) {
      const pkg = /@betterdl\/(\w+)/.exec(line)![1]!;
      expect(PACKAGES, `${page}: ${line}`).toContain(pkg);
      expect(`${page}: ${line}`).toBe(`${page}: ${installLine(pkg)}`);
    }
  });

  it("every package's README and docs page has its install line", () => {
    for (const p of PACKAGES) {
      for (const page of [`packages/${p}/README.md`, `docs/packages/${p}.md`]) {
        expect(
          lines.filter((l) => l.page === page).map((l) => l.line),
          page,
        ).toContain(installLine(p));
      }
    }
  });
});
