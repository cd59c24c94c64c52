// The check every package's `src/options.test.ts` runs: each public function that takes an options object
// rejects an unknown option name with an INVALID_ARGUMENT BetterDLError that names it and the camelCase option
// meant. Lives outside the packages, so it never ships in a tarball.
import { isBetterDLError } from '@betterdl/runtime';
import { expect, it } from 'vitest';

/** A function under test, a call passing it the options given, a misspelt option and the name to suggest. */
export type UnknownOptionCase = [
  fn: string,
  make: (opts: Record<string, unknown>) => unknown,
  wrong: string,
  right: string,
];

/** One test per case: `make({ [wrong]: 1 })` throws `<fn>: unknown option '<wrong>' … Did you mean <right>?`. */
export function testUnknownOptions(cases: UnknownOptionCase[]): void {
  it.each(cases)('%s names the option meant', (fn, make, wrong, right) => {
    let err: unknown;
    try {
      make({ [wrong]: 1 });
    } catch (e) {
      err = e;
    }
    expect(isBetterDLError(err)).toBe(true);
    expect((err as { code: string }).code).toBe('INVALID_ARGUMENT');
    expect((err as Error).message).toContain(`${fn}: unknown option '${wrong}'`);
    expect((err as Error).message).toContain(`Did you mean ${right}?`);
  });
}
