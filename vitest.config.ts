import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { SkipReporter } from './scripts/test-support/skip-reporter';

const pkgs = ['runtime', 'callbacks', 'datasets', 'diagnostics', 'transfer'] as const;
const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

/** Tests run against sources: every `@betterdl/*` import resolves to `packages/<name>/src`. */
const alias = pkgs.flatMap((p) => [
  { find: `@betterdl/${p}/node`, replacement: `${src(p)}/src/node.ts` },
  { find: `@betterdl/${p}`, replacement: `${src(p)}/src/index.ts` },
]);

export default defineConfig({
  resolve: { alias },
  test: {
    // `default`, plus one line per test skipped because a system tool (Chromium, a data set) is missing
    reporters: ['default', new SkipReporter()],
    projects: [
      ...pkgs.map((p) => ({
        resolve: { alias },
        test: {
          name: p,
          root: src(p),
          include: ['src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks' as const,
        },
      })),
      {
        resolve: { alias },
        test: {
          name: 'repo',
          root: fileURLToPath(new URL('.', import.meta.url)),
          include: [
            'scripts/**/*.test.ts',
            'docs/**/*.test.ts',
            'examples/*/**/*.test.ts',
            'parity/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          pool: 'forks' as const,
        },
      },
    ],
  },
});
