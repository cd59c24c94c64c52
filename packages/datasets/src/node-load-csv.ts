import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BetterDLError, isBetterDLError } from '@betterdl/runtime';
import { toFsPath } from '@betterdl/runtime/node';
import { type CsvDataset, type CsvOptions, isUrl, loadCsv as loadCsvAnywhere, parseCsv } from './load-csv';

/**
 * Loads a CSV table from a file path (or `file:` URL, absolute or `file://./relative`), an http(s) URL, or CSV text, into tensors (see `parseCsv` for the options and
 * the errors). This is the Node version of `loadCsv`; the main entry's version has no file access.
 *
 * @example
 * const { x, y } = await loadCsv('data/diabetes.csv', { label: 'target' });
 */
export async function loadCsv(source: string | URL, options: CsvOptions = {}): Promise<CsvDataset> {
  const fileUrl = source instanceof URL || /^file:/i.test(source);
  if (fileUrl && !existsSync(toFsPath(source))) {
    throw new BetterDLError(
      'IO_ERROR',
      `loadCsv: ${toFsPath(source)} (from ${String(source)}) does not exist. Check the path; file://./x is relative to the working directory.`,
    );
  }
  if (source instanceof URL) source = toFsPath(source);
  if (fileUrl || (!isUrl(source) && !/[\n\r]/.test(source) && existsSync(toFsPath(source)))) {
    source = toFsPath(source);
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      throw new BetterDLError('IO_ERROR', `loadCsv: cannot read ${source}: ${(err as Error).message}.`, {
        cause: err,
      });
    }
    try {
      return parseCsv(text, options);
    } catch (err) {
      if (isBetterDLError(err))
        throw new BetterDLError(err.code, err.message.replace('loadCsv:', `loadCsv: ${source}:`), {
          cause: err,
        });
      throw err;
    }
  }
  if (!isUrl(source) && !/[\n\r]/.test(source)) {
    throw new BetterDLError(
      'IO_ERROR',
      `loadCsv: no file ${JSON.stringify(source)} (looked for ${resolve(source)}). Check the path; CSV text ` +
        'passed directly needs at least one line break, a string without one is read as a file path.',
    );
  }
  return loadCsvAnywhere(source, options);
}
