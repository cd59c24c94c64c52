import {
  BetterDLError,
  checkOneOf,
  checkOptions,
  invalidData,
  optionNames,
  requireBackend,
} from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link parseCsv} and `loadCsv`. */
export interface CsvOptions {
  /** The target column, by header name or 0-based index. Defaults to none (`y` is null). */
  label?: string | number;
  /** The feature columns, by name or index, in the order wanted. Defaults to every column except `label`. */
  features?: Array<string | number>;
  /** Whether the first row holds column names. Defaults to true. */
  header?: boolean;
  /** Field separator. Defaults to `','`. */
  delimiter?: string;
  /**
   * How to read the `label` column: `'number'` (every cell a decimal number), `'class'` (every cell a class
   * name, blanks included; `yValues` index into the sorted `classes`), or `'auto'`: numbers when every cell is a
   * number, class names when none is. In `'auto'` a blank label, or a column mixing numbers and text, is an
   * `INVALID_DATA` error naming the line, never silently class labels. Defaults to `'auto'`.
   */
  labelType?: 'auto' | 'number' | 'class';
}

const CSV_OPTIONS = optionNames<CsvOptions>({
  label: true,
  features: true,
  header: true,
  delimiter: true,
  labelType: true,
});

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number cell (`1`, `-2.5`, `.5`, `1e-3`) as a number; anything else (`0x1A`, `1_000`, blank) NaN. */
export function parseDecimal(cell: string): number {
  return DECIMAL.test(cell) ? Number(cell) : Number.NaN;
}

/** A parsed CSV table: tensors for training plus the exact values. */
export interface CsvDataset {
  /** Features, float32 `[n, f]`. */
  x: tf.Tensor2D;
  /** Target, float32 `[n, 1]`, or null without a `label` column. */
  y: tf.Tensor2D | null;
  /** Exact feature values, row-major float64. */
  xValues: Float64Array;
  /** Exact targets (class indices when the label column is text), or null. */
  yValues: Float64Array | null;
  /** Names of the feature columns (`column0`... without a header). */
  featureNames: string[];
  /** When the label column is text: the class names, sorted; `yValues` index into them. Else null. */
  classes: string[] | null;
  /** Number of rows. */
  nSamples: number;
  /** Number of feature columns. */
  nFeatures: number;
}

