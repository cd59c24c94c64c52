import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BetterDLError, isBetterDLError } from '@betterdl/runtime';
import { type CsvDataset, type CsvOptions, isUrl, loadCsv as loadCsvAnywhere, parseCsv } from './load-csv';

/**
 * Loads a CSV table from a file path (or `file:` URL), an http(s) URL, or CSV text, into tensors (see `parseCsv` for the options and
 * the errors). This is the Node version of `loadCsv`; the main entry's version has no file access.
 *
 * @example
 * const { x, y } = await loadCsv('data/diabetes.csv', { label: 'target' });
 */
export async function loadCsv(source: string | URL, options: CsvOptions = {}): Promise<CsvDataset> {
  if (source instanceof URL || /^file:/i.test(source)) source = fileURLToPath(source);
  if (!isUrl(source) && !/[\n\r]/.test(source) && existsSync(source)) {
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
  return loadCsvAnywhere(source, options);
}
