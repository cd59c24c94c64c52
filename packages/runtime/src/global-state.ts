/**
 * Module-level state that every copy of `@betterdl/runtime` in a process must share (the ESM and the
 * CommonJS build, or two installed versions): kept on `globalThis` under a `Symbol.for` key, so whichever
 * copy runs first creates it and the others find it.
 */
export function globalState<T extends object>(key: string, create: () => T): T {
  const sym = Symbol.for(`betterdl.${key}`);
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  let value = g[sym];
  if (value === undefined) {
    value = create();
    g[sym] = value;
  }
  return value;
}
