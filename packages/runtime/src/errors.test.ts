import { describe, expect, it } from 'vitest';
import { BETTERDL_ERROR_CODES, BetterDLError, isBetterDLError, wrapError } from './errors';

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

  it('wrapError keeps a BetterDLError and wraps anything else with its cause', () => {
    const own = new BetterDLError('IO_ERROR', 'x');
    expect(wrapError(own, 'INVALID_DATA', 'y')).toBe(own);
    const range = new RangeError('Invalid typed array length: 1e12');
    const w = wrapError(range, 'INVALID_ARGUMENT', 'makeCircles: too many samples');
    expect(isBetterDLError(w)).toBe(true);
    expect(w.code).toBe('INVALID_ARGUMENT');
    expect(w.cause).toBe(range);
    expect(w.message).toMatch(/makeCircles: too many samples \(Invalid typed array length/);
  });

  it('lists each code once', () => {
    expect(new Set(BETTERDL_ERROR_CODES).size).toBe(BETTERDL_ERROR_CODES.length);
    expect(BETTERDL_ERROR_CODES).toContain('SHAPE_MISMATCH');
  });
});
