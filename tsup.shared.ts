import { defineConfig, type Options } from 'tsup';

/**
 * The one tsup configuration every package uses: ESM + CJS + .d.ts with sourcemaps, and every
 * `@tensorflow/*` and `@betterdl/*` import left external so that a user's project supplies the one tfjs.
 */
export function packageConfig(entries: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry: entries,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: true,
    shims: true,
    treeshake: true,
    external: [/^@tensorflow\//, /^@betterdl\//, /^node:/],
    ...overrides,
  });
}
