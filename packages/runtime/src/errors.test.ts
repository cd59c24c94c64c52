import { describe, expect, it } from 'vitest';
import { BetterDLError, check, isBetterDLError } from './errors';

describe('BetterDLError', () => {
  it('has a literal name, a stable code and a cause', () => {
    const cause = new Error('disk full');
    const e = new BetterDLError('IO_ERROR', 'Cannot write x', { cause });
    expect(e.name).toBe('BetterDLError');
    expect(e.code).toBe('IO_ERROR');
    expect(e.cause).toBe(cause);
    expect(e).toBeInstanceOf(Error);
  });

  it('is recognised by marker, also for an error from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('betterdl.error')]: true });
    expect(isBetterDLError(foreign)).toBe(true);
    expect(isBetterDLError(new Error('plain'))).toBe(false);
    expect(isBetterDLError(null)).toBe(false);
  });

  it('check throws INVALID_ARGUMENT with the message', () => {
    expect(() => check(false, 'factor must be < 1')).toThrow(/factor must be < 1/);
    expect(() => check(true, 'never')).not.toThrow();
  });
});
