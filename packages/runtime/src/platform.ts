/** True in Node.js (and runtimes that emulate it), false in browsers and workers. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Reads an environment variable in Node; `undefined` elsewhere. */
export function env(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.[name];
}

/**
 * `import()` of a name that bundlers must not try to resolve at build time (optional native backends,
 * Node built-ins used only in Node).
 */
export function importOptional<T = unknown>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** The reason an optional import failed: `'not installed'` or the load error itself. */
export function describeImportFailure(
  err: unknown,
  specifier: string,
): { notInstalled: boolean; detail: string } {
  const e = err as { code?: string; message?: string };
  const msg = e?.message ?? String(err);
  const notInstalled =
    msg.includes(specifier) &&
    (e?.code === 'ERR_MODULE_NOT_FOUND' ||
      e?.code === 'MODULE_NOT_FOUND' ||
      /Cannot find (module|package)|Could not resolve|Failed to (resolve|load url)/.test(msg));
  return { notInstalled, detail: notInstalled ? 'not installed' : `failed to load: ${msg.split('\n')[0]}` };
}
