// Checks the documentation: every relative link and image in docs/ and the READMEs points at a file that
// exists (and, for links into markdown, at a heading that exists); every TypeScript block parses; the blocks
// in docs/ also type-check against the packages' sources (mark a block ```ts no-check to only parse it); and
// every self-contained block of README.md, docs/ and the package READMEs RUNS, in a fresh project outside
// the repository that has only the documented install lines (the packed tarballs standing in for npm).
// A block that is not self-contained says so and why in its info string: ```ts fragment: <reason>.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './example';
// @ts-expect-error a plain .mjs helper shared with the pack-and-install proof
import { installProject, packAll } from './scratch-project.mjs';

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'api' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** Markdown files checked: docs/**, the root README, and every package's and example's README. */
function markdownFiles(root = ROOT): string[] {
  const readmes = ['packages', 'examples'].flatMap((d) =>
    existsSync(join(root, d))
      ? readdirSync(join(root, d))
          .map((n) => join(root, d, n, 'README.md'))
          .filter(existsSync)
      : [],
  );
  const top = [join(root, 'README.md'), join(root, 'examples', 'README.md')].filter(existsSync);
  return [...new Set([...top, ...walk(join(root, 'docs')), ...readmes])];
}

/** Removes fenced code blocks and inline code so that links inside code are not checked. */
function stripCode(md: string): string {
  return stripFences(md).replace(/`[^`\n]*`/g, '');
}

function stripFences(md: string): string {
  return md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Every link or image target in a markdown text: `[t](x)`, `![a](x "title")`, `<img src="x">`, `[r]: x`. */
function linkTargets(md: string): string[] {
  const text = stripCode(md);
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]!);
  for (const m of text.matchAll(/<(?:img|a)\s[^>]*?(?:src|href)="([^"]+)"/g)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) out.push(m[1]!);
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, duplicates numbered. */
function headingAnchors(md: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of stripFences(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/** The problems with one file's links, as readable strings (empty when all resolve). */
function brokenLinks(file: string, md: string): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(md)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // http:, mailto:, data:
    const [pathPart, anchor] = target.split('#') as [string, string | undefined];
    const abs = pathPart ? resolve(dirname(file), decodeURIComponent(pathPart)) : file;
    if (pathPart && !existsSync(abs)) {
      problems.push(`${relative(ROOT, file)}: '${target}' does not exist`);
      continue;
    }
    if (anchor && abs.endsWith('.md') && statSync(abs).isFile()) {
      const anchors = headingAnchors(readFileSync(abs, 'utf8'));
      if (!anchors.has(anchor.toLowerCase()))
        problems.push(`${relative(ROOT, file)}: '${target}' names no heading of ${relative(ROOT, abs)}`);
    }
  }
  return problems;
}

/** A fenced TypeScript block. */
interface CodeBlock {
  file: string;
  line: number;
  code: string;
  /** The block's info string holds `no-check`: parse only. */
  noCheck: boolean;
  /** Why the block is not self-contained (```ts fragment: <reason>), or `null`: it runs as written. */
  fragment: string | null;
}

/** Every ```ts / ```typescript block of a markdown text. */
function tsBlocks(file: string, md: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const re = /^(```|~~~)(ts|typescript|tsx)\b([^\n]*)\n([\s\S]*?)^\1\s*$/gm;
  for (const m of md.matchAll(re)) {
    const line = md.slice(0, m.index).split('\n').length;
    const fragment = m[3]!.match(/\bfragment\b:?\s*(.*)$/);
    blocks.push({
      file,
      line,
      code: m[4]!,
      noCheck: /\bno-check\b/.test(m[3]!),
      fragment: fragment ? fragment[1]!.trim() || 'marked as a fragment' : null,
    });
  }
  return blocks;
}

function parseErrors(b: CodeBlock): string[] {
  const sf = ts.createSourceFile('block.ts', b.code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diags.map(
    (d) => `${relative(ROOT, b.file)}:${b.line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
  );
}

/** Type-checks blocks as separate modules beside docs/, with the repository's tsconfig (paths to sources). */
function typeErrors(blocks: CodeBlock[]): string[] {
  if (blocks.length === 0) return [];
  const cfgPath = join(ROOT, 'tsconfig.json');
  const cfg = ts.readConfigFile(cfgPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, ROOT, undefined, cfgPath);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, noUnusedLocals: false };
  const virtual = new Map<string, CodeBlock>();
  blocks.forEach((b, i) => {
    virtual.set(join(ROOT, 'docs', `__block${i}.ts`), b);
  });
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const b = virtual.get(resolve(name));
    if (b) return ts.createSourceFile(name, `${b.code}\nexport {};\n`, lang, true);
    return getSourceFile(name, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(resolve(name)) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => {
    const b = virtual.get(resolve(name));
    return b ? `${b.code}\nexport {};\n` : readFile(name);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const errors: string[] = [];
  for (const [name, b] of virtual) {
    const sf = program.getSourceFile(name)!;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const pos = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line : 0;
      errors.push(
        `${relative(ROOT, b.file)}:${b.line + 1 + pos}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    }
  }
  return errors;
}

describe('the link and code checker', () => {
  it('finds link targets outside code and ignores those inside code', () => {
    const md = [
      'See [the guide](guide.md#set-up) and ![fig](img/a.png "A").',
      '`[not](checked.md)`',
      '```md',
      '[also not](checked.md)',
      '```',
      '<img src="pic.svg" width="300">',
      '[ref]: ../README.md',
    ].join('\n');
    expect(linkTargets(md)).toEqual(['guide.md#set-up', 'img/a.png', 'pic.svg', '../README.md']);
  });

  it('computes GitHub heading anchors', () => {
    const a = headingAnchors('# Getting started\n## `pnpm start`: the course\n## Set-up\n## Set-up\n');
    expect([...a]).toEqual(['getting-started', 'pnpm-start-the-course', 'set-up', 'set-up-1']);
  });

  it('reports a missing file and a missing heading', () => {
    const file = join(ROOT, 'docs', 'x.md');
    const problems = brokenLinks(file, '[a](nope.md) [b](../README.md#no-such-heading) [c](../README.md)');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/nope\.md' does not exist/);
    expect(problems[1]).toMatch(/names no heading/);
  });

  it('reports parse errors and type errors with file and line', () => {
    const good: CodeBlock = {
      file: join(ROOT, 'docs', 'x.md'),
      line: 3,
      code: 'const a: number = 1;\n',
      noCheck: false,
      fragment: null,
    };
    const bad: CodeBlock = { ...good, code: 'const a = ;\n' };
    expect(parseErrors(good)).toEqual([]);
    expect(parseErrors(bad)[0]).toMatch(/docs\/x\.md:3: Expression expected/);
    const typed = typeErrors([{ ...good, code: "const a: number = 'one';\n" }]);
    expect(typed[0]).toMatch(/docs\/x\.md:4: Type 'string' is not assignable to type 'number'/);
  });
});

