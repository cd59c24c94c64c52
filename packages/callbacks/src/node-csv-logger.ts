import { existsSync, statSync, writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BetterDLError, checkBoolean, checkOptions, optionNames, pyStr } from '@betterdl/runtime';
import { toFsPath, writeFileAtomic } from '@betterdl/runtime/node';
import * as tfl from '@tensorflow/tfjs-layers';
import { resolveLogs } from './monitor';
import { assertWritable } from './node-file-io';

/** Options of {@link csvLogger}. */
export interface CSVLoggerArgs {
  /** Column separator: one character, as Python's csv module requires. Defaults to `','`. */
  separator?: string;
  /**
   * Append to an existing file (no second header) instead of overwriting it. The file's columns must be the
   * ones this fit logs (else a `BetterDLError`); a fit resumed at epoch k (`fitWithBackup`) first removes the
   * file's trailing rows of epochs >= k, so re-run epochs are not written twice. Defaults to `false`.
   */
  append?: boolean;
}

/** Python's csv module (excel dialect) ends every row with `\r\n`, whatever the platform. */
const EOL = '\r\n';

/**
 * One field as Keras's `csv.DictWriter` writes it: a float as Python's `repr` (`1.0`, `1e-05`, `nan`), a
 * missing value as `NA`, quoted (quotes doubled) only when it holds the separator, a quote or a line break.
 */
