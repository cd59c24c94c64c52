// `pnpm example:copy <name> <dir> [--tarballs <dir>]` writes one example as a standalone project: its files,
// the helpers it imports from examples/_shared/ (copied beside it, as ./_shared/), and a package.json whose
// `workspace:` and `catalog:` ranges are replaced by real ones — the packages' versions as published
// (`^<version>`) and the catalog's tfjs range — so that `npm install && npm start` runs it anywhere.
// With --tarballs, the @betterdl/* packages come from the `pnpm pack` tarballs in that folder instead (for
// testing unpublished versions; see scripts/example-copy-proof.ts).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ExampleInfo, findExample, listExamples, ROOT } from './example';

/** Options of {@link copyExample}. */
export interface CopyOptions {
  /** Package name → absolute path of its packed tarball; those packages are installed from the file. */
  tarballs?: Record<string, string>;
  /** The repository root. Defaults to this repository. */
  root?: string;
}

/** What {@link copyExample} wrote. */
export interface CopyReport {
  dest: string;
  /** Files written, relative to `dest`. */
  files: string[];
  /** The package.json written. */
  packageJson: PackageJson;
}

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const SHARED = '_shared';
const SKIP = new Set(['node_modules', 'reports']);
const isTest = (f: string) => /\.test\.ts$/.test(f);

/** Every file below `dir` (relative paths), without node_modules, reports and tests. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = join(dir, name);
    if (SKIP.has(name)) return [];
    if (statSync(abs).isDirectory()) return walk(abs, base);
    return isTest(name) ? [] : [relative(base, abs)];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a TypeScript file imports. */
export function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
}

/** The npm package a bare specifier names (`@scope/name/sub` → `@scope/name`), or null for files and builtins. */
export function packageOf(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return null;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
  return builtinModules.includes(name) ? null : name;
}

