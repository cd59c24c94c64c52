import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExample, listExamples, ROOT } from './example';
import { copyExample, importsOf, packageOf, readCatalog, tarballsIn } from './example-copy';

const tmp = mkdtempSync(join(tmpdir(), 'betterdl-example-copy-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const examples = listExamples();
const version = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')).version as string;

describe('example:copy', () => {
  it('reads imports, package names and the catalog', () => {
    expect(
      importsOf(
        "import * as tf from '@tensorflow/tfjs-core';\nimport { a, b } from '../_shared/x';\nexport { c } from './c';\nawait import('node:fs');",
      ),
    ).toEqual(['@tensorflow/tfjs-core', '../_shared/x', './c', 'node:fs']);
    expect(packageOf('@betterdl/datasets/node')).toBe('@betterdl/datasets');
    expect(packageOf('tsx/esm')).toBe('tsx');
    expect(packageOf('fs')).toBeNull();
    expect(packageOf('node:path')).toBeNull();
    expect(packageOf('./x')).toBeNull();
    expect(readCatalog(ROOT)['@tensorflow/tfjs-core']).toMatch(/^[~^]4\./);
  });

  it('writes a standalone project: real ranges, the shared helpers beside it, imports rewritten', () => {
    const dest = join(tmp, 'lesson3');
    const r = copyExample(findExample('03-reduce-lr-on-plateau', examples), dest);
    expect(r.files).toEqual(
      expect.arrayContaining([
        'main.ts',
        'lesson.ts',
        'README.md',
        'package.json',
        '_shared/course.ts',
        '_shared/host.ts',
        '_shared/lesson.ts',
        '_shared/node-host.ts',
      ]),
    );
    expect(r.files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@betterdl/callbacks']).toBe(`^${version('callbacks')}`);
    expect(pkg.dependencies['@tensorflow/tfjs-core']).toBe(readCatalog(ROOT)['@tensorflow/tfjs-core']);
    expect(JSON.stringify(pkg)).not.toMatch(/workspace:|catalog:/);
    expect(pkg.scripts.start).toBe('tsx main.ts');
    const main = readFileSync(join(dest, 'main.ts'), 'utf8');
    expect(main).toContain("from './_shared/node-host'");
    expect(main).not.toContain('../_shared');
    const lesson = readFileSync(join(dest, 'lesson.ts'), 'utf8');
    expect(lesson).toContain("from './_shared/course'");
    expect(lesson).not.toContain('../_shared');
    // the helpers it does not import are not copied
    expect(existsSync(join(dest, '_shared', 'cookbook.ts'))).toBe(false);
  });

  it('every example copies: each declares every package its code and its helpers import', () => {
    for (const ex of examples) {
      const r = copyExample(ex, join(tmp, 'all', ex.name));
      expect(JSON.stringify(r.packageJson), ex.name).not.toMatch(/workspace:|catalog:/);
    }
  });

  it('with tarballs, installs every @betterdl package it needs, transitively, from the files', () => {
    const tarballs = {
      '@betterdl/runtime': '/t/betterdl-runtime-0.1.0.tgz',
      '@betterdl/transfer': '/t/betterdl-transfer-0.1.0.tgz',
      '@betterdl/datasets': '/t/betterdl-datasets-0.1.0.tgz',
    };
    const r = copyExample(findExample('18', examples), join(tmp, 't18'), { tarballs });
    expect(r.packageJson.dependencies).toMatchObject({
      '@betterdl/runtime': 'file:/t/betterdl-runtime-0.1.0.tgz',
      '@betterdl/transfer': 'file:/t/betterdl-transfer-0.1.0.tgz',
      '@betterdl/datasets': 'file:/t/betterdl-datasets-0.1.0.tgz',
    });
  });

  it('refuses a folder that is not empty', () => {
    const dest = join(tmp, 'lesson3');
    expect(() => copyExample(findExample('03', examples), dest)).toThrow(/not empty/);
  });

  it('finds the tarballs pnpm pack wrote', () => {
    const dir = mkdtempSync(join(tmp, 'tgz-'));
    for (const f of ['betterdl-runtime-0.1.0.tgz', 'betterdl-callbacks-0.1.0.tgz', 'notes.txt'])
      writeFileSync(join(dir, f), '');
    expect(tarballsIn(dir)).toEqual({
      '@betterdl/runtime': join(dir, 'betterdl-runtime-0.1.0.tgz'),
      '@betterdl/callbacks': join(dir, 'betterdl-callbacks-0.1.0.tgz'),
    });
  });
});
