import { appendFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BetterDLError, check } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { tfRecord } from './crc32c';
import { encodeEvent, type SummaryValue } from './event-proto';
import { tensorHistogram } from './tensor-histogram';

/** Arguments of {@link tensorBoard}. */
export interface TensorBoardArgs {
  /** Write weight histograms every this many epochs (0: never). Defaults to `0`. */
  histogramFreq?: number;
  /** `'epoch'` writes `epoch_*` scalars once per epoch; a number N also writes `batch_*` scalars every N batches. Defaults to `'epoch'`. */
  updateFreq?: 'epoch' | number;
  /** Buckets per weight histogram. Defaults to `30`. */
  bins?: number;
}

let fileCounter = 0;

/** tfjs passes some log values (e.g. `val_loss`) as scalar tensors; read them without disposing (tfjs owns them). */
async function readLogs(logs: tfl.Logs | undefined): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  for (const [k, v] of Object.entries((logs ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'number') out.push([k, v]);
    else if (v instanceof tf.Tensor && v.size === 1) out.push([k, (await v.data())[0] as number]);
  }
  return out;
}

/** Appends TFRecord-framed Event protos to one `events.out.tfevents.*` file. */
export class EventFileWriter {
  /** The event file's path. */
  readonly path: string;
  private ready: Promise<void>;

  constructor(dir: string) {
    const now = Date.now() / 1000;
    this.path = join(
      dir,
      `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}.${fileCounter++}.v2`,
    );
    this.ready = mkdir(dir, { recursive: true }).then(() =>
      appendFile(this.path, tfRecord(encodeEvent({ wallTime: now, fileVersion: 'brain.Event:2' }))),
    );
  }

  /** Appends one Event with the summary `values` at `step`. Writes are queued in call order. */
  write(step: number, values: SummaryValue[]): Promise<void> {
    const record = tfRecord(encodeEvent({ wallTime: Date.now() / 1000, step, values }));
    this.ready = this.ready.then(() => appendFile(this.path, record));
    return this.ready.catch((err) => {
      throw new BetterDLError(
        'IO_ERROR',
        `tensorBoard: cannot write ${this.path}: ${(err as Error).message}.`,
        { cause: err },
      );
    });
  }
}

/**
 * A callback that writes TensorBoard event files in pure TypeScript, on every backend (no tfjs-node /
 * libtensorflow): `epoch_<metric>` scalars to `<logdir>/train` and `<logdir>/validation`, like Keras, and
 * weight histograms. View them with `tensorboard --logdir <logdir>`.
 */
export class TensorBoard extends tfl.Callback {
  /** The log directory. */
  readonly logdir: string;
  private readonly histogramFreq: number;
  private readonly updateFreq: 'epoch' | number;
  private readonly bins: number;
  private train?: EventFileWriter;
  private validation?: EventFileWriter;
  private batches = 0;

  constructor(logdir: string, args: TensorBoardArgs = {}) {
    super();
    check(
      typeof logdir === 'string' && logdir !== '',
      'tensorBoard: logdir must be a directory path such as "logs/run1".',
    );
    this.logdir = logdir;
    this.histogramFreq = args.histogramFreq ?? 0;
    this.updateFreq = args.updateFreq ?? 'epoch';
    this.bins = args.bins ?? 30;
    check(
      Number.isInteger(this.histogramFreq) && this.histogramFreq >= 0,
      `tensorBoard: histogramFreq must be an integer >= 0 (0 disables histograms), got ${args.histogramFreq}.`,
    );
    check(
      this.updateFreq === 'epoch' || (Number.isInteger(this.updateFreq) && this.updateFreq >= 1),
      `tensorBoard: updateFreq must be 'epoch' or a positive number of batches, got ${String(args.updateFreq)}.`,
    );
    check(
      Number.isInteger(this.bins) && this.bins >= 1,
      `tensorBoard: bins must be a positive integer, got ${args.bins}.`,
    );
  }

  /** The event files written so far: `{ train, validation }` paths. */
  get files(): { train?: string; validation?: string } {
    return { train: this.train?.path, validation: this.validation?.path };
  }

  override async onTrainBegin(): Promise<void> {
    this.train ??= new EventFileWriter(join(this.logdir, 'train'));
    this.batches = 0;
  }

  override async onBatchEnd(_batch: number, logs?: tfl.Logs): Promise<void> {
    this.batches++;
    if (this.updateFreq === 'epoch' || this.batches % this.updateFreq !== 0 || !logs) return;
    const values = (await readLogs(logs))
      .filter(([k]) => k !== 'batch' && k !== 'size')
      .map(([k, v]) => ({ tag: `batch_${k}`, simpleValue: v }));
    if (values.length) await this.train?.write(this.batches, values);
  }

  override async onEpochEnd(epoch: number, logs?: tfl.Logs): Promise<void> {
    const train: SummaryValue[] = [];
    const val: SummaryValue[] = [];
    for (const [k, v] of await readLogs(logs)) {
      if (k.startsWith('val_')) val.push({ tag: `epoch_${k.slice(4)}`, simpleValue: v });
      else train.push({ tag: `epoch_${k}`, simpleValue: v });
    }
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0) {
      const model = this.model as unknown as tfl.LayersModel;
      for (const w of model.weights) {
        // read() returns the variable's own tensor: do not dispose it.
        const h = await tensorHistogram(w.read(), this.bins);
        train.push({
          tag: w.name,
          histo: {
            min: h.min,
            max: h.max,
            num: h.count,
            sum: h.sum,
            sumSquares: h.sumSquares,
            bucketLimit: h.edges.slice(1),
            bucket: h.counts,
          },
        });
      }
    }
    this.train ??= new EventFileWriter(join(this.logdir, 'train'));
    if (train.length) await this.train.write(epoch, train);
    if (val.length) {
      this.validation ??= new EventFileWriter(join(this.logdir, 'validation'));
      await this.validation.write(epoch, val);
    }
  }
}

/**
 * Creates a {@link TensorBoard} callback.
 *
 * @example
 * await model.fit(x, y, { epochs: 20, validationSplit: 0.2, callbacks: [tensorBoard('logs/run1', { histogramFreq: 1 })] });
 * // then: tensorboard --logdir logs
 */
export function tensorBoard(logdir: string, args: TensorBoardArgs = {}): TensorBoard {
  return new TensorBoard(logdir, args);
}
