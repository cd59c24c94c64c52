import { BetterDLError, type BetterDLErrorCode } from './errors';

/**
 * The validation kit every `@betterdl/*` package checks its arguments with. Each check names the function,
 * the argument or option, the value it got and what to pass instead, and throws an `INVALID_ARGUMENT`
 * {@link BetterDLError}; each returns the checked value, typed.
 */

/** Bounds of {@link checkInteger} and {@link checkFinite}; all optional, all combined. */
export interface NumberRange {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** The value must be greater than this (exclusive lower bound). */
  gt?: number;
  /** The value must be smaller than this (exclusive upper bound). */
  lt?: number;
}

/** A short, unambiguous rendering of a value for an error message: `1.5`, `'abc'`, `NaN`, `an array`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/^"|"$/g, "'");
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/** The error for a wrong argument: `` `${fn}: ${message}` `` with code `INVALID_ARGUMENT` (or `code`). */
export function invalidArgument(
  fn: string,
  message: string,
  code: BetterDLErrorCode = 'INVALID_ARGUMENT',
): BetterDLError {
  return new BetterDLError(code, `${fn}: ${message}`);
}

/**
 * The error for data whose contents are wrong (a CSV cell, a label, a serialised field): code
 * `INVALID_DATA`, the message saying where (`row 3, column 'y'`) and what to do.
 */
export function invalidData(fn: string, message: string): BetterDLError {
  return new BetterDLError('INVALID_DATA', `${fn}: ${message}`);
}

/** Throws {@link invalidArgument}`(fn, message, code)` unless `condition` holds. */
export function checkArgument(
  condition: unknown,
  fn: string,
  message: string,
  code: BetterDLErrorCode = 'INVALID_ARGUMENT',
): asserts condition {
  if (!condition) throw invalidArgument(fn, message, code);
}

function rangeText(r: NumberRange): string {
  const parts: string[] = [];
  if (r.min !== undefined && r.max !== undefined) parts.push(`between ${r.min} and ${r.max}`);
  else if (r.min !== undefined) parts.push(`>= ${r.min}`);
  else if (r.max !== undefined) parts.push(`<= ${r.max}`);
  if (r.gt !== undefined) parts.push(`> ${r.gt}`);
  if (r.lt !== undefined) parts.push(`< ${r.lt}`);
  return parts.join(' and ');
}

function inRange(v: number, r: NumberRange): boolean {
  return (
    (r.min === undefined || v >= r.min) &&
    (r.max === undefined || v <= r.max) &&
    (r.gt === undefined || v > r.gt) &&
    (r.lt === undefined || v < r.lt)
  );
}

function numberCheck(
  kind: string,
  ok: (v: number) => boolean,
  fn: string,
  name: string,
  value: unknown,
  range: NumberRange,
  hint?: string,
): number {
  if (typeof value !== 'number' || !ok(value) || !inRange(value, range)) {
    const r = rangeText(range);
    throw invalidArgument(
      fn,
      `${name} must be ${kind}${r ? ` ${r}` : ''}, got ${describeValue(value)}.${hint ? ` ${hint}` : ''}`,
    );
  }
  return value;
}

/** Returns `value` if it is an integer within `range`; otherwise throws naming `fn`, `name` and the value. */
export function checkInteger(
  fn: string,
  name: string,
  value: unknown,
  range: NumberRange = {},
  hint?: string,
): number {
  return numberCheck('an integer', Number.isInteger, fn, name, value, range, hint);
}

/** Returns `value` if it is a finite number (not NaN or ±Infinity) within `range`; otherwise throws. */
export function checkFinite(
  fn: string,
  name: string,
  value: unknown,
  range: NumberRange = {},
  hint?: string,
): number {
  return numberCheck('a finite number', Number.isFinite, fn, name, value, range, hint);
}

/** Returns `value` if it is `true` or `false` (not a truthy string or number); otherwise throws. */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw invalidArgument(fn, `${name} must be true or false, got ${describeValue(value)}.`);
  }
  return value;
}

/** Returns `value` if it is a non-empty string; otherwise throws. */
export function checkString(fn: string, name: string, value: unknown, hint?: string): string {
  if (typeof value !== 'string' || value === '') {
    throw invalidArgument(
      fn,
      `${name} must be a non-empty string, got ${describeValue(value)}.${hint ? ` ${hint}` : ''}`,
    );
  }
  return value;
}

/** Returns `value` if it is one of `allowed`; otherwise throws listing them (and the closest one). */
export function checkOneOf<const T extends string | number | boolean>(
  fn: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    const list = allowed.map((a) => describeValue(a)).join(', ');
    const near = typeof value === 'string' ? closestName(value, allowed.map(String)) : undefined;
    throw invalidArgument(
      fn,
      `${name} must be one of ${list}, got ${describeValue(value)}.${near ? ` Did you mean '${near}'?` : ''}`,
    );
  }
  return value as T;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/** `restore_best_weights` → `restoreBestWeights` (Keras and Python spellings of betterdl options). */
export function snakeToCamel(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The candidate `name` most likely meant: its camelCase form (`min_delta` → `minDelta`), a case-insensitive
 * match, or the nearest by edit distance (at most 2, or a third of its length); `undefined` when none is close.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const camel = snakeToCamel(name);
  const lower = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const exact = candidates.find((c) => c === camel) ?? candidates.find((c) => lower(c) === lower(name));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = levenshtein(lower(name), lower(c));
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/**
 * The option names of an options interface, checked by the compiler to be complete:
 * `optionNames<EarlyStoppingArgs>({ monitor: true, minDelta: true, ... })` fails to compile when an option
 * is missing or misspelt.
 */
export function optionNames<T>(names: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(names));
}

/**
 * Checks an options object: `undefined` and `null` mean "no options" (`{}` is returned); anything that is
 * not a plain object, and any key not in `known`, throws `INVALID_ARGUMENT` naming the option and the
 * camelCase option meant (`restore_best_weights` → "did you mean restoreBestWeights?"). Keys whose value is
 * `undefined` are checked too. `aliases` maps other spellings (Keras names that differ by more than case,
 * e.g. `horizontal_flip`) to the option meant.
 */
export function checkOptions<T extends object>(
  fn: string,
  options: T | null | undefined,
  known: readonly string[],
  argName = 'options',
  aliases: Readonly<Record<string, string>> = {},
): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(
      fn,
      `${argName} must be an object such as { ${known[0] ?? ''}: ... }, got ${describeValue(options)}.`,
    );
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = Object.hasOwn(aliases, key) ? aliases[key] : closestName(key, known);
    const hint = near
      ? ` Did you mean ${near}? (betterdl options are camelCase.)`
      : ` Known options: ${known.join(', ')}.`;
    throw invalidArgument(fn, `unknown option '${key}' in ${argName}.${hint}`);
  }
  return options;
}
