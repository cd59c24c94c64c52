import { BetterDLError } from './errors';

/**
 * A value as Python's `format()` sees it: a JavaScript `number` is a Python `float`, a `bigint` a Python `int`,
 * a `boolean` a Python `bool`, a `string` a Python `str`, `null` Python's `None`.
 *
 * JavaScript has no separate integer type, so an integral `number` given an integer presentation type
 * (`d`, `b`, `o`, `x`, `X`, `c`) is formatted as an int where Python would reject a float; pass a `bigint`
 * to get int behaviour everywhere (`{epoch}` prints `3`, not `3.0`).
 */
export type PyValue = number | bigint | boolean | string | null;

/** A parsed format spec: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`. */
interface Spec {
  fill: string;
  align: '' | '<' | '>' | '=' | '^';
  sign: '' | '+' | '-' | ' ';
  noNegZero: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: '' | ',' | '_';
  precision: number;
  type: string;
}

const ALIGN = new Set(['<', '>', '=', '^']);

function fail(message: string): BetterDLError {
  return new BetterDLError('INVALID_ARGUMENT', message);
}

function readInt(s: string, pos: number): [number, number] {
  let end = pos;
  while (end < s.length && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
  return [end === pos ? -1 : Number(s.slice(pos, end)), end];
}

function parseSpec(spec: string, typeName: string): Spec {
  const chars = Array.from(spec);
  const s = chars.join('');
  const out: Spec = {
    fill: ' ',
    align: '',
    sign: '',
    noNegZero: false,
    alt: false,
    zero: false,
    width: -1,
    grouping: '',
    precision: -1,
    type: '',
  };
  let pos = 0;
  let fillGiven = false;
  if (chars.length >= 2 && ALIGN.has(chars[1] as string)) {
    out.fill = chars[0] as string;
    out.align = chars[1] as Spec['align'];
    fillGiven = true;
    pos = 2;
  } else if (chars.length >= 1 && ALIGN.has(chars[0] as string)) {
    out.align = chars[0] as Spec['align'];
    pos = 1;
  }
  // From here on only ASCII is meaningful, so index the code-point array as a string.
  const rest = chars.slice(pos).join('');
  let i = 0;
  if (rest[i] === '+' || rest[i] === '-' || rest[i] === ' ') out.sign = rest[i++] as Spec['sign'];
  if (rest[i] === 'z') {
    out.noNegZero = true;
    i++;
  }
  if (rest[i] === '#') {
    out.alt = true;
    i++;
  }
  if (!fillGiven && rest[i] === '0') {
    out.zero = true;
    i++;
  }
  [out.width, i] = readInt(rest, i);
  if (rest[i] === ',') {
    out.grouping = ',';
    i++;
  }
  if (rest[i] === '_') {
    if (out.grouping) throw fail(`Bad format spec '${s}': cannot specify both ',' and '_'.`);
    out.grouping = '_';
    i++;
  }
  if (rest[i] === ',' && out.grouping === '_') {
    throw fail(`Bad format spec '${s}': cannot specify both ',' and '_'.`);
  }
  if (rest[i] === '.') {
    [out.precision, i] = readInt(rest, i + 1);
    if (out.precision < 0) throw fail(`Bad format spec '${s}': missing precision after '.' (e.g. '.4f').`);
  }
  // Python would try to build such a string and run out of memory; JavaScript strings cannot hold it at all.
  if (out.width > 1e8 || out.precision > 1e8) {
    throw fail(`Bad format spec '${s}': width and precision must be at most 100000000.`);
  }
  const tail = rest.slice(i);
  if (Array.from(tail).length > 1) {
    throw fail(
      `Invalid format specifier '${s}' for object of type '${typeName}'. ` +
        'A spec reads [[fill]align][sign][z][#][0][width][,|_][.precision][type], e.g. 02d, .4f, >8.2e.',
    );
  }
  out.type = tail;
  if (out.grouping) {
    const ok = 'deEfFgG%'.includes(out.type) || out.type === '';
    const underscoreOk = out.grouping === '_' && 'boxX'.includes(out.type) && out.type !== '';
    if (!ok && !underscoreOk) {
      throw fail(`Bad format spec '${s}': cannot specify '${out.grouping}' with '${out.type}'.`);
    }
  }
  return out;
}

// ---------- exact decimal digits of a double ----------

const BIG10 = 10n;
const pow10Cache = new Map<number, bigint>();
function pow10(n: number): bigint {
  let v = pow10Cache.get(n);
  if (v === undefined) {
    v = BIG10 ** BigInt(n);
    if (pow10Cache.size < 4096) pow10Cache.set(n, v);
  }
  return v;
}

/** |x| = digits / 10^scale exactly (x finite). */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  if (mant === 0n) return { digits: 0n, scale: 0 };
  if (exp >= 0) return { digits: mant << BigInt(exp), scale: 0 };
  return { digits: mant * 5n ** BigInt(-exp), scale: -exp };
}