/** The catalog of pnpm-workspace.yaml: package name → version range. */
export function readCatalog(root: string): Record<string, string> {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const catalog: Record<string, string> = {};
  let inside = false;
  for (const line of yaml.split('\n')) {
    if (/^catalog:\s*$/.test(line)) inside = true;
    else if (inside && /^\S/.test(line)) inside = false;
    else if (inside) {
      const m = /^\s+["']?([^"':]+)["']?:\s*["']?([^"'\s#]+)/.exec(line);
      if (m) catalog[m[1] as string] = m[2] as string;
    }
  }
  return catalog;
}

/** The workspace packages: name → { version, dir, internal dependencies }. */
function workspacePackages(root: string): Map<string, { version: string; deps: string[] }> {
  const out = new Map<string, { version: string; deps: string[] }>();
  for (const d of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', d, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
    const deps = Object.keys(pkg.dependencies ?? {}).filter((n) => n.startsWith('@betterdl/'));
    out.set(pkg.name, { version: pkg.version, deps });
  }
  return out;
}

/** The helpers of examples/_shared/ that `files` import, directly or through each other. */
function sharedClosure(exampleDir: string, files: string[]): string[] {
  const sharedDir = join(exampleDir, '..', SHARED);
  const seen = new Set<string>();
  const visit = (fromDir: string, source: string) => {
    for (const spec of importsOf(source)) {
      if (!spec.startsWith('.')) continue;
      const abs = resolve(fromDir, spec);
      if (dirname(abs) !== sharedDir) continue;
      const file = `${abs.replace(/\.ts$/, '')}.ts`;
      const rel = relative(sharedDir, file);
      if (seen.has(rel)) continue;
      if (!existsSync(file)) throw new Error(`${spec} (imported in ${fromDir}) does not exist`);
      seen.add(rel);
      visit(sharedDir, readFileSync(file, 'utf8'));
    }
  };
  for (const f of files.filter((f) => f.endsWith('.ts')))
    visit(dirname(join(exampleDir, f)), readFileSync(join(exampleDir, f), 'utf8'));
  return [...seen].sort();
}

/** A dependency range as a project outside the workspace can install it. */
function realRange(
  name: string,
  range: string,
  ctx: {
    catalog: Record<string, string>;
    packages: Map<string, { version: string }>;
    tarballs?: Record<string, string>;
  },
): string {
  if (ctx.tarballs?.[name]) return `file:${ctx.tarballs[name]}`;
  if (range.startsWith('workspace:')) {
    const pkg = ctx.packages.get(name);
    if (!pkg) throw new Error(`${name} is not a package of this workspace`);
    const spec = range.slice('workspace:'.length);
    return spec === '*' || spec === '^' || spec === ''
      ? `^${pkg.version}`
      : spec === '~'
        ? `~${pkg.version}`
        : spec;
  }
  if (range === 'catalog:' || range === 'catalog:default') {
    const r = ctx.catalog[name];
    if (!r) throw new Error(`${name} uses catalog: but pnpm-workspace.yaml's catalog has no range for it`);
    return r;
  }
  if (range.startsWith('catalog:')) throw new Error(`${name}: named catalogs (${range}) are not supported`);
  return range;
}

/**
 * Writes example `ex` as a standalone project into `dest` (which must be empty or absent). Throws when an
 * imported package is missing from the example's package.json: the copy would not run.
 */
export function copyExample(ex: ExampleInfo, dest: string, opts: CopyOptions = {}): CopyReport {
  const root = opts.root ?? ROOT;
  if (existsSync(dest) && readdirSync(dest).length > 0)
    throw new Error(`${dest} is not empty: give a new or empty folder`);
  const own = walk(ex.dir);
  const shared = sharedClosure(ex.dir, own);
  const pkg = JSON.parse(readFileSync(join(ex.dir, 'package.json'), 'utf8')) as PackageJson;

  // Every package the copied code imports must be a declared dependency.
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.devDependencies ?? {}),
  ]);
  const sources = [
    ...own
      .filter((f) => f.endsWith('.ts'))
      .map((f) => ({ name: f, text: readFileSync(join(ex.dir, f), 'utf8') })),
    ...shared.map((f) => ({
      name: posix.join(SHARED, f),
      text: readFileSync(join(ex.dir, '..', SHARED, f), 'utf8'),
    })),
  ];
  const missing = new Set<string>();
  for (const s of sources)
    for (const spec of importsOf(s.text)) {
      const p = packageOf(spec);
      if (p && !declared.has(p)) missing.add(`${p} (imported by ${s.name})`);
    }
  if (missing.size)
    throw new Error(`examples/${ex.name}/package.json does not declare ${[...missing].join(', ')}`);

  const packages = workspacePackages(root);
  const ctx = { catalog: readCatalog(root), packages, tarballs: opts.tarballs };
  const fix = (deps?: Record<string, string>) =>
    deps && Object.fromEntries(Object.entries(deps).map(([n, r]) => [n, realRange(n, r, ctx)]));
  const out: PackageJson = {
    ...pkg,
    dependencies: fix(pkg.dependencies),
    devDependencies: fix(pkg.devDependencies),
  };
  if (opts.tarballs) {
    // npm resolves the packages' own @betterdl dependencies from the registry unless the project lists them.
    const need = [...Object.keys(out.dependencies ?? {})].filter((n) => packages.has(n));
    for (let i = 0; i < need.length; i++)
      for (const d of packages.get(need[i] as string)?.deps ?? []) if (!need.includes(d)) need.push(d);
    for (const n of need) (out.dependencies ??= {})[n] ??= realRange(n, 'workspace:^', ctx);
  }

  const written: string[] = [];
  const write = (rel: string, data: string | Buffer) => {
    mkdirSync(dirname(join(dest, rel)), { recursive: true });
    writeFileSync(join(dest, rel), data);
    written.push(rel);
  };
  for (const f of own) {
    if (f === 'package.json') continue;
    if (f.endsWith('.ts')) {
      // The helpers sit beside the example in the copy: ../_shared/x → ./_shared/x.
      const text = readFileSync(join(ex.dir, f), 'utf8').replace(
        /(['"])((?:\.\.\/)+)_shared\//g,
        (_m, q: string, ups: string) => `${q}${ups.length > 3 ? ups.slice(3) : './'}${SHARED}/`,
      );
      write(f, text);
    } else {
      mkdirSync(dirname(join(dest, f)), { recursive: true });
      copyFileSync(join(ex.dir, f), join(dest, f));
      written.push(f);
    }
  }
  for (const f of shared) write(posix.join(SHARED, f), readFileSync(join(ex.dir, '..', SHARED, f)));
  write('package.json', `${JSON.stringify(out, null, 2)}\n`);
  return { dest, files: written.sort(), packageJson: out };
}

/** Package name → tarball path for every `*.tgz` that `pnpm pack` wrote into `dir`. */
export function tarballsIn(dir: string, root = ROOT): Record<string, string> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  const out: Record<string, string> = {};
  for (const name of workspacePackages(root).keys()) {
    const prefix = `${name.replace(/^@/, '').replace('/', '-')}-`;
    const hit = files.find((f) => f.startsWith(prefix) && /^\d/.test(f.slice(prefix.length)));
    if (hit) out[name] = resolve(dir, hit);
  }
  return out;
}

const USAGE = `usage: pnpm example:copy <name> <dir> [--tarballs <dir>]
Writes examples/<name> as a standalone project into <dir>; then: cd <dir> && npm install && npm start.
--tarballs <dir> installs the @betterdl packages from the pnpm pack tarballs in <dir> instead of the registry.`;

function cli(argv: string[]): number {
  const at = argv.indexOf('--tarballs');
  const tarDir = at >= 0 ? argv[at + 1] : undefined;
  const args = argv.filter((a, i) => !a.startsWith('--') && !(at >= 0 && i === at + 1));
  if (args.length !== 2 || (at >= 0 && !tarDir)) {
    console.error(USAGE);
    return 1;
  }
  try {
    const ex = findExample(args[0] as string, listExamples());
    // pnpm runs scripts from the repository root; INIT_CWD is where the user typed the command.
    const cwd = process.env.INIT_CWD ?? process.cwd();
    const dest = resolve(cwd, args[1] as string);
    const r = copyExample(ex, dest, tarDir ? { tarballs: tarballsIn(resolve(cwd, tarDir)) } : {});
    console.log(`wrote examples/${ex.name} to ${dest} (${r.files.length} files)`);
    for (const [n, v] of Object.entries(r.packageJson.dependencies ?? {})) console.log(`  ${n} ${v}`);
    console.log(`next: cd ${relative(cwd, dest) || '.'} && npm install && npm start`);
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = cli(process.argv.slice(2));
}
