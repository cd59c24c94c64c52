import { describe, expect, it } from 'vitest';
import { isBetterDLError } from './errors';
import {
  checkArgument,
  checkBoolean,
  checkFinite,
  checkInteger,
  checkOneOf,
  checkOptions,
  closestName,
  describeValue,
  optionNames,
} from './validate';

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(isBetterDLError(err)).toBe(true);
    return err as { code: string; message: string };
  }
  throw new Error('expected a throw');
}

describe('validation kit', () => {
  it('checkInteger names the function, the option, the value and the bound', () => {
    expect(checkInteger('earlyStopping', 'patience', 3, { min: 0 })).toBe(3);
    for (const bad of [1.5, -1, Number.NaN, '3', null, Number.POSITIVE_INFINITY]) {
      const e = thrown(() => checkInteger('earlyStopping', 'patience', bad, { min: 0 }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/^earlyStopping: patience must be an integer >= 0, got /);
    }
    expect(thrown(() => checkInteger('f', 'n', '3', { min: 0 })).message).toMatch(/got '3'\./);
    expect(thrown(() => checkInteger('f', 'k', 9, { min: 1, max: 5 })).message).toMatch(
      /k must be an integer between 1 and 5, got 9/,
    );
  });

  it('checkFinite rejects NaN and infinities and checks exclusive bounds', () => {
    expect(checkFinite('f', 'x', 0.5, { gt: 0, lt: 1 })).toBe(0.5);
    expect(thrown(() => checkFinite('reduceLROnPlateau', 'minDelta', Number.NaN)).message).toBe(
      'reduceLROnPlateau: minDelta must be a finite number, got NaN.',
    );
    expect(thrown(() => checkFinite('f', 'factor', 1, { gt: 0, lt: 1 })).message).toMatch(
      /factor must be a finite number > 0 and < 1, got 1\./,
    );
    expect(thrown(() => checkFinite('f', 'x', 1, { gt: 0, lt: 1 }, 'Use 0.1.')).message).toMatch(
      /Use 0\.1\.$/,
    );
  });

  it('checkBoolean refuses truthy strings and numbers', () => {
    expect(checkBoolean('f', 'b', false)).toBe(false);
    expect(thrown(() => checkBoolean('f', 'restoreBestWeights', 'true')).message).toMatch(
      /restoreBestWeights must be true or false, got 'true'/,
    );
    expect(() => checkBoolean('f', 'b', 1)).toThrow(/got 1/);
  });

  it('checkOneOf lists the choices and suggests the closest', () => {
    expect(checkOneOf('f', 'mode', 'min', ['min', 'max', 'auto'])).toBe('min');
    const e = thrown(() => checkOneOf('f', 'mode', 'mni', ['min', 'max', 'auto']));
    expect(e.message).toBe("f: mode must be one of 'min', 'max', 'auto', got 'mni'. Did you mean 'min'?");
  });

  it('checkOptions names the camelCase option of a Keras snake_case name', () => {
    const known = ['monitor', 'minDelta', 'patience', 'restoreBestWeights'];
    const e = thrown(() => checkOptions('earlyStopping', { restore_best_weights: true }, known));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(
      /earlyStopping: unknown option 'restore_best_weights'.*did you mean restoreBestWeights\?/i,
    );
    expect(thrown(() => checkOptions('f', { patiense: 3 }, known)).message).toMatch(
      /did you mean patience\?/i,
    );
    expect(thrown(() => checkOptions('f', { zzz: 3 }, known)).message).toMatch(
      /Known options: monitor, minDelta, patience, restoreBestWeights\./,
    );
    expect(thrown(() => checkOptions('f', { verbose: undefined }, known)).message).toMatch(/'verbose'/);
    expect(thrown(() => checkOptions('f', 5 as never, known)).message).toMatch(/options must be an object/);
    expect(checkOptions('f', undefined, known)).toEqual({});
    const ok = { monitor: 'loss' };
    expect(checkOptions('f', ok, known)).toBe(ok);
  });

  it('closestName, describeValue, optionNames, checkArgument', () => {
    expect(closestName('min_delta', ['minDelta', 'mode'])).toBe('minDelta');
    expect(closestName('MONITOR', ['monitor'])).toBe('monitor');
    expect(closestName('xyz', ['monitor'])).toBeUndefined();
    expect(describeValue([1, 2])).toBe('an array of length 2');
    expect(describeValue("it's")).toBe(`'it's'`);
    expect(optionNames<{ a?: number; b: string }>({ a: true, b: true })).toEqual(['a', 'b']);
    expect(() => checkArgument(false, 'diagnose', 'pass one history.')).toThrow(
      /^diagnose: pass one history\.$/,
    );
    expect(thrown(() => checkArgument(0, 'f', 'x', 'SHAPE_MISMATCH')).code).toBe('SHAPE_MISMATCH');
  });
});
