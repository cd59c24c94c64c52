import { appendFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BetterDLError, checkArgument, checkInteger, checkOptions } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { tfRecord } from './crc32c';
import { encodeEvent, type SummaryValue } from './event-proto';
import { dropRerunEvents } from './node-tensor-board-resume';
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

  /** Resolves when every queued write is on disk. */
  async flush(): Promise<void> {
    await this.ready.catch(() => {});
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
 * weight histograms. View them with `tensorboard --logdir <logdir>`. A fit resumed at epoch k (`initialEpoch`,
 * as `fitWithBackup` does after a crash) first removes the events of epochs >= k from the event files already
 * in `logdir`, and numbers batch steps on from k × batches per epoch, so re-run epochs are not shown twice.
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
    checkArgument(
      typeof logdir === 'string' && logdir !== '',
      'tensorBoard',
      'logdir must be a directory path such as "logs/run1".',
    );
    checkOptions('tensorBoard', args, ['histogramFreq', 'updateFreq', 'bins']);
    this.logdir = logdir;
    this.histogramFreq = checkInteger(
      'tensorBoard',
      'histogramFreq',
      args.histogramFreq ?? 0,
      { min: 0 },
      '(0 disables histograms.)',
    );
    const freq = args.updateFreq ?? 'epoch';
    this.updateFreq =
      freq === 'epoch'
        ? freq
        : checkInteger('tensorBoard', 'updateFreq', freq, { min: 1 }, "Pass 'epoch' or a number of batches.");
    this.bins = checkInteger('tensorBoard', 'bins', args.bins ?? 30, { min: 1 });
  }

  /** The event files written so far: `{ train, validation }` paths. */
  get files(): { train?: string; validation?: string } {
    return { train: this.train?.path, validation: this.validation?.path };
  }

  override async onTrainBegin(): Promise<void> {
    // A resumed fit (fitWithBackup, initialEpoch k > 0) re-runs epochs that may already be logged: drop the
    // epoch-level events at steps >= k so that every epoch appears once.
    // Batch steps count on across the resume (as Keras's global step does), from k × batches per epoch.
    const p = (this.params ?? {}) as {
      initialEpoch?: number;
      steps?: number;
      samples?: number;
      batchSize?: number;
    };
    const initial = p.initialEpoch ?? 0;
    const perEpoch = p.steps ?? (p.samples && p.batchSize ? Math.ceil(p.samples / p.batchSize) : 0);
    this.batches = initial * perEpoch;
    if (initial > 0) {
      await this.train?.flush();
      await this.validation?.flush();
      for (const sub of ['train', 'validation'])
        await dropRerunEvents(join(this.logdir, sub), initial, this.batches);
    }
    this.train ??= new EventFileWriter(join(this.logdir, 'train'));
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