function cell(v: unknown, sep: string): string {
  if (v === undefined || v === null) return 'NA';
  const s = typeof v === 'number' || typeof v === 'bigint' ? pyStr(v) : String(v);
  return /["\r\n]/.test(s) || s.includes(sep) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes all of `text` to the open file `fd` (a write may take only part of it). */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** Splits one CSV line on `sep`, honouring double quotes. */
function splitLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (line.startsWith(sep, i)) {
      out.push(cur);
      cur = '';
      i += sep.length - 1;
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const CSV_LOGGER_OPTIONS = optionNames<CSVLoggerArgs>({ separator: true, append: true });

/**
 * Keras's columns: the first epoch's keys sorted; when none of them is a `val_` key (validation that starts
 * later, e.g. `validationFreq`), a `val_<key>` column for each key follows, filled with `NA` until it appears.
 */
function columns(first: Record<string, unknown>): string[] {
  const keys = Object.keys(first).sort();
  if (keys.length > 0 && !keys.some((k) => k.startsWith('val_'))) keys.push(...keys.map((k) => `val_${k}`));
  return keys;
}

/**
 * Streams epoch results to a CSV file, byte for byte as Keras 3's `CSVLogger` writes it for the same logs:
 * header `epoch` + the first epoch's log keys sorted (plus `val_<key>` columns when that epoch has no `val_`
 * key), one row per epoch (0-based), floats as Python prints them (`1.0`, `1e-05`), `NA` for a missing value,
 * `\r\n` line ends, written at the end of every epoch. Epoch-level: no batch hooks.
 */
export class CSVLogger extends tfl.Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  private writeHeader = true;
  private file: FileHandle | null = null;
  /** Columns of the file appended to (its header), checked against the logs at the first epoch end. */
  private existing: string[] | null = null;

  constructor(filename: string, args: CSVLoggerArgs = {}) {
    super();
    if (typeof filename !== 'string' || filename.trim() === '') {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        "csvLogger: filename is empty. Pass a path such as 'training.csv'.",
      );
    }
    checkOptions('csvLogger', args, CSV_LOGGER_OPTIONS);
    this.separator = args.separator ?? ',';
    if (typeof this.separator !== 'string' || this.separator.length !== 1 || /["\r\n]/.test(this.separator)) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `csvLogger: separator must be one character other than a quote or a line break, e.g. ',' or '\\t' ` +
          `(got ${JSON.stringify(this.separator)}).`,
      );
    }
    this.filename = toFsPath(filename);
    this.append = checkBoolean('csvLogger', 'append', args.append ?? false);
    assertWritable(dirname(this.filename), 'csvLogger');
  }

  override async onTrainBegin(_logs?: tfl.Logs): Promise<void> {
    this.keys = null;
    await mkdir(dirname(this.filename), { recursive: true });
    const exists = existsSync(this.filename) && statSync(this.filename).size > 0;
    this.writeHeader = !(this.append && exists);
    this.existing = null;
    if (this.append && exists) await this.resume();
    await this.close();
    // One handle for the whole fit: each row is one write() straight to the OS, so it is on disk-cache at
    // every epoch end without reopening the file each time.
    this.file = await open(this.filename, this.append ? 'a' : 'w');
  }

  /**
   * Appending: remembers the file's columns, and after a resume at epoch k (`initialEpoch`, as `fitWithBackup`
   * does) drops the trailing rows of epochs >= k that the crashed run wrote, so each epoch appears once.
   */
  private async resume(): Promise<void> {
    const text = await readFile(this.filename, 'utf8');
    // Lines with their own terminators (files written by older releases end rows with \n, Keras with \r\n).
    const lines = (text.match(/[^\r\n]*(?:\r\n|\n|\r|$)/g) ?? []).filter((l) => l !== '');
    const strip = (l: string) => l.replace(/[\r\n]+$/, '');
    this.existing = splitLine(strip(lines[0] ?? ''), this.separator);
    const initial = (this.params as { initialEpoch?: number } | undefined)?.initialEpoch ?? 0;
    if (initial <= 0 || this.existing[0] !== 'epoch') return;
    let keep = lines.length;
    while (keep > 1) {
      const epoch = Number(splitLine(strip(lines[keep - 1] as string), this.separator)[0]);
      if (!Number.isInteger(epoch) || epoch < initial) break;
      keep--;
    }
    if (keep < lines.length) await writeFileAtomic(this.filename, lines.slice(0, keep).join(''));
  }

  private async close(): Promise<void> {
    const f = this.file;
    this.file = null;
    await f?.close();
  }

  override async onTrainEnd(_logs?: tfl.Logs): Promise<void> {
    await this.close();
  }

  override async onEpochEnd(epoch: number, logs?: tfl.Logs): Promise<void> {
    const values = await resolveLogs(logs);
    if (this.keys === null) {
      this.keys = columns(values);
      const want = ['epoch', ...this.keys];
      if (this.existing && this.existing.join('\u0000') !== want.join('\u0000')) {
        await this.close();
        throw new BetterDLError(
          'INVALID_ARGUMENT',
          `csvLogger: ${this.filename} has the columns ${this.existing.join(this.separator)} but this fit logs ` +
            `${want.join(this.separator)}; appending would put values under the wrong headers. ` +
            'Log to a new file, or pass append: false to overwrite it.',
        );
      }
    }
    const sep = this.separator;
    let out = '';
    if (this.writeHeader) {
      out += `${['epoch', ...this.keys].map((k) => cell(k, sep)).join(sep)}${EOL}`;
      this.writeHeader = false;
    }
    out += `${[String(epoch), ...this.keys.map((k) => cell(values[k], sep))].join(sep)}${EOL}`;
    try {
      if (!this.file) this.file = await open(this.filename, 'a');
      // Synchronously, as Keras's flush: the row is with the OS when the epoch ends, and training does not
      // wait an event-loop round trip for it (on a small model that wait was as long as the epoch itself).
      writeAll(this.file.fd, out);
    } catch (err) {
      throw new BetterDLError(
        'IO_ERROR',
        `csvLogger: cannot write ${this.filename}: ${(err as Error).message}.`,
        {
          cause: err,
        },
      );
    }
  }
}

/**
 * Logs each epoch's metrics to a CSV file, like Keras `CSVLogger`.
 *
 * @example
 * callbacks: [csvLogger('runs/lesson5.csv', { append: true })]
 */
export function csvLogger(filename: string, args: CSVLoggerArgs = {}): CSVLogger {
  return new CSVLogger(filename, args);
}