/** round(n / d) with ties to even; n >= 0, d > 0. */
function divHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) return q + 1n;
  return q;
}

/** Digits (trailing zeros removed) and decimal-point position, as David Gay's dtoa returns them. */
interface Digits {
  digits: string;
  decpt: number;
}

/** Mode 0: the shortest digits that read back as `x` (JavaScript and Python agree on these). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { digits: '0', decpt: 1 };
  const [mant, e] = x.toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', ''), decpt: Number(e) + 1 };
}

/** Mode 2: `n` significant digits, correctly rounded half to even on the exact binary value. */
function significantDigits(x: number, n: number): Digits {
  if (x === 0) return { digits: '0', decpt: 1 };
  const { digits, scale } = exactDecimal(x);
  const str = digits.toString();
  let decpt = str.length - scale;
  let q = str.length > n ? divHalfEven(digits, pow10(str.length - n)) : digits;
  if (str.length > n && q.toString().length > n) {
    q /= 10n;
    decpt += 1;
  }
  const d = q.toString().replace(/0+$/, '');
  return { digits: d, decpt };
}

/** Mode 3: `n` digits after the point, correctly rounded half to even on the exact binary value. */
function fixedDigits(x: number, n: number): Digits {
  if (x === 0) return { digits: '0', decpt: 1 };
  const { digits, scale } = exactDecimal(x);
  const q = scale > n ? divHalfEven(digits, pow10(scale - n)) : digits * pow10(n - scale);
  if (q === 0n) return { digits: '', decpt: -n };
  const str = q.toString();
  return { digits: str.replace(/0+$/, ''), decpt: str.length - n };
}

/** CPython's `format_float_short` layout of dtoa digits (without the sign). */
function layout(
  { digits, decpt: point }: Digits,
  code: 'e' | 'f' | 'g' | 'r',
  precision: number,
  addDot0: boolean,
  alt: boolean,
): string {
  let decpt = point;
  let vEnd = digits.length;
  let useExp = false;
  if (code === 'e') {
    useExp = true;
    vEnd = precision;
  } else if (code === 'f') vEnd = decpt + precision;
  else if (code === 'g') {
    if (decpt <= -4 || decpt > (addDot0 ? precision - 1 : precision)) useExp = true;
    if (alt) vEnd = precision;
  } else if (decpt <= -4 || decpt > 16) useExp = true;
  let exp = 0;
  if (useExp) {
    exp = decpt - 1;
    decpt = 1;
  }
  const vStart = decpt <= 0 ? decpt - 1 : 0;
  vEnd = Math.max(vEnd, !useExp && addDot0 ? decpt + 1 : decpt);
  let out = decpt <= 0 ? `${'0'.repeat(decpt - vStart)}.${'0'.repeat(-decpt)}` : '';
  if (decpt > 0 && decpt <= digits.length) out += `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  else out += digits;
  if (digits.length < decpt) out += `${'0'.repeat(decpt - digits.length)}.${'0'.repeat(vEnd - decpt)}`;
  else out += '0'.repeat(vEnd - digits.length);
  if (out.endsWith('.') && !alt) out = out.slice(0, -1);
  if (useExp) {
    const e = Math.abs(exp);
    out += `e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return out;
}

