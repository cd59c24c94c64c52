import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMarkdownRenderer } from 'vitepress';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../docs/.vitepress/config';
import { githubAnchors, repositoryUrl, rewriteRepoLink, splitFenceInfo } from '../docs/.vitepress/markdown';
import { buildSite, deadAnchors, findWarnings } from './docs-build';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const srcDir = path.join(repoRoot, 'docs');
const repoUrl = 'https://github.com/betterdl/betterdl';
const opts = { repoRoot, srcDir, repoUrl, branch: 'main' };
const page = path.join(srcDir, 'lessons/01-diagnose.md');

describe('links from docs/ to repository files', () => {
  it('reads the repository URL from the root package.json', () => {
    expect(repositoryUrl(repoRoot)).toBe(repoUrl);
  });

  it('points files and folders outside docs/ at the repository, keeping the anchor', () => {
    expect(rewriteRepoLink('../../examples/01-diagnose/main.ts', page, opts)).toBe(
      `${repoUrl}/blob/main/examples/01-diagnose/main.ts`,
    );
    expect(rewriteRepoLink('../../examples/01-diagnose', page, opts)).toBe(
      `${repoUrl}/tree/main/examples/01-diagnose`,
    );
    expect(
      rewriteRepoLink(
        '../README.md#set-up-a-fresh-machine-with-node-and-npm',
        `${srcDir}/getting-started.md`,
        opts,
      ),
    ).toBe(`${repoUrl}/blob/main/README.md#set-up-a-fresh-machine-with-node-and-npm`);
  });

  it('leaves pages of the site, anchors and external URLs to VitePress', () => {
    for (const href of [
      '02-batch-size.md',
      '../parity.md#keras',
      '#setup',
      '/api/index.html',
      'https://x.org/a',
    ]) {
      expect(rewriteRepoLink(href, page, opts)).toBeUndefined();
    }
  });

  it('fails on a missing file, a missing heading anchor, or a path that leaves the repository', () => {
    expect(() => rewriteRepoLink('../../examples/01-diagnose/nope.ts', page, opts)).toThrow(/dead link/);
    expect(() =>
      rewriteRepoLink('../README.md#no-such-heading', `${srcDir}/getting-started.md`, opts),
    ).toThrow(/has no heading #no-such-heading/);
    expect(() => rewriteRepoLink('../../../etc/passwd', page, opts)).toThrow(/leaves the repository/);
  });

  it('computes the anchors GitHub gives headings', () => {
    const md =
      '# Set-up (a fresh machine)\n## `fit()` & co.\n```\n# not a heading\n```\n## Notes\n## Notes\n';
    expect([...githubAnchors(md)]).toEqual(['set-up-a-fresh-machine', 'fit--co', 'notes', 'notes-1']);
  });
});

describe('navigation', () => {
  it('the sidebar lists every page of the site once, and the API reference', () => {
    type Item = { link?: string; items?: Item[] };
    const flat = (items: Item[]): string[] =>
      items.flatMap((i) => [...(i.link ? [i.link] : []), ...flat(i.items ?? [])]);
    const links = flat((config.themeConfig?.sidebar ?? []) as Item[]);
    const pages = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
      .filter(
        (f) => f.endsWith('.md') && !/^(\.|public|api)/.test(f) && !['README.md', 'index.md'].includes(f),
      )
      .map((f) => `/${f.split(path.sep).join('/').replace(/\.md$/, '')}`);
    expect(pages.length).toBeGreaterThan(25);
    expect([...links].sort()).toEqual([...pages, '/api/index.html'].sort());
  });
});

describe('code fences', () => {
  it('reads the docs-snippet markers', () => {
    expect(splitFenceInfo('ts fragment: uses `model`, lines 1-3')).toEqual({
      lang: 'ts',
      note: 'uses `model`, lines 1-3',
    });
    expect(splitFenceInfo('ts no-check fragment: loads a model')).toEqual({
      lang: 'ts',
      note: 'loads a model',
    });
    expect(splitFenceInfo('ts no-check')).toEqual({ lang: 'ts' });
    expect(splitFenceInfo('ts {1,3}')).toEqual({ lang: 'ts {1,3}' }); // VitePress's own line highlighting stays
    expect(splitFenceInfo('ts')).toEqual({ lang: 'ts' });
    expect(splitFenceInfo('sh')).toEqual({ lang: 'sh' });
  });

  it('no fence info string holds a backtick (CommonMark then reads the fence as inline code, on GitHub too)', () => {
    const files = [
      'README.md',
      ...readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md') && !/^(\.|public|api)/.test(f))
        .map((f) => `docs/${f}`),
      ...['packages', 'examples'].flatMap((d) =>
        readdirSync(path.join(repoRoot, d))
          .map((n) => `${d}/${n}/README.md`)
          .filter((f) => existsSync(path.join(repoRoot, f))),
      ),
    ];
    expect(files.length).toBeGreaterThan(30);
    const bad = files.flatMap((f) =>
      readFileSync(path.join(repoRoot, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (/^\s*```+[^`\s][^`]*`/.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(bad).toEqual([]);
  });

  it('the site config highlights a fragment as TypeScript, shows its note, highlights no lines from it', async () => {
    const md = await createMarkdownRenderer(srcDir, config.markdown, '/');
    const html = md.render(
      '```ts fragment: continues your own code (uses the model of lesson 2)\nconst a: number = 1;\nconst b = 2;\n```\n',
      { path: page, relativePath: 'lessons/01-diagnose.md', cleanUrls: false },
    );
    expect(html).toContain('class="language-ts');
    expect(html).toContain('<span class="lang">ts</span>');
    expect(html).toMatch(/<span style="--shiki-light:#[0-9A-F]+/i); // highlighted by Shiki, not plain text
    expect(html).not.toContain('highlighted');
    expect(html).toContain(
      '<p class="code-fragment-note">Fragment: continues your own code (uses the model of lesson 2)</p>',
    );
  });

  it('the site config rewrites a repository link in a rendered page', async () => {
    const md = await createMarkdownRenderer(srcDir, config.markdown, '/');
    const html = md.render('[main.ts](../../examples/01-diagnose/main.ts)\n', {
      path: page,
      relativePath: 'lessons/01-diagnose.md',
      cleanUrls: false,
    });
    expect(html).toContain(`href="${repoUrl}/blob/main/examples/01-diagnose/main.ts"`);
  });
});

describe('build output', () => {
  it('treats Vite/Rollup notes and warnings as warnings, and a clean build as clean', () => {
    const clean =
      '  vitepress v1.6.4\n\n- building client + server bundles...\n✓ building client + server bundles...\n✓ rendering pages...\nbuild complete in 9.01s.\n';
    expect(findWarnings(clean)).toEqual([]);
    expect(
      findWarnings('\u001b[33m(!) Some chunks are larger than 500 kB after minification.\u001b[39m'),
    ).toHaveLength(1);
    expect(findWarnings("The language 'kotlinx' is not loaded, falling back to 'txt'. [warn]")).toHaveLength(
      1,
    );
    expect(findWarnings('Warning: something is deprecated')).toHaveLength(1);
  });
});

// Real VitePress builds of tiny sites: the wrapper `pnpm docs:build` uses fails on a dead link and on a
// warning, and passes a clean site.
describe('buildSite on fixture sites', () => {
  // Inside the repository (gitignored .tmp/), so the fixture resolves vue and the theme as docs/ does.
  const fixtureRoot = path.join(repoRoot, '.tmp/docs-build-test');
  mkdirSync(fixtureRoot, { recursive: true });
  const dirs: string[] = [];
  // Each fixture uses the site's strictBuild() as docs/.vitepress/config.ts does.
  const site = (pages: Record<string, string>) => {
    const dir = mkdtempSync(path.join(fixtureRoot, 'site-'));
    dirs.push(dir);
    const strict = path.relative(path.join(dir, '.vitepress'), path.join(srcDir, '.vitepress/strict-build'));
    pages['.vitepress/config.ts'] ??= [
      `import { strictBuild } from '${strict.split(path.sep).join('/')}';`,
      'export default strictBuild({});',
      '',
    ].join('\n');
    for (const [name, text] of Object.entries(pages)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('passes a clean site', async () => {
    const dir = site({
      'index.md': '# Home\n\nSee [the other page](other.md#part-two).\n',
      'other.md': '# Other\n\n## Part two\n',
    });
    await expect(buildSite(dir, { quiet: true })).resolves.toContain('build complete');
    expect(readFileSync(path.join(dir, '.vitepress/dist/index.html'), 'utf8')).toContain(
      'href="./other.html#part-two"',
    );
    expect(deadAnchors(path.join(dir, '.vitepress/dist'))).toEqual([]);
  });

  it('fails on a link to a page that does not exist', async () => {
    const dir = site({ 'index.md': '# Home\n\nSee [the missing page](missing.md).\n' });
    await expect(buildSite(dir, { quiet: true })).rejects.toThrow(/dead link/i);
  });

  it('fails on a warning (a code fence in a language Shiki does not know)', async () => {
    const dir = site({ 'index.md': '# Home\n\n```notalanguage\nx\n```\n' });
    await expect(buildSite(dir, { quiet: true })).rejects.toThrow(
      /warnings fail the docs build:\s+The language 'notalanguage' is not loaded/,
    );
  });

  it('finds a link to an anchor the target page does not have', () => {
    const dir = site({
      'dist/index.html': '<a href="/other.html#part-three">x</a><a href="#top">top</a><h1 id="top">Home</h1>',
      'dist/other.html': '<h2 id="part-two">Part two</h2>',
      'dist/guide/a.html': '<a href="../other.html#part-two">ok</a><a href="./b.html#gone">x</a>',
      'dist/guide/b.html': '<a href="https://example.org/#x">external</a>',
      'dist/api/index.html': '<a href="/nowhere.html#x">TypeDoc checks its own links</a>',
    });
    expect(deadAnchors(path.join(dir, 'dist')).sort()).toEqual([
      '/guide/a.html → ./b.html#gone',
      '/index.html → /other.html#part-three',
    ]);
  });
});
