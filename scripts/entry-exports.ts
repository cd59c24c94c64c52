// The checks every package's `src/exports.test.ts` runs on its two entries (main and `./node`): the exported
// names are pinned (values and types, each as a sorted list, so that adding an export is a one-line change
// in the test), `./node` is the main entry plus its Node-only additions with every shared export the same
// object, and the main entry stays browser-safe while Node-only source files say so in their names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

/** The names an entry file exports, split into values (exist at run time) and types only, each sorted. */
export function exportedNames(file: string): { values: string[]; types: string[] } {
  // Only the package's own sources matter (which re-export is a value, which a type): leaving out the
  // standard library and node_modules keeps this to a fraction of a second.
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noLib: true,
    types: [],
    noEmit: true,
  };
  const host = ts.createCompilerHost(options, true);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => !name.includes('node_modules') && fileExists(name);
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`cannot read ${file}`);
  const mod = checker.getSymbolAtLocation(sf);
  if (!mod) throw new Error(`${file} is not a module`);
  const values: string[] = [];
  const types: string[] = [];
  for (const sym of checker.getExportsOfModule(mod)) {
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    (target.flags & ts.SymbolFlags.Value ? values : types).push(sym.getName());
  }
  return { values: values.sort(), types: types.sort() };
}

/** A static import of a Node built-in or of a betterdl `./node` entry (not one quoted inside a message). */
const NODE_IMPORT = /^[^'"`\n]*from '(node:|@betterdl\/[a-z]+\/node')|\brequire\(/m;

/** Source files (no tests, no fixtures) reached from `entry` through relative imports. */
function reachable(dir: string, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(join(dir, file), 'utf8');
  for (const m of src.matchAll(/(?:from|import)\s*\(?'(\.\.?\/[^']+)'/g)) {
    const rel = join(file, '..', m[1]!);
    const base = rel.endsWith('.ts') ? rel : `${rel}.ts`;
    try {
      readFileSync(join(dir, base));
      reachable(dir, base, seen);
    } catch {
      reachable(dir, join(rel, 'index.ts'), seen);
    }
  }
  return seen;
}

/** What a package's entries must export. Sorted lists; the test prints the actual lists when they differ. */
export interface EntryPins {
  /** The package's `src` directory. */
  dir: string;
  /** The main entry's module namespace and its `./node` entry's. */
  main: Record<string, unknown>;
  node: Record<string, unknown>;
  /** Value and type names of the main entry. */
  mainValues: string[];
  mainTypes: string[];
  /** Value and type names `./node` adds to the main entry. */
  nodeValues: string[];
  nodeTypes: string[];
  /**
   * Main-entry functions that `./node` replaces with a Node superset (same name, also reads or writes files).
   * Every other shared export is the very same object in both entries.
   */
  nodeOverrides?: string[];
  /** Files of the main entry allowed to mention `process` (guarded for browsers). */
  processAllowed?: string[];
}

/** Registers the entry tests of one package. */
export function testEntries(p: EntryPins): void {
  const overrides = p.nodeOverrides ?? [];

  it('the main entry exports exactly the pinned names', () => {
    const names = exportedNames(join(p.dir, 'index.ts'));
    expect(names.values).toEqual([...p.mainValues].sort());
    expect(names.types).toEqual([...p.mainTypes].sort());
    expect(Object.keys(p.main).sort()).toEqual([...p.mainValues].sort());
  });

  it('./node exports the main entry plus the pinned Node-only names', () => {
    const names = exportedNames(join(p.dir, 'node.ts'));
    const values = [...new Set([...p.mainValues, ...p.nodeValues])].sort();
    const types = [...new Set([...p.mainTypes, ...p.nodeTypes])].sort();
    expect(names.values).toEqual(values);
    expect(names.types).toEqual(types);
    expect(Object.keys(p.node).sort()).toEqual(values);
    for (const n of p.nodeValues) expect(p.main, `${n} is Node-only`).not.toHaveProperty(n);
  });

  it('every export both entries share is the same object, except the Node supersets', () => {
    for (const [name, value] of Object.entries(p.main)) {
      if (overrides.includes(name)) {
        expect(typeof p.node[name], name).toBe('function');
        expect(p.node[name], `${name} is a Node superset`).not.toBe(value);
      } else {
        expect(p.node[name], name).toBe(value);
      }
    }
  });

  it('the main entry is browser-safe and Node-only files are named node-*.ts', () => {
    const main = reachable(p.dir, 'index.ts');
    for (const f of main) {
      const src = readFileSync(join(p.dir, f), 'utf8');
      expect(src, `${f} is reached from the main entry`).not.toMatch(NODE_IMPORT);
      if (!p.processAllowed?.includes(f)) expect(src, f).not.toMatch(/\bprocess\./);
      expect(f, 'the main entry reaches a node-* file').not.toMatch(/(^|\/)node-/);
    }
    for (const e of readdirSync(p.dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith('.ts') || /\.test\.ts$|test-|fixtures/.test(e.name)) continue;
      const path = join(e.parentPath, e.name);
      if (path.includes(`${join(p.dir, 'fixtures')}`) || e.name === 'node.ts') continue;
      const src = readFileSync(path, 'utf8');
      if (NODE_IMPORT.test(src)) expect(e.name, 'imports Node modules').toMatch(/^node-/);
    }
  });
}
