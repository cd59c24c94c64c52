const MARKER = Symbol.for('betterdl.error');

/**
 * The closed set of error codes of every `@betterdl/*` package. One rule decides which code a failure gets
 * (the runtime README has the table):
 * - `INVALID_ARGUMENT`: an argument or option the caller wrote is wrong: its type, range, an unknown
 *   option name, an unknown name (metric, layer, backend), or a combination of options that cannot work.
 * - `SHAPE_MISMATCH`: tensors or arrays passed together disagree in shape, rank or length (x and y with
 *   different sample counts, a scaler fitted on 3 features given 4).
 * - `INVALID_DATA`: the contents of data are wrong: a cell, label, pixel, file or serialised state that
 *   cannot be read as what it claims to be (the message names the row, column, field or byte).
 * - `IO_ERROR`: reading or writing a file, directory or URL failed (missing file, permission, network).
 * - `UNSUPPORTED`: a valid request this backend, platform or version cannot carry out.
 * - `BACKEND_UNAVAILABLE`: a tfjs backend cannot be loaded or none is registered.
 * - `DUPLICATE_TFJS`: two copies of tfjs-core are loaded at the same time.
 * - `TENSOR_LEAK`: tensors were left behind ({@link assertNoLeaks}).
 */
export type BetterDLErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'INVALID_DATA'
  | 'IO_ERROR'
  | 'UNSUPPORTED'
  | 'BACKEND_UNAVAILABLE'
  | 'DUPLICATE_TFJS'
  | 'TENSOR_LEAK';

/** Every {@link BetterDLErrorCode}, for code that must handle each one. */
export const BETTERDL_ERROR_CODES: readonly BetterDLErrorCode[] = Object.freeze([
  'INVALID_ARGUMENT',
  'SHAPE_MISMATCH',
  'INVALID_DATA',
  'IO_ERROR',
  'UNSUPPORTED',
  'BACKEND_UNAVAILABLE',
  'DUPLICATE_TFJS',
  'TENSOR_LEAK',
]);

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

/**
 * Returns `err` if it is a {@link BetterDLError}; otherwise wraps it (a tfjs `Error`, a `RangeError`, ...) in
 * one with `code`, `message` and the original as `cause`. Public functions use it so that every error they
 * throw is a `BetterDLError`.
 */
export function wrapError(err: unknown, code: BetterDLErrorCode, message: string): BetterDLError {
  if (isBetterDLError(err)) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new BetterDLError(code, `${message} (${why})`, { cause: err });
}
