import { BetterDLError } from '@betterdl/runtime';
import { tfjsMonitorName } from './monitor';

/** One `{key:spec}` field of a template. */
export interface TemplateField {
  /** The key inside the braces, e.g. `val_loss`. */
  key: string;
  /** The format spec after `:`, e.g. `.4f`, or `''`. */
  spec: string;
}

const SPEC = /^(?:(.)?([<>^=]))?([+\- ])?(0)?(\d+)?(,)?(?:\.(\d+))?([bdeEfFgGs%])?$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits a Python-style template (`model-{epoch:02d}-{val_loss:.4f}`) into text and fields. `{{` and `}}` are
 * literal braces. Throws on malformed braces, keys or format specs.
 */
export function parseTemplate(template: string): Array<string | TemplateField> {
  const parts: Array<string | TemplateField> = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
      continue;
    }
    if (c === '}')
      throw badTemplate(template, `a single '}' at position ${i} (write '}}' for a literal brace)`);
    if (c !== '{') {
      text += c;
      continue;
    }
    const end = template.indexOf('}', i);
    if (end < 0) throw badTemplate(template, `'{' at position ${i} is never closed`);
    const body = template.slice(i + 1, end);
    const colon = body.indexOf(':');
    const key = colon < 0 ? body : body.slice(0, colon);
    const spec = colon < 0 ? '' : body.slice(colon + 1);
    if (!KEY.test(key))
      throw badTemplate(template, `'{${body}}' does not name a log key such as {epoch} or {val_loss}`);
    if (!SPEC.test(spec))
      throw badTemplate(template, `'${spec}' in '{${body}}' is not a format spec such as 02d or .4f`);
    if (text) parts.push(text);
    text = '';
    parts.push({ key, spec });
    i = end;
  }
  if (text) parts.push(text);
  return parts;
}

function badTemplate(template: string, why: string): BetterDLError {
  return new BetterDLError('INVALID_ARGUMENT', `Bad path template '${template}': ${why}.`);
}

function groupThousands(s: string): string {
  const [int, frac] = s.split('.');
  const g = (int as string).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? g : `${g}.${frac}`;
}

function pyExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function general(v: number, precision: number, upper: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(p)))));
  let s: string;
  if (exp >= -4 && exp < p) {
    s = v.toFixed(Math.max(0, p - 1 - exp));
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  } else {
    s = pyExp(v.toExponential(p - 1).replace(/\.?0+e/, 'e'));
  }
  return upper ? s.toUpperCase() : s;
}

/** Formats `value` with a Python format spec (`02d`, `.4f`, `.2e`, `g`, `>8.3f`, `,d`, `.1%`). */
export function formatValue(value: number | string, spec: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new BetterDLError('INVALID_ARGUMENT', `'${spec}' is not a format spec such as 02d or .4f.`);
  const [, fill = ' ', align, sign = '-', zero, width, comma, precision, type] = m;
  let body: string;
  let neg = false;
  if (typeof value === 'string') body = value;
  else if (Number.isNaN(value)) body = 'nan';
  else if (!Number.isFinite(value)) {
    body = 'inf';
    neg = value < 0;
  } else {
    neg = value < 0 || Object.is(value, -0);
    const a = Math.abs(value);
    const p = precision === undefined ? undefined : Number(precision);
    switch (type) {
      case 'd':
        body = String(Math.round(a));
        break;
      case 'f':
      case 'F':
        body = a.toFixed(p ?? 6);
        break;
      case 'e':
      case 'E':
        body = pyExp(a.toExponential(p ?? 6));
        if (type === 'E') body = body.toUpperCase();
        break;
      case 'g':
      case 'G':
        body = general(a, p ?? 6, type === 'G');
        break;
      case '%':
        body = `${(a * 100).toFixed(p ?? 6)}%`;
        break;
      default:
        body = p === undefined ? String(a) : general(a, p, false);
    }
    if (comma) body = groupThousands(body);
  }
  const signStr = neg ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
  const w = width === undefined ? 0 : Number(width);
  const padLen = Math.max(0, w - signStr.length - body.length);
  const isNum = typeof value === 'number';
  if (zero && !align && isNum) return signStr + '0'.repeat(padLen) + body;
  const full = signStr + body;
  const a2 = align ?? (isNum ? '>' : '<');
  if (a2 === '<') return full + fill.repeat(padLen);
  if (a2 === '^') return fill.repeat(Math.floor(padLen / 2)) + full + fill.repeat(Math.ceil(padLen / 2));
  if (a2 === '=') return signStr + fill.repeat(padLen) + body;
  return fill.repeat(padLen) + full;
}

/**
 * Fills a parsed template from `values` (`epoch` 1-based, log keys; Keras's `accuracy` names work as aliases
 * of tfjs's `acc`). A key missing from `values` is an error naming it and listing what is there.
 */
export function fillTemplate(parts: Array<string | TemplateField>, values: Record<string, unknown>): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const v = values[p.key] ?? values[tfjsMonitorName(p.key)];
      if (typeof v !== 'number' && typeof v !== 'string') {
        throw new BetterDLError(
          'INVALID_ARGUMENT',
          `Path template key '{${p.key}}' is not in the logs (available: ${Object.keys(values).join(', ')}). ` +
            'Use one of those names, or pass validation data to fit() for val_ keys.',
        );
      }
      return formatValue(v, p.spec);
    })
    .join('');
}
