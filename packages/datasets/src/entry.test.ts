import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from './index';
import * as node from './node';

const here = dirname(fileURLToPath(import.meta.url));

/** Every source file the main entry reaches through relative imports. */
function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(join(here, file), 'utf8');
  for (const m of src.matchAll(/from '\.\/([^']+)'/g)) reachable(`${m[1]}.ts`, seen);
  return seen;
}

describe('entries', () => {
  it('the main entry is browser-safe: nothing it reaches imports node: modules or touches process', () => {
    const files = reachable('index.ts');
    expect(files.size).toBeGreaterThan(10);
    for (const f of files) {
      const src = readFileSync(join(here, f), 'utf8');
      expect(src, f).not.toMatch(/from 'node:|require\(|process\./);
    }
    expect(files.has('load-mnist.ts')).toBe(false);
    expect(files.has('download.ts')).toBe(false);
  });

  it('./node re-exports the whole main entry and adds the Node-only pieces', () => {
    for (const name of Object.keys(main)) expect(node, name).toHaveProperty(name);
    for (const name of ['loadMnist', 'loadFashionMnist', 'downloadFile', 'readIdxFile', 'dataHome']) {
      expect(node, name).toHaveProperty(name);
      expect(main, name).not.toHaveProperty(name);
    }
    expect(node.loadCsv).not.toBe(main.loadCsv);
  });
});