describe('the documentation', () => {
  const files = markdownFiles();

  it('has the pages the docs index promises', () => {
    for (const p of ['docs/README.md', 'docs/getting-started.md', 'docs/porting-from-keras.md']) {
      expect(existsSync(join(ROOT, p)), p).toBe(true);
    }
  });

  it('has no broken relative links or images', () => {
    const problems = files.flatMap((f) => brokenLinks(f, readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('has TypeScript blocks that parse (all markdown) and type-check (docs/)', () => {
    const blocks = files.flatMap((f) => tsBlocks(f, readFileSync(f, 'utf8')));
    expect(blocks.flatMap(parseErrors)).toEqual([]);
    const docsDir = join(ROOT, 'docs');
    const checked = blocks.filter((b) => b.file.startsWith(docsDir) && !b.noCheck);
    expect(checked.length).toBeGreaterThan(0);
    expect(typeErrors(checked)).toEqual([]);
  });
});

/** The packages named by the documented `npm install` lines (shell blocks; not `-g` tool installs). */
function documentedInstall(files: string[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^\s*npm install ((?:@?[\w./-]+(?:@\S+)? ?)+)$/gm)) {
      const words = m[1]!.trim().split(/\s+/);
      if (words.some((w) => w.startsWith('-'))) continue;
      for (const w of words) names.add(w);
    }
  }
  return [...names].sort();
}

/** Markdown whose snippets must run: the root README, docs/ and the package READMEs. */
function runnableFiles(): string[] {
  return markdownFiles().filter((f) => !relative(ROOT, f).startsWith('examples'));
}

describe('the documentation snippets, run in a fresh project', () => {
  const files = runnableFiles();
  const blocks = files.flatMap((f) => tsBlocks(f, readFileSync(f, 'utf8')));
  let work = '';
  let app = '';

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'betterdl-docs-'));
    app = join(work, 'app');
    const install = documentedInstall(files);
    expect(install).toContain('@betterdl/runtime');
    installProject(app, install, packAll(join(work, 'tarballs')));
  }, 900_000);

  afterAll(() => {
    if (work && !process.env.KEEP_DOCS_PROJECT) rmSync(work, { recursive: true, force: true });
  });

  it('has runnable snippets, and fragments say why they are not self-contained', () => {
    expect(blocks.filter((b) => !b.fragment).length).toBeGreaterThan(20);
    for (const b of blocks.filter((b) => b.fragment))
      expect(b.fragment!.length, `${b.file}:${b.line}`).toBeGreaterThan(10);
  });

  // A user's shell: no test-runner or betterdl settings leak into the snippet.
  const snippetEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(BETTERDL_|VITEST|NODE_OPTIONS$|TEST$)/.test(k)),
  );
  for (const [i, b] of blocks.entries()) {
    const name = `${relative(ROOT, b.file)}:${b.line}`;
    if (b.fragment) {
      it.skip(`${name} (fragment: ${b.fragment})`, () => {});
      continue;
    }
    it(`${name} runs as written`, () => {
      const dir = join(app, `snippet-${i}`);
      mkdirSync(dir, { recursive: true });
      const js = ts.transpileModule(b.code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      writeFileSync(join(dir, 'snippet.mjs'), js);
      try {
        execFileSync(process.execPath, ['snippet.mjs'], {
          cwd: dir,
          stdio: 'pipe',
          encoding: 'utf8',
          timeout: 120_000,
          env: snippetEnv,
        });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${name} failed:\n${e.stderr || e.message}\n${e.stdout ?? ''}`.slice(0, 4000));
      }
    });
  }
});

describe('the API reference', () => {
  it('builds with TypeDoc from every package entry point', () => {
    const out = mkdtempSync(join(tmpdir(), 'betterdl-api-'));
    try {
      const bin = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
      const log = execFileSync(process.execPath, [bin, '--out', out, '--logLevel', 'Error'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(log).not.toMatch(/\[error\]/);
      for (const pkg of ['runtime', 'callbacks', 'datasets', 'diagnostics', 'transfer']) {
        expect(existsSync(join(out, 'modules', `_betterdl_${pkg}.html`)), pkg).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