/** A float as CPython's `PyOS_double_to_string` writes it; returns the sign and the unsigned text. */
function floatText(
  v: number,
  code: string,
  precision: number,
  flags: { addDot0: boolean; alt: boolean; noNegZero: boolean },
): { negative: boolean; text: string } {
  const upper = code === 'E' || code === 'F' || code === 'G';
  const c = code.toLowerCase() as 'e' | 'f' | 'g' | 'r';
  if (Number.isNaN(v)) return { negative: false, text: upper ? 'NAN' : 'nan' };
  let negative = v < 0 || Object.is(v, -0);
  if (!Number.isFinite(v)) return { negative, text: upper ? 'INF' : 'inf' };
  const a = Math.abs(v);
  let p = precision;
  let d: Digits;
  if (c === 'e') {
    p += 1;
    d = significantDigits(a, p);
  } else if (c === 'f') d = fixedDigits(a, p);
  else if (c === 'g') {
    if (p === 0) p = 1;
    d = significantDigits(a, p);
  } else d = shortestDigits(a);
  if (flags.noNegZero && negative && (d.digits === '' || d.digits === '0')) negative = false;
  const text = layout(d, c, p, flags.addDot0, flags.alt);
  return { negative, text: upper ? text.toUpperCase() : text };
}

// ---------- padding, sign and grouping (CPython's calc_number_widths / fill_number) ----------

/** Digits grouped from the right, zero-filled to at least `minWidth` characters the way CPython does it. */
function groupDigits(digits: string, minWidth: number, sep: string, size: number): string {
  const pieces: string[] = [];
  let remaining = digits.length;
  let min = minWidth;
  let end = digits.length;
  const take = (len: number, useSep: boolean) => {
    const zeros = Math.max(0, len - remaining);
    const chars = Math.max(0, Math.min(remaining, len));
    pieces.push(`${'0'.repeat(zeros)}${digits.slice(end - chars, end)}${useSep ? sep : ''}`);
    end -= chars;
    remaining -= chars;
  };
  let useSep = false;
  if (size > 0) {
    for (;;) {
      const len = Math.min(size, Math.max(remaining, min, 1));
      take(len, useSep);
      useSep = true;
      min -= len;
      if (remaining <= 0 && min <= 0) return pieces.reverse().join('');
      min -= sep.length;
    }
  }
  take(Math.max(remaining, min, 1), useSep);
  return pieces.reverse().join('');
}

/** Splits a float's text into its leading digits and the rest (CPython's `parse_number`). */
function splitNumber(body: string): [string, string] {
  let end = 0;
  while (end < body.length && body.charCodeAt(end) >= 48 && body.charCodeAt(end) <= 57) end++;
  return [body.slice(0, end), body.slice(end)];
}

/** Sign, prefix, padding and grouping around `digits` (grouped) and `tail` (copied as is). */
function padNumber(
  spec: Spec,
  negative: boolean,
  prefix: string,
  digits: string,
  tail: string,
  groupSize = 3,
): string {
  const sign = negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  const fill = spec.zero ? '0' : spec.fill;
  const align = spec.align || (spec.zero ? '=' : '>');
  const nonDigit = sign.length + prefix.length + Array.from(tail).length;
  const minWidth = fill === '0' && align === '=' ? spec.width - nonDigit : 0;
  const sep = spec.grouping;
  const grouped = digits.length === 0 ? '' : groupDigits(digits, minWidth, sep, sep ? groupSize : 0);
  const padding = spec.width - (nonDigit + grouped.length);
  if (padding <= 0) return sign + prefix + grouped + tail;
  const pad = (n: number) => fill.repeat(n);
  if (align === '<') return sign + prefix + grouped + tail + pad(padding);
  if (align === '^') {
    const left = Math.floor(padding / 2);
    return pad(left) + sign + prefix + grouped + tail + pad(padding - left);
  }
  if (align === '=') return sign + prefix + pad(padding) + grouped + tail;
  return pad(padding) + sign + prefix + grouped + tail;
}

function padString(spec: Spec, text: string): string {
  const len = Array.from(text).length;
  const padding = spec.width - len;
  if (padding <= 0) return text;
  const fill = spec.zero ? '0' : spec.fill;
  const align = spec.align || '<';
  if (align === '>') return fill.repeat(padding) + text;
  if (align === '^') {
    const left = Math.floor(padding / 2);
    return fill.repeat(left) + text + fill.repeat(padding - left);
  }
  return text + fill.repeat(padding);
}

// ---------- the three Python types ----------

const FLOAT_TYPES = new Set(['', 'e', 'E', 'f', 'F', 'g', 'G', 'n', '%']);
const INT_TYPES = new Set(['', 'd', 'n', 'b', 'o', 'x', 'X', 'c']);

function unknownCode(type: string, typeName: string): BetterDLError {
  const hint =
    typeName === 'float' && INT_TYPES.has(type)
      ? ' Python does not format a float with an integer type; use .0f for a whole number.'
      : '';
  return fail(`Unknown format code '${type}' for object of type '${typeName}'.${hint}`);
}

