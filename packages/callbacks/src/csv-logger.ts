import { existsSync, statSync } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BetterDLError } from '@betterdl/runtime';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertWritable, toFsPath } from './file-io';
import { resolveLogs } from './monitor';

/** Options of {@link csvLogger}. */
export interface CSVLoggerArgs {
  /** Column separator. Defaults to `','`. */
  separator?: string;
  /** Append to an existing file (no second header) instead of overwriting it. Defaults to `false`. */
  append?: boolean;
}

function cell(v: unknown, sep: string): string {
  if (v === undefined || v === null) return 'NA';
  const s = typeof v === 'number' ? (Number.isNaN(v) ? 'nan' : String(v)) : String(v);
  return s.includes(sep) || s.includes('"') || s.includes('\n') ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Streams epoch results to a CSV file (Keras `CSVLogger`): header `epoch` + the log keys sorted, one row per
 * epoch (0-based), `NA` for a missing value, written at the end of every epoch. Epoch-level: no batch hooks.
 */
export class CSVLogger extends tfl.Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  private writeHeader = true;
  private file: FileHandle | null = null;

  constructor(filename: string, args: CSVLoggerArgs = {}) {
    super();
    if (typeof filename !== 'string' || filename.trim() === '') {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        "csvLogger: filename is empty. Pass a path such as 'training.csv'.",
      );
    }
    this.separator = args.separator ?? ',';
    if (typeof this.separator !== 'string' || this.separator === '' || /["\n]/.test(this.separator)) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `csvLogger: separator must be a non-empty string without quotes or newlines, e.g. ',' or '\\t'.`,
      );
    }
    this.filename = toFsPath(filename);
    this.append = args.append ?? false;
    assertWritable(dirname(this.filename), 'csvLogger');
  }

  override async onTrainBegin(_logs?: tfl.Logs): Promise<void> {
    this.keys = null;
    await mkdir(dirname(this.filename), { recursive: true });
    const exists = existsSync(this.filename) && statSync(this.filename).size > 0;
    this.writeHeader = !(this.append && exists);
    await this.close();
    // One handle for the whole fit: each row is one write() straight to the OS, so it is on disk-cache at
    // every epoch end without reopening the file each time.
    this.file = await open(this.filename, this.append ? 'a' : 'w');
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
    if (this.keys === null) this.keys = Object.keys(values).sort();
    const sep = this.separator;
    let out = '';
    if (this.writeHeader) {
      out += `${['epoch', ...this.keys].map((k) => cell(k, sep)).join(sep)}\n`;
      this.writeHeader = false;
    }
    out += `${[String(epoch), ...this.keys.map((k) => cell(values[k], sep))].join(sep)}\n`;
    try {
      if (!this.file) this.file = await open(this.filename, 'a');
      await this.file.write(out);
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
