import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { check, findChromium } from './requirements';

const dir = mkdtempSync(join(tmpdir(), 'betterdl-req-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, mode = 0o644) => {
  writeFileSync(join(dir, name), '');
  chmodSync(join(dir, name), mode);
  return join(dir, name);
};

describe('requirements', () => {
  it('finds Chromium on PATH only when it is executable, and honours BETTERDL_CHROMIUM', () => {
    expect(findChromium({ PATH: dir })).toBeUndefined();
    file('chromium', 0o644);
    expect(findChromium({ PATH: dir })).toBeUndefined();
    const exe = file('chromium-browser', 0o755);
    expect(findChromium({ PATH: `/nowhere:${dir}` })).toBe(exe);
    expect(findChromium({ PATH: '', BETTERDL_CHROMIUM: exe })).toBe(exe);
    expect(findChromium({ PATH: dir, BETTERDL_CHROMIUM: join(dir, 'missing') })).toBeUndefined();
    const missing = check('chromium', { PATH: '/nowhere' });
    expect(missing.ok).toBe(false);
    expect(missing.reason).toMatch(/apt-get install chromium/);
  });

  it('wants all four Fashion-MNIST files, gzipped or not, in FASHION_MNIST_DIR', () => {
    const env = { FASHION_MNIST_DIR: dir };
    file('train-images-idx3-ubyte.gz');
    file('train-labels-idx1-ubyte.gz');
    file('t10k-images-idx3-ubyte');
    expect(check('fashion-mnist', env)).toMatchObject({ ok: false, path: undefined });
    expect(check('fashion-mnist', env).reason).toMatch(/apt-get install dataset-fashion-mnist/);
    file('t10k-labels-idx1-ubyte.gz');
    expect(check('fashion-mnist', env)).toMatchObject({ ok: true, path: dir });
    expect(check('fashion-mnist', {}).reason).toContain('/usr/share/datasets/fashion-mnist');
  });
});