function formatFloat(spec: Spec, value: number): string {
  if (!FLOAT_TYPES.has(spec.type)) throw unknownCode(spec.type, 'float');
  let code = spec.type;
  let v = value;
  let precision = spec.precision;
  let addDot0 = false;
  let pct = false;
  if (code === '') {
    addDot0 = true;
    code = precision < 0 ? 'r' : 'g';
  }
  // 'n' is 'g' in the C locale, which Python uses unless a program calls locale.setlocale().
  if (code === 'n') code = 'g';
  if (code === '%') {
    code = 'f';
    v *= 100;
    pct = true;
  }
  if (precision < 0) precision = code === 'r' ? 0 : 6;
  const { negative, text } = floatText(v, code, precision, {
    addDot0,
    alt: spec.alt,
    noNegZero: spec.noNegZero,
  });
  return padNumber(spec, negative, '', ...splitNumber(pct ? `${text}%` : text));
}

function formatInt(spec: Spec, value: bigint, typeName: string): string {
  if ('eEfFgG%'.includes(spec.type) && spec.type !== '') {
    const f = Number(value);
    if (!Number.isFinite(f)) throw fail(`int too large to convert to float: ${value}.`);
    return formatFloat(spec, f);
  }
  if (!INT_TYPES.has(spec.type)) throw unknownCode(spec.type, typeName);
  if (spec.precision >= 0) throw fail('Precision not allowed in integer format specifier.');
  if (spec.noNegZero) throw fail('Negative zero coercion (z) not allowed in integer format specifier.');
  const negative = value < 0n;
  const mag = negative ? -value : value;
  if (spec.type === 'c') {
    if (spec.sign) throw fail("Sign not allowed with integer format specifier 'c'.");
    if (spec.alt) throw fail("Alternate form (#) not allowed with integer format specifier 'c'.");
    if (value < 0n || value > 0x10ffffn) throw fail('%c arg not in range(0x110000).');
    return padNumber(spec, false, '', '', String.fromCodePoint(Number(value)));
  }
  const base = { b: 2, o: 8, x: 16, X: 16 }[spec.type] ?? 10;
  let digits = mag.toString(base);
  let prefix = spec.alt && base !== 10 ? `0${spec.type}` : '';
  if (spec.type === 'X') {
    digits = digits.toUpperCase();
    prefix = prefix.toUpperCase();
  }
  return padNumber(spec, negative, prefix, digits, '', spec.grouping === '_' && base !== 10 ? 4 : 3);
}

function formatStr(spec: Spec, value: string): string {
  if (spec.type !== '' && spec.type !== 's') throw unknownCode(spec.type, 'str');
  if (spec.sign === ' ') throw fail('Space not allowed in string format specifier.');
  if (spec.sign) throw fail('Sign not allowed in string format specifier.');
  if (spec.noNegZero) throw fail('Negative zero coercion (z) not allowed in format specifier.');
  if (spec.alt) throw fail('Alternate form (#) not allowed in string format specifier.');
  if (spec.align === '=') throw fail("'=' alignment not allowed in string format specifier.");
  if (spec.grouping) throw fail(`Cannot specify '${spec.grouping}' with 's'.`);
  const text = spec.precision >= 0 ? Array.from(value).slice(0, spec.precision).join('') : value;
  return padString(spec, text);
}

function typeNameOf(value: PyValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'boolean') return 'bool';
  return 'str';
}

/** Python's `str()` of a value: floats as `repr` (`1.0`, `1e-05`, `inf`), `True`, `None`. */
export function pyStr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return reprFloat(value);
  return formatPython('', value);
}

/**
 * Python's `repr(float)` (what `str` and an empty format spec give): the shortest digits that read back as
 * the value, in fixed notation when the decimal exponent is in [-4, 16), else as `d.ddde±XX`; integral values
 * keep `.0`. The same text as `formatPython('', x)`, without parsing a spec (the CSV logger and progress bar
 * call it for every value of every epoch).
 */
function reprFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const { digits, decpt } = shortestDigits(Math.abs(x));
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const e = decpt - 1;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Python's `repr()` of a value: like {@link pyStr}, but strings quoted and escaped. */
export function pyRepr(value: PyValue): string {
  if (typeof value !== 'string') return pyStr(value);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    const c = ch.codePointAt(0) as number;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad)
      out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * Formats one value exactly as Python's `format(value, spec)` does: presentation types `d`, `b`, `o`, `x`,
 * `X`, `c`, `e`, `E`, `f`, `F`, `g`, `G`, `%`, `s`; fill/align (`<`, `>`, `^`, `=`), sign (`+`, `-`, space),
 * `z`, `#`, `0`, width, `,` / `_` grouping and precision. Floats are rounded on their exact binary value, half
 * to even (`.2f` of 0.125 is `0.12`), and an empty spec gives Python's `repr` (`1.0`, `1e-05`, `1e+16`).
 * `n` formats as in the C locale (Python's default: like `g` / `d`). A spec Python rejects throws a `BetterDLError`.
 *
 * @example
 * formatPython('.4f', 29 / 32); // '0.9062'
 * formatPython('', 1e-5); // '1e-05'
 * formatPython('02d', 3n); // '03'
 */
export function formatPython(spec: string, value: PyValue): string {
  if (typeof spec !== 'string')
    throw fail(`formatPython: spec must be a string such as '.4f', got ${typeof spec}.`);
  const typeName = typeNameOf(value);
  if (value === null || typeof value === 'boolean') {
    if (spec === '') return pyStr(value);
    if (value === null) throw fail('unsupported format string passed to NoneType.__format__.');
    return formatInt(parseSpec(spec, typeName), value ? 1n : 0n, typeName);
  }
  if (typeof value === 'string') return spec === '' ? value : formatStr(parseSpec(spec, typeName), value);
  if (typeof value === 'bigint')
    return spec === '' ? value.toString() : formatInt(parseSpec(spec, typeName), value, typeName);
  if (typeof value !== 'number') throw fail(`formatPython: cannot format a value of type ${typeof value}.`);
  const parsed = parseSpec(spec, typeName);
  if (INT_TYPES.has(parsed.type) && parsed.type !== '' && parsed.type !== 'n' && Number.isInteger(value)) {
    return formatInt(parsed, BigInt(value), 'int');
  }
  return formatFloat(parsed, value);
}

// ---------- str.format templates ----------

/** One replacement field of a template: `{key!conversion:spec}`. */
export interface PyTemplateField {
  /** The keyword name inside the braces, e.g. `val_loss`. */
  key: string;
  /** `'r'`, `'s'`, `'a'` after `!`, or `''`. */
  conversion: '' | 'r' | 's' | 'a';
  /** The format spec after `:` as written (it may hold nested `{fields}`), or `''`. */
  spec: string;
  /** The spec split into text and nested fields. */
  specParts: PyTemplatePart[];
}

/** Literal text or a replacement field of a parsed template. */
export type PyTemplatePart = string | PyTemplateField;

function badTemplate(template: string, why: string): BetterDLError {
  return fail(`Bad format template '${template}': ${why}.`);
}

function parseField(template: string, body: string, depth: number): PyTemplateField {
  let i = 0;
  while (i < body.length && body[i] !== ':' && body[i] !== '!') {
    if (body[i] === '[') {
      const close = body.indexOf(']', i);
      i = close < 0 ? body.length : close + 1;
    } else i++;
  }
  const key = body.slice(0, i);
  let conversion: PyTemplateField['conversion'] = '';
  if (body[i] === '!') {
    if (i + 1 >= body.length)
      throw badTemplate(template, `'{${body}}' ends before its conversion (!r, !s or !a)`);
    const c = body[i + 1] as string;
    if (i + 2 < body.length && body[i + 2] !== ':') {
      throw badTemplate(template, `expected ':' after the conversion in '{${body}}'`);
    }
    if (c !== 'r' && c !== 's' && c !== 'a')
      throw badTemplate(template, `unknown conversion '!${c}' (use !r, !s or !a)`);
    conversion = c;
    i += 2;
  }
  const spec = body[i] === ':' ? body.slice(i + 1) : '';
  if (key === '' || /^\d+$/.test(key)) {
    throw badTemplate(
      template,
      `'{${body}}' is a positional field; only named fields such as {epoch} or {val_loss:.4f} can be filled`,
    );
  }
  if (/[.[]/.test(key)) {
    throw badTemplate(
      template,
      `'{${body}}' uses attribute or index access, which is not supported; name a key`,
    );
  }
  if (spec.includes('{') && depth <= 1) throw badTemplate(template, 'Max string recursion exceeded');
  const specParts = spec.includes('{') ? parseTemplateAt(template, spec, depth - 1) : [spec];
  return { key, conversion, spec, specParts };
}

function parseTemplateAt(template: string, text: string, depth: number): PyTemplatePart[] {
  const parts: PyTemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '}') {
      if (text[i + 1] !== '}')
        throw badTemplate(template, "Single '}' encountered in format string (write '}}')");
      literal += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      literal += c;
      i++;
      continue;
    }
    if (text[i + 1] === '{') {
      literal += '{';
      i += 2;
      continue;
    }
    if (i + 1 >= text.length)
      throw badTemplate(template, "Single '{' encountered in format string (write '{{')");
    let count = 1;
    let j = i + 1;
    let inSpec = false;
    for (; j < text.length; j++) {
      const d = text[j];
      if (d === '[' && !inSpec) {
        const close = text.indexOf(']', j);
        if (close < 0) break;
        j = close;
      } else if (d === ':') inSpec = true;
      else if (d === '{') count++;
      else if (d === '}' && --count === 0) break;
    }
    if (j >= text.length) throw badTemplate(template, `'{' at position ${i} is never closed`);
    if (literal) parts.push(literal);
    literal = '';
    parts.push(parseField(template, text.slice(i + 1, j), depth));
    i = j + 1;
  }
  if (literal) parts.push(literal);
  return parts;
}

