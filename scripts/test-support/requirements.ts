// The one place that decides whether a test can use a system tool (a browser, a data set) that `pnpm install`
// does not bring. Missing → the test is skipped with one line saying what to install; with
// BETTERDL_REQUIRE_ALL=1 (set by .ci/run) a missing tool fails the test instead, so CI always runs them.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { it as vitestIt } from 'vitest';

/** A system tool that some tests need. */
export type Requirement = 'chromium' | 'fashion-mnist';

/** The environment switch under which a missing requirement fails its tests instead of skipping them. */
export const REQUIRE_ALL = 'BETTERDL_REQUIRE_ALL';

/** How every skip note made here starts, so the skip reporter can list exactly these skips. */
export const SKIP_MARK = 'needs ';

const FASHION_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium (or Chrome) binary: `BETTERDL_CHROMIUM` when set, else the first of chromium,
 * chromium-browser, google-chrome-stable, google-chrome found on `PATH`; `undefined` when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.BETTERDL_CHROMIUM) return executable(env.BETTERDL_CHROMIUM) ? env.BETTERDL_CHROMIUM : undefined;
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    for (const dir of dirs) if (executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Where the Fashion-MNIST IDX files are: `FASHION_MNIST_DIR`, else Debian's dataset-fashion-mnist folder. */
export function fashionMnistDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
}

function hasFashionMnist(dir: string): boolean {
  return FASHION_FILES.every((f) => existsSync(join(dir, f)) || existsSync(join(dir, `${f}.gz`)));
}

/** Whether a requirement is met, and if not, what to install. */
export interface RequirementCheck {
  requirement: Requirement;
  ok: boolean;
  /** The binary or folder found, when `ok`. */
  path?: string;
  /** One line: what is missing and how to get it. */
  reason: string;
}

/** Checks one requirement against `env` (PATH, BETTERDL_CHROMIUM, FASHION_MNIST_DIR). */
export function check(requirement: Requirement, env: NodeJS.ProcessEnv = process.env): RequirementCheck {
  if (requirement === 'chromium') {
    const path = findChromium(env);
    return {
      requirement,
      ok: path !== undefined,
      path,
      reason:
        'needs Chromium on PATH: apt-get install chromium (or set BETTERDL_CHROMIUM to a Chrome binary)',
    };
  }
  const dir = fashionMnistDir(env);
  const ok = hasFashionMnist(dir);
  return {
    requirement,
    ok,
    path: ok ? dir : undefined,
    reason: `needs the Fashion-MNIST IDX files in ${dir}: apt-get install dataset-fashion-mnist (or set FASHION_MNIST_DIR)`,
  };
}

import type { TestFunction } from 'vitest';

/** `it` for tests that need a system tool, plus where the tool is. */
export interface Needs {
  /** Every requirement is met. */
  ok: boolean;
  /** The Chromium binary when it was required and found. */
  chromium?: string;
  /** The Fashion-MNIST folder when it was required and found. */
  fashionMnistDir?: string;
  /**
   * Declares a test that runs when every requirement is met; otherwise it is skipped with a note saying what
   * to install, or fails with that note under BETTERDL_REQUIRE_ALL=1.
   */
  it(name: string, fn: TestFunction, timeout?: number): void;
}

/**
 * Decides once, for the tests of a file, whether the system tools they need are here.
 *
 * ```ts
 * const browser = needs('chromium');
 * browser.it('draws in headless Chromium', async () => { await dumpDom(browser.chromium!, url); });
 * ```
 */
export function needs(...requirements: Requirement[]): Needs {
  const checks = requirements.map((r) => check(r));
  const missing = checks.filter((c) => !c.ok);
  const note = missing.map((c) => c.reason).join('; ');
  const strict = process.env[REQUIRE_ALL] === '1';
  return {
    ok: missing.length === 0,
    chromium: checks.find((c) => c.requirement === 'chromium')?.path,
    fashionMnistDir: checks.find((c) => c.requirement === 'fashion-mnist')?.path,
    it(name, fn, timeout) {
      if (missing.length === 0) return vitestIt(name, fn, timeout);
      if (strict) {
        return vitestIt(name, () => {
          throw new Error(`${note} (${REQUIRE_ALL}=1 makes a missing tool a failure)`);
        });
      }
      return vitestIt(name, (ctx) => ctx.skip(note));
    },
  };
}
