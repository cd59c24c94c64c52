import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isBetterDLError } from './errors';
import { isFileSource, toFsPath, writeFileAtomic } from './node-files';
import { cleanFileSet, commitFileSet, manifestReferences, removeFileSet } from './node-files-commit';
import { fileSystemHandler, modelLocation, readModelJson } from './node-files-model';

const root = mkdtempSync(join(tmpdir(), 'betterdl-files-'));

async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('toFsPath: every file form, once', () => {
  const posix = { cwd: '/work/run', platform: 'posix' as const };
  const win = { cwd: 'D:\\work\\run', platform: 'win32' as const };
  it.each([
    ['absolute file URL', 'file:///data/m/model.json', posix, '/data/m/model.json'],
    ['percent-escapes decoded', 'file:///data/my%20model', posix, '/data/my model'],
    ['file://localhost/', 'file://localhost/data/x', posix, '/data/x'],
    ['relative file://./', 'file://./ckpt/model.json', posix, '/work/run/ckpt/model.json'],
    ['relative file://../', 'file://../base', posix, '/work/base'],
    ['relative file://name (as tfjs-node)', 'file://ckpt', posix, '/work/run/ckpt'],
    ['plain relative path', 'out/x.csv', posix, '/work/run/out/x.csv'],
    ['plain absolute path', '/abs/x', posix, '/abs/x'],
    ['URL object', new URL('file:///data/u'), posix, '/data/u'],
    ['Windows file:///C:/', 'file:///C:/data/m', win, 'C:\\data\\m'],
    ['Windows file://C:/', 'file://C:/data/m', win, 'C:\\data\\m'],
    ['Windows drive path', 'C:\\data\\m', win, 'C:\\data\\m'],
    ['Windows relative file://./', 'file://./m', win, 'D:\\work\\run\\m'],
    ['Windows relative path', 'm\\x', win, 'D:\\work\\run\\m\\x'],
  ])('%s', (_what, input, opts, out) => {
    expect(toFsPath(input as string | URL, opts)).toBe(out);
  });

  it('defaults to the process: cwd and platform; rejects empty and bad escapes with BetterDLError', () => {
    expect(toFsPath('file://./a')).toBe(join(process.cwd(), 'a'));
    expect(toFsPath(pathToFileURL('/tmp/a b').href)).toBe('/tmp/a b');
    for (const bad of ['', 'file:///a%zz']) {
      let err: unknown;
      try {
        toFsPath(bad);
      } catch (e) {
        err = e;
      }
      expect(isBetterDLError(err) && err.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('isFileSource: file URLs, drive and plain paths yes; other schemes no', () => {
    for (const s of ['file://./a', 'file:///a', 'a/b', '/a', 'C:\\a', new URL('file:///x')])
      expect(isFileSource(s)).toBe(true);
    for (const s of ['http://h/a', 'indexeddb://m', 'https://h/x', '', 3, new URL('http://h/')])
      expect(isFileSource(s)).toBe(false);
  });
});

describe('durable writes', () => {
  it('writeFileAtomic creates directories, replaces the file and leaves no temporary file', async () => {
    const path = join(root, 'w', 'deep', 'f.txt');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, new Uint8Array([116, 119, 111]));
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(join(root, 'w', 'deep'))).toEqual(['f.txt']);
    const e = await errorOf(writeFileAtomic(join(path, 'under-a-file'), 'x'));
    expect(isBetterDLError(e) && e.code).toBe('IO_ERROR');
    expect(readdirSync(join(root, 'w', 'deep'))).toEqual(['f.txt']);
  });
});

describe('commitFileSet: a set owns only its files', () => {
  const kind = 'test-set';
  const commit = (dir: string, payload: string, overwrite = false) =>
    commitFileSet({
      dir,
      manifest: 'state.json',
      kind,
      who: 'test',
      overwrite,
      blobs: [{ label: 'data', data: new TextEncoder().encode(payload) }],
      render: (names) => ({ files: names }),
    });
  const read = (dir: string) => {
    const m = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    return readFileSync(join(dir, m.files[0]), 'utf8');
  };

  it('replaces its previous set, keeps other files, removes orphans of gone writers only', async () => {
    const dir = join(root, 'set');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    writeFileSync(join(dir, 'state.data.1-0-zz.tmp.bak'), 'not ours by name');
    await commit(dir, 'first');
    await commit(dir, 'second');
    expect(read(dir)).toBe('second');
    const dead = 4194305;
    writeFileSync(join(dir, `state.data.${dead}-0-a1.bin`), 'orphan');
    writeFileSync(join(dir, `.state.json.${dead}-0-a2.tmp`), '{');
    writeFileSync(join(dir, `state.data.${process.ppid}-0-a3.bin`), 'a live writer');
    expect((await cleanFileSet(dir, 'state.json')).sort()).toEqual([
      `.state.json.${dead}-0-a2.tmp`,
      `state.data.${dead}-0-a1.bin`,
    ]);
    expect(
      readdirSync(dir)
        .filter((n) => !n.startsWith('state.data.') || n.endsWith('.bak'))
        .sort(),
    ).toEqual(['notes.txt', 'state.data.1-0-zz.tmp.bak', 'state.json']);
    expect(readdirSync(dir)).toContain(`state.data.${process.ppid}-0-a3.bin`);
    await removeFileSet(dir, 'state.json', kind);
    expect(readdirSync(dir).sort()).toEqual([
      'notes.txt',
      'state.data.1-0-zz.tmp.bak',
      `state.data.${process.ppid}-0-a3.bin`,
    ]);
  });

  it('refuses a path that is a file and a foreign manifest (unless overwrite)', async () => {
    const file = join(root, 'plain.txt');
    writeFileSync(file, 'x');
    const e1 = await errorOf(commit(file, 'a'));
    expect(e1.message).toMatch(/existing file/);
    expect(readFileSync(file, 'utf8')).toBe('x');
    const dir = join(root, 'foreign');
    mkdirSync(dir);
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ files: ['theirs.bin'] }));
    writeFileSync(join(dir, 'theirs.bin'), 'theirs');
    const e2 = await errorOf(commit(dir, 'a'));
    expect(isBetterDLError(e2) && e2.message).toMatch(
      /not written by betterdl's test-set writer.*overwrite: true/,
    );
    await commit(dir, 'mine', true);
    expect(read(dir)).toBe('mine');
    expect(readdirSync(dir)).not.toContain('theirs.bin');
  });

  it('concurrent commits to one directory all finish and leave exactly one complete set', async () => {
    const dir = join(root, 'race');
    await Promise.all(Array.from({ length: 8 }, (_, i) => commit(dir, `writer ${i}`)));
    expect(read(dir)).toMatch(/^writer \d$/);
    await commit(dir, 'last');
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('manifestReferences ignores paths that leave the directory', () => {
    const text = JSON.stringify({
      weightsManifest: [{ paths: ['a.bin', '../b.bin', '/c.bin'] }],
      files: ['d'],
    });
    expect(manifestReferences(text)).toEqual(['a.bin', 'd']);
  });
});

describe('fileSystemHandler: tfjs save/load with shard and size checks', () => {
  const artifacts = (): tf.io.ModelArtifacts => ({
    modelTopology: { class_name: 'Sequential' },
    weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }],
    weightData: new Float32Array([1, 2]).buffer,
    format: 'layers-model',
  });

  it('round-trips; a .json path names the manifest; loads reject missing, escaping and short shards', async () => {
    const dir = join(root, 'model');
    await fileSystemHandler(`file://${dir}`).save?.(artifacts());
    const back = await fileSystemHandler(join(dir, 'model.json')).load?.();
    expect(Array.from(new Float32Array(back?.weightData as ArrayBuffer))).toEqual([1, 2]);
    expect(modelLocation(join(dir, 'best.json'))).toEqual({ dir, manifest: 'best.json' });
    await fileSystemHandler(join(dir, 'best.json')).save?.(artifacts());
    expect(
      readdirSync(dir)
        .filter((n) => n.endsWith('.json'))
        .sort(),
    ).toEqual(['best.json', 'model.json']);

    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const broken = (name: string, paths: string[], bin?: Uint8Array) => {
      const d = join(root, name);
      mkdirSync(d, { recursive: true });
      writeFileSync(
        join(d, 'model.json'),
        JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths }] }),
      );
      if (bin) writeFileSync(join(d, paths[0] as string), bin);
      return fileSystemHandler(d).load?.() as Promise<unknown>;
    };
    expect((await errorOf(broken('no-shard', ['w.bin']))).message).toMatch(/shard 'w.bin'.*missing/);
    expect((await errorOf(broken('escape', ['../model/x.bin']))).message).toMatch(/outside its directory/);
    expect((await errorOf(broken('short', ['w.bin'], new Uint8Array(4)))).message).toMatch(
      /hold 4 bytes.*describes 8/,
    );
    const e = await errorOf(readModelJson(join(root, 'nowhere'), 'test'));
    expect(isBetterDLError(e) && e.code).toBe('IO_ERROR');
  });
});