/**
 * Parses a Python `str.format` template with named fields (`model-{epoch:02d}-{val_loss:.4f}`): `{{` / `}}`
 * are literal braces, `!r` / `!s` / `!a` conversions and nested fields in specs (`{loss:.{digits}f}`) work.
 * Positional fields and attribute / index access are errors. Fill it with {@link fillPythonTemplate}.
 */
export function parsePythonTemplate(template: string): PyTemplatePart[] {
  if (typeof template !== 'string') throw fail(`A format template must be a string, got ${typeof template}.`);
  const parts = parseTemplateAt(template, template, 2);
  for (const p of parts) if (typeof p !== 'string' && p.specParts.length === 1) formatCheck(template, p);
  return parts;
}

/** Rejects a literal spec Python could never apply to any value (e.g. `.4q`) at parse time. */
function formatCheck(template: string, field: PyTemplateField): void {
  const spec = field.specParts[0];
  if (typeof spec !== 'string' || spec === '') return;
  for (const probe of [1.5, 1n, 'x'] as PyValue[]) {
    try {
      formatPython(spec, field.conversion ? 'x' : probe);
      return;
    } catch {
      // try the next type
    }
  }
  throw badTemplate(
    template,
    `'${spec}' in '{${field.key}:${field.spec}}' is not a format spec such as 02d or .4f`,
  );
}

function asciiRepr(value: PyValue): string {
  let out = '';
  for (const ch of pyRepr(value)) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) out += ch;
    else if (c < 0x100) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out;
}

/**
 * Fills a template parsed by {@link parsePythonTemplate} like Python's `template.format(**values)`.
 * `lookup` maps a key to its value (`undefined` when absent, which is an error naming the key).
 */
export function fillPythonTemplate(
  parts: PyTemplatePart[],
  values: Record<string, PyValue> | ((key: string) => PyValue | undefined),
): string {
  const lookup =
    typeof values === 'function'
      ? values
      : (key: string) => (Object.hasOwn(values, key) ? values[key] : undefined);
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const v = lookup(p.key);
    if (v === undefined) {
      const known = typeof values === 'function' ? '' : ` (available: ${Object.keys(values).join(', ')})`;
      throw new BetterDLError('INVALID_ARGUMENT', `Format template key '{${p.key}}' has no value${known}.`);
    }
    const spec = fillPythonTemplate(p.specParts, values);
    const converted =
      p.conversion === 'r'
        ? pyRepr(v)
        : p.conversion === 's'
          ? pyStr(v)
          : p.conversion === 'a'
            ? asciiRepr(v)
            : v;
    out += formatPython(spec, converted);
  }
  return out;
}

/**
 * Python's `template.format(**values)` for named fields.
 *
 * @example
 * formatPythonTemplate('model-{epoch:02d}-{val_loss:.4f}.keras', { epoch: 3n, val_loss: 0.90625 });
 * // 'model-03-0.9062.keras'
 */
export function formatPythonTemplate(template: string, values: Record<string, PyValue>): string {
  return fillPythonTemplate(parsePythonTemplate(template), values);
}
