const MARKER = Symbol.for('betterdl.error');

/** Stable error codes used across every `@betterdl/*` package. */
export type BetterDLErrorCode =
  | 'INVALID_ARGUMENT'
  | 'BACKEND_UNAVAILABLE'
  | 'DUPLICATE_TFJS'
  | 'TENSOR_LEAK'
  | 'SHAPE_MISMATCH'
  | 'INVALID_DATA'
  | 'IO_ERROR'
  | 'UNSUPPORTED'
  | (string & {});

/** Options of {@link BetterDLError}. */
export interface BetterDLErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class of betterdl. Every message says what is wrong and how to fix it.
 * Recognise it with {@link isBetterDLError} rather than `instanceof`: two copies of a package in one
 * process have two classes, but share the marker.
 */
export class BetterDLError extends Error {
  /** Always `'BetterDLError'`. */
  override readonly name = 'BetterDLError' as const;
  /** A stable machine-readable code, e.g. `'INVALID_ARGUMENT'`. */
  readonly code: BetterDLErrorCode;
  readonly [MARKER] = true;

  constructor(code: BetterDLErrorCode, message: string, options: BetterDLErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** True when `err` is a {@link BetterDLError} from any copy of any `@betterdl/*` package. */
export function isBetterDLError(err: unknown): err is BetterDLError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[MARKER] === true;
}

/** Throws an `INVALID_ARGUMENT` {@link BetterDLError} with `message` unless `condition` holds. */
export function check(
  condition: unknown,
  message: string,
  code: BetterDLErrorCode = 'INVALID_ARGUMENT',
): asserts condition {
  if (!condition) throw new BetterDLError(code, message);
}
