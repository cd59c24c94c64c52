import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MarkdownRenderer } from 'vitepress';

type MarkdownIt = MarkdownRenderer;
type Token = ReturnType<MarkdownIt['parse']>[number];

/** Where the repository lives, from the `repository` field of the root package.json. */
export function repositoryUrl(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    repository?: string | { url?: string };
  };
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!raw) throw new Error('package.json has no "repository" field: the docs site links repo files to it');
  const url = raw
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/^github:/, 'https://github.com/');
  return /^https?:\/\//.test(url) ? url : `https://github.com/${url}`;
}

export interface RepoLinkOptions {
  /** The repository root (the folder holding package.json). */
  repoRoot: string;
  /** The site's source folder (docs/). Links that stay inside it are VitePress's to check. */
  srcDir: string;
  /** `https://github.com/<owner>/<name>`. */
  repoUrl: string;
  /** Branch the links point at. */
  branch: string;
}

/**
 * Rewrites a relative link from a page in `srcDir` to a file outside it (`../examples/01-diagnose/main.ts`,
 * `../../packages/runtime/README.md`) into the repository URL, so the same Markdown works on GitHub (relative
 * link) and on the site (absolute link). Returns `undefined` for links the site serves itself. Throws when the
 * target does not exist: a dead link fails the build like VitePress's own dead-link check.
 */
export function rewriteRepoLink(href: string, fromFile: string, opts: RepoLinkOptions): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return undefined;
  const [, target = '', hash = ''] = /^([^?#]*)(.*)$/.exec(href) ?? [];
  if (!target) return undefined;
  const abs = path.resolve(path.dirname(fromFile), decodeURIComponent(target));
  const inSite = path.relative(opts.srcDir, abs);
  if (!inSite.startsWith('..') && !path.isAbsolute(inSite)) return undefined;
  const inRepo = path.relative(opts.repoRoot, abs);
  if (inRepo.startsWith('..') || path.isAbsolute(inRepo)) {
    throw new Error(`${fromFile}: the link ${href} leaves the repository`);
  }
  if (!existsSync(abs)) {
    throw new Error(`${fromFile}: dead link ${href} (${inRepo.split(path.sep).join('/')} does not exist)`);
  }
  const isDir = statSync(abs).isDirectory();
  const anchor = hash.startsWith('#') ? decodeURIComponent(hash.slice(1)) : '';
  if (anchor && !isDir && /\.md$/i.test(abs) && !githubAnchors(readFileSync(abs, 'utf8')).has(anchor)) {
    throw new Error(`${fromFile}: dead link ${href} (${path.basename(abs)} has no heading #${anchor})`);
  }
  const kind = isDir ? 'tree' : 'blob';
  const repoPath = inRepo.split(path.sep).map(encodeURIComponent).join('/');
  return `${opts.repoUrl}/${kind}/${opts.branch}/${repoPath}${hash}`;
}

/** The anchors GitHub gives the headings of a Markdown file (lower case, punctuation dropped, `-` for spaces). */
export function githubAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Markdown-it plugin: applies {@link rewriteRepoLink} to every link of every page. */
export function repoLinks(md: MarkdownIt, opts: RepoLinkOptions): void {
  md.core.ruler.push('betterdl_repo_links', (state) => {
    const file = state.env.path;
    if (!file) return;
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        const href = token.attrGet('href');
        const rewritten = href ? rewriteRepoLink(href, file, opts) : undefined;
        if (rewritten) token.attrSet('href', rewritten);
      }
    }
  });
}

/**
 * Splits a fence info string such as `ts fragment: continues your own code`, `ts no-check` or
 * `ts no-check fragment: …`
 * (the markers scripts/docs.test.ts reads) into the language and the note for the reader.
 */
export function splitFenceInfo(info: string): { lang: string; note?: string } {
  const m = /^(\S+)\s+(?:no-check\b\s*)?(?:fragment:\s*(.*))?$/.exec(info.trim());
  if (!m) return { lang: info };
  return { lang: m[1]!, note: m[2] || undefined };
}

/**
 * Markdown-it plugin: a fence marked `fragment: <reason>` is highlighted as its language (VitePress would read
 * digits, commas and dashes in the reason as lines to highlight) and shown with the reason above it.
 */
export function fragmentFences(md: MarkdownIt): void {
  const notes = new WeakMap<Token, string>();
  md.core.ruler.push('betterdl_fragment_fences', (state) => {
    for (const token of state.tokens) {
      if (token.type !== 'fence') continue;
      const { lang, note } = splitFenceInfo(token.info);
      if (lang === token.info) continue;
      token.info = lang;
      if (note) notes.set(token, note);
    }
  });
  const fence = md.renderer.rules.fence;
  if (!fence) throw new Error('markdown-it has no fence renderer to wrap');
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const html = fence(tokens, idx, options, env, self);
    const note = notes.get(tokens[idx]!);
    if (!note) return html;
    return `<p class="code-fragment-note">Fragment: ${md.renderInline(note, env)}</p>\n${html}`;
  };
}
