import {
  BetterDLError,
  fillPythonTemplate,
  formatPython,
  type PyTemplateField,
  type PyValue,
  parsePythonTemplate,
} from '@betterdl/runtime';
import { tfjsMonitorName } from './monitor';

/** One `{key:spec}` field of a template (`key` e.g. `val_loss`, `spec` e.g. `.4f` or `''`). */
export type TemplateField = PyTemplateField;

/** Keys Keras passes as Python ints; every other log value is a Python float. */
const INT_KEYS = new Set(['epoch', 'batch']);

/**
 * Splits a Python `str.format` template (`model-{epoch:02d}-{val_loss:.4f}`) into text and fields. `{{` and
 * `}}` are literal braces. Throws on malformed braces, keys or format specs.
 */
export function parseTemplate(template: string): Array<string | TemplateField> {
  return parsePythonTemplate(template);
}

/**
 * Formats `value` exactly as Python's `format(value, spec)` (`02d`, `.4f`, `.2e`, `g`, `>8.3f`, `,d`, `.1%`):
 * a number is a Python float (rounded on its exact binary value, half to even; an empty spec prints its
 * `repr`, e.g. `1.0`, `1e-05`), and an integral number also takes integer types such as `02d`.
 */
export function formatValue(value: number | string, spec: string): string {
  return formatPython(spec, value);
}

function pyValue(key: string, v: unknown): PyValue | undefined {
  if (typeof v === 'number') return INT_KEYS.has(key) && Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'bigint') return v;
  return undefined;
}

/**
 * Fills a parsed template from `values` like Keras's `filepath.format(epoch=epoch + 1, **logs)`: `epoch` and
 * `batch` are ints (`{epoch}` prints `3`), log values are floats (`{val_loss}` of 1 prints `1.0`), and Keras's
 * `accuracy` names work as aliases of tfjs's `acc`. A key missing from `values` is an error naming it and
 * listing what is there.
 */
export function fillTemplate(parts: Array<string | TemplateField>, values: Record<string, unknown>): string {
  return fillPythonTemplate(parts, (key) => {
    const name = key in values ? key : tfjsMonitorName(key);
    const v = pyValue(name, values[name]);
    if (v === undefined) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `Path template key '{${key}}' is not in the logs (available: ${Object.keys(values).join(', ')}). ` +
          'Use one of those names, or pass validation data to fit() for val_ keys.',
      );
    }
    return typeof v === 'string' ? pathSafe(v) : v;
  });
}

/**
 * A string log value as it may appear in a path: separators (`/`, `\`, `:`), `..` and control characters are
 * replaced by `_`, so a templated name never leaves the directory its template names, whatever the metric
 * values are. Numbers (formatted by Python's rules) never hold any of these and are never changed.
 */
export function pathSafe(field: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return field.replace(/[/\\:\u0000-\u001f]/g, '_').replace(/\.\.+/g, (dots) => '_'.repeat(dots.length));
}