/** Splits CSV text into rows of fields (RFC 4180 quoting), with the 1-based line number of each row. */
export function splitCsv(text: string, delimiter = ','): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]?.trim() === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
  }
  if (quoted) throw invalidData('loadCsv', `unterminated quoted field starting on line ${rowLine}.`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/**
 * Parses CSV text into feature and target tensors. Numeric cells only in feature columns; a text label
 * column becomes class indices (see `classes`). Ragged rows and non-numeric cells are errors naming the
 * line and column. Works anywhere (no file system); `loadCsv` also reads URLs and, from
 * `@betterdl/datasets/node`, files.
 *
 * @example
 * const { x, y } = parseCsv('a,b,target\n1,2,0\n3,4,1\n', { label: 'target' });
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  checkOptions('loadCsv', options, CSV_OPTIONS);
  requireBackend('parseCsv');
  const { header = true, delimiter = ',' } = options;
  const labelType = checkOneOf('loadCsv', 'labelType', options.labelType ?? 'auto', [
    'auto',
    'number',
    'class',
  ]);
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `loadCsv: delimiter must be one character (not a quote or newline), got ${JSON.stringify(delimiter)}.`,
    );
  }
  const rows = splitCsv(text, delimiter);
  const head = header ? rows.shift() : undefined;
  const width = head?.fields.length ?? rows[0]?.fields.length ?? 0;
  if (rows.length === 0) throw invalidData('loadCsv', 'no data rows found.');
  const names = head
    ? head.fields.map((f) => f.trim())
    : Array.from({ length: width }, (_, i) => `column${i}`);
  const col = (ref: string | number, what: string): number => {
    const i = typeof ref === 'number' ? ref : names.indexOf(ref);
    if (!Number.isInteger(i) || i < 0 || i >= width) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `loadCsv: ${what} column ${JSON.stringify(ref)} not found; columns are ${names.join(', ')}.`,
      );
    }
    return i;
  };
  const labelCol = options.label === undefined ? -1 : col(options.label, 'label');
  const featureCols = options.features
    ? options.features.map((f) => col(f, 'feature'))
    : names.map((_, i) => i).filter((i) => i !== labelCol);
  if (featureCols.length === 0)
    throw invalidData('loadCsv', 'no feature columns left; pass features or a wider table.');
  const n = rows.length;
  const f = featureCols.length;
  const xValues = new Float64Array(n * f);
  const rawLabels: string[] = [];
  rows.forEach((row, r) => {
    if (row.fields.length !== width) {
      throw invalidData(
        'loadCsv',
        `line ${row.line} has ${row.fields.length} fields but ${header ? 'the header' : 'the first row'} has ${width} (ragged row; check for a stray delimiter or missing value).`,
      );
    }
    featureCols.forEach((c, j) => {
      const cell = (row.fields[c] as string).trim();
      const v = parseDecimal(cell);
      if (!Number.isFinite(v)) {
        throw invalidData(
          'loadCsv',
          `line ${row.line}, column "${names[c]}": ${JSON.stringify(cell)} is not a number (cells are read as decimal numbers only). Clean the data or leave the column out with features.`,
        );
      }
      xValues[r * f + j] = v;
    });
    if (labelCol >= 0) rawLabels.push((row.fields[labelCol] as string).trim());
  });
  let yValues: Float64Array | null = null;
  let classes: string[] | null = null;
  if (labelCol >= 0) {
    const nums = rawLabels.map(parseDecimal);
    const where = (i: number) => `line ${rows[i]?.line}, label column "${names[labelCol]}"`;
    if (labelType !== 'class') {
      const blank = rawLabels.indexOf('');
      const firstNum = nums.findIndex(Number.isFinite);
      const firstText = nums.findIndex((v, i) => !Number.isFinite(v) && rawLabels[i] !== '');
      if (blank >= 0 && (labelType === 'number' || firstText < 0)) {
        throw invalidData(
          'loadCsv',
          `${where(blank)}: the label is blank. Fill or drop that row, or pass labelType: 'class' to read the column as class names.`,
        );
      }
      if (firstText >= 0 && (labelType === 'number' || firstNum >= 0)) {
        throw invalidData(
          'loadCsv',
          `${where(firstText)}: ${JSON.stringify(rawLabels[firstText])} is not a decimal number` +
            (labelType === 'number'
              ? '.'
              : ` but ${where(firstNum)} is (${JSON.stringify(rawLabels[firstNum])}); pass labelType: 'class' to read every label as a class name, or fix the cell.`),
        );
      }
      if (blank >= 0) {
        throw invalidData(
          'loadCsv',
          `${where(blank)}: the label is blank. Fill or drop that row, or pass labelType: 'class' to keep '' as a class.`,
        );
      }
    }
    if (labelType !== 'class' && nums.every(Number.isFinite)) yValues = Float64Array.from(nums);
    else {
      classes = Array.from(new Set(rawLabels)).sort();
      const index = new Map(classes.map((c, i) => [c, i]));
      yValues = Float64Array.from(rawLabels, (s) => index.get(s) as number);
    }
  }
  return {
    x: tf.tensor2d(Float32Array.from(xValues), [n, f], 'float32'),
    y: yValues ? tf.tensor2d(Float32Array.from(yValues), [n, 1], 'float32') : null,
    xValues,
    yValues,
    featureNames: featureCols.map((c) => names[c] as string),
    classes,
    nSamples: n,
    nFeatures: f,
  };
}

/** True when `source` should be fetched rather than parsed as text. */
export function isUrl(source: string): boolean {
  return /^(https?|data|blob):/i.test(source.trim());
}

/**
 * Loads a CSV table from a URL (fetched) or from CSV text, into tensors (see {@link parseCsv}). In Node,
 * import it from `@betterdl/datasets/node` to also read file paths.
 *
 * @example
 * const { x, y, classes } = await loadCsv('https://example.com/iris.csv', { label: 'species' });
 */
export async function loadCsv(source: string, options: CsvOptions = {}): Promise<CsvDataset> {
  requireBackend('loadCsv');
  if (isUrl(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new BetterDLError('IO_ERROR', `loadCsv: ${source} answered HTTP ${res.status}.`);
    return parseCsv(await res.text(), options);
  }
  if (!/[\n\r]/.test(source) && !source.includes(options.delimiter ?? ',')) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `loadCsv: ${JSON.stringify(source)} is neither a URL nor CSV text. To read a file, import loadCsv from '@betterdl/datasets/node'.`,
    );
  }
  return parseCsv(source, options);
}
