import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A plain-JS user (no TypeScript to catch a Keras habit) gets a clear error from the built package, through
 * both its ESM and its CJS entry: `earlyStopping({ restore_best_weights: true })` names restoreBestWeights.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const pkgDir = join(root, 'packages', 'callbacks');

function ensureBuilt(): void {
  for (const name of ['runtime', 'callbacks']) {
    if (!existsSync(join(root, 'packages', name, 'dist', 'index.cjs'))) {
      execFileSync('pnpm', ['--filter', `@betterdl/${name}`, 'run', 'build'], { cwd: root, stdio: 'pipe' });
    }
  }
}

const check = (load: string) => `${load}
let err;
try {
  earlyStopping({ monitor: 'val_loss', restore_best_weights: true });
} catch (e) {
  err = e;
}
if (!err) throw new Error('earlyStopping accepted restore_best_weights');
console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message }));
`;

describe('unknown options from plain JavaScript (built package)', () => {
  it.each([
    ['mjs', "import { earlyStopping } from '@betterdl/callbacks';"],
    ['cjs', "const { earlyStopping } = require('@betterdl/callbacks');"],
  ])('%s: earlyStopping({ restore_best_weights: true }) throws naming restoreBestWeights', (ext, load) => {
    ensureBuilt();
    // Inside the package directory, so that '@betterdl/callbacks' resolves to its own built entries.
    const file = join(pkgDir, `.plain-js-check-${process.pid}.${ext}`);
    writeFileSync(file, check(load));
    try {
      const out = JSON.parse(
        execFileSync(process.execPath, [file], { cwd: pkgDir, encoding: 'utf8' }).trim(),
      );
      expect(out.name).toBe('BetterDLError');
      expect(out.code).toBe('INVALID_ARGUMENT');
      expect(out.message).toMatch(
        /earlyStopping: unknown option 'restore_best_weights'.*Did you mean restoreBestWeights\?/,
      );
    } finally {
      rmSync(file, { force: true });
    }
  });
});
