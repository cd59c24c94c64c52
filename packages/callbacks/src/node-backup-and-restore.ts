import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BetterDLError,
  checkBoolean,
  checkOptions,
  getRandomState,
  isBetterDLError,
  optionNames,
  setRandomState,
} from '@betterdl/runtime';
import { cleanFileSet, commitFileSet, removeFileSet, toFsPath } from '@betterdl/runtime/node';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { modelOptimizer } from './learning-rate';
import { assertWritable } from './node-file-io';
import {
  captureOptimizerState,
  type HostTensor,
  type OptimizerState,
  readWeights,
  restoreOptimizerState,
  writeWeights,
} from './optimizer-state';
import { ShuffleTracker } from './shuffle-order';

/** Options of {@link backupAndRestore}. */
export interface BackupAndRestoreArgs {
  /** When to back up: only `'epoch'` (tfjs `fit` cannot resume in the middle of an epoch). Defaults to `'epoch'`. */
  saveFreq?: 'epoch';
  /** Delete the backup when training ends normally. Defaults to `true`. */
  deleteCheckpoint?: boolean;
  /**
   * Must match the `shuffle` given to `fit` (tfjs does not tell callbacks): a seeded resumed run then
   * reproduces the sample order too. {@link fitWithBackup} sets it for you. Defaults to `true` (fit's default).
   */
  shuffle?: boolean;
}

const BACKUP_OPTIONS = optionNames<BackupAndRestoreArgs>({
  saveFreq: true,
  deleteCheckpoint: true,
  shuffle: true,
});

type Spec = Omit<HostTensor, 'values'> & { offset: number; length: number };
interface StateFile {
  format: 'betterdl-backup';
  /** 1: data in `data.bin` (older releases); 2: data in the file `files[0]` names (crash-safe commit). */
  version: 1 | 2;
  files?: string[];
  /** Last finished epoch (0-based). */
  epoch: number;
  randomState: { seed: number; state: number[] } | null;
  /** fit's sample order after that epoch's shuffle (seeded, shuffled runs only). */
  order: number[] | null;
  weights: Spec[];
  optimizer: Omit<OptimizerState, 'slots'> & { slots: Spec[] };
}

const KIND = 'backup';
const MANIFEST = 'state.json';

const ARRAYS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

function pack(tensors: HostTensor[], chunks: Uint8Array[], offset: { n: number }): Spec[] {
  return tensors.map((t) => {
    const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    chunks.push(bytes.slice());
    const spec = { name: t.name, shape: t.shape, dtype: t.dtype, offset: offset.n, length: bytes.byteLength };
    offset.n += bytes.byteLength;
    return spec;
  });
}

function unpack(specs: Spec[], data: Uint8Array): HostTensor[] {
  return specs.map((s) => {
    const Ctor = ARRAYS[s.dtype as keyof typeof ARRAYS];
    if (!Ctor)
      throw new BetterDLError(
        'INVALID_DATA',
        `backupAndRestore: unsupported dtype ${s.dtype} in the backup.`,
      );
    const size = s.shape.reduce((a, b) => a * b, 1) * Ctor.BYTES_PER_ELEMENT;
    if (s.length !== size || s.offset < 0 || s.offset + s.length > data.length) {
      throw new BetterDLError(
        'INVALID_DATA',
        `backupAndRestore: data.bin of the backup is truncated or does not match state.json: tensor '${s.name}' ` +
          `(shape [${s.shape.join(', ')}], ${size} bytes) needs bytes ${s.offset}..${s.offset + s.length} but the ` +
          `file has ${data.length}. Delete the backup directory to start afresh.`,
      );
    }
    const copy = data.slice(s.offset, s.offset + s.length);
    return { name: s.name, shape: s.shape, dtype: s.dtype, values: new Ctor(copy.buffer) };
  });
}

/**
 * Keras `BackupAndRestore` for tfjs: after every epoch it saves the weights, the optimizer state (moments,
 * step count, learning rate) and the seeded random generator's state to `backupDir` (`state.json` and one
 * data file), by a crash-safe commit: a kill or power cut at any instant leaves the previous or the new
 * backup complete, never neither, and other files in `backupDir` are never touched. When a run
 * that crashed is started again, it puts all of that back at `onTrainBegin`, so the run continues exactly
 * (with `setSeed`, bit-for-bit) where the last finished epoch left it. The backup is deleted when training
 * ends normally (its own files only; the directory is removed if it is then empty).
 *
 * A callback cannot move `fit`'s first epoch, so pass the epoch to resume from:
 * `model.fit(x, y, { epochs, initialEpoch: await backup.initialEpoch(), callbacks: [..., backup] })`, or use
 * {@link fitWithBackup}, which does that. Put it last in the callbacks list, so that it saves what the other
 * callbacks changed at the end of the epoch (a reduced learning rate, for instance). Other callbacks' own
 * counters (early-stopping patience, ...) are not saved, as in Keras.
 */
export class BackupAndRestore extends tfl.Callback {
  readonly backupDir: string;
  readonly deleteCheckpoint: boolean;
  readonly shuffle: boolean;
  private tracker: ShuffleTracker | null = null;
  private legacy = false;
  /** The epoch (0-based) the last fit resumed from, or `null` when it started afresh. */
  resumedFrom: number | null = null;

  constructor(backupDir: string, args: BackupAndRestoreArgs = {}) {
    super();
    if (typeof backupDir !== 'string' || backupDir.trim() === '') {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        "backupAndRestore: backupDir is empty. Pass a directory such as './backup'.",
      );
    }
    checkOptions('backupAndRestore', args, BACKUP_OPTIONS);
    if ((args.saveFreq ?? 'epoch') !== 'epoch') {
      throw new BetterDLError(
        'UNSUPPORTED',
        "backupAndRestore: only saveFreq: 'epoch' is supported; tfjs fit() cannot resume in the middle of an epoch.",
      );
    }
    this.backupDir = toFsPath(backupDir);
    this.deleteCheckpoint = checkBoolean(
      'backupAndRestore',
      'deleteCheckpoint',
      args.deleteCheckpoint ?? true,
    );
    this.shuffle = checkBoolean('backupAndRestore', 'shuffle', args.shuffle ?? true);
    assertWritable(this.backupDir, 'backupAndRestore');
  }

  private async readState(): Promise<{ state: StateFile; data: Uint8Array } | null> {
    const dir = this.backupDir;
    let text: string;
    try {
      text = await readFile(join(dir, MANIFEST), 'utf8');
    } catch (err) {
      if (
        (err as NodeJS.ErrnoException).code === 'ENOENT' ||
        (err as NodeJS.ErrnoException).code === 'ENOTDIR'
      )
        return null;
      throw new BetterDLError(
        'IO_ERROR',
        `backupAndRestore: cannot read ${join(dir, MANIFEST)}: ${(err as Error).message}.`,
        {
          cause: err,
        },
      );
    }
    try {
      const state = JSON.parse(text) as StateFile;
      if (state.format !== 'betterdl-backup') throw new Error('not a betterdl backup');
      this.legacy = state.version === 1;
      const file = state.version === 1 ? 'data.bin' : state.files?.[0];
      if (typeof file !== 'string' || /[\\/]/.test(file)) throw new Error('state.json names no data file');
      const data = new Uint8Array(await readFile(join(dir, file)));
      const need = [...state.weights, ...state.optimizer.slots].reduce(
        (n, w) => Math.max(n, w.offset + w.length),
        0,
      );
      if (data.byteLength !== need) {
        const specs = [...state.weights, ...state.optimizer.slots];
        const cut = specs.find((w) => w.offset + w.length > data.byteLength);
        throw new BetterDLError(
          'INVALID_DATA',
          `backupAndRestore: ${file} of the backup in ${dir} holds ${data.byteLength} bytes but state.json ` +
            `describes ${need} (truncated or replaced)` +
            (cut ? `: tensor '${cut.name}' needs bytes ${cut.offset}..${cut.offset + cut.length}` : '') +
            '. Delete the backup directory to start afresh.',
        );
      }
      await cleanFileSet(dir, MANIFEST).catch(() => {});
      return { state, data };
    } catch (err) {
      if (isBetterDLError(err)) throw err;
      throw new BetterDLError(
        'IO_ERROR',
        `backupAndRestore: the backup in ${dir} cannot be read (${(err as Error).message}). Delete it to start afresh.`,
        { cause: err },
      );
    }
  }

  /** The epoch `fit` must start from: the last backed-up epoch + 1, or 0 when there is no backup. */
  async initialEpoch(): Promise<number> {
    const saved = await this.readState();
    return saved ? saved.state.epoch + 1 : 0;
  }

  override async onTrainBegin(_logs?: tfl.Logs): Promise<void> {
    this.resumedFrom = null;
    const saved = await this.readState();
    const samples = (this.params as { samples?: number } | undefined)?.samples;
    this.tracker =
      this.shuffle && typeof samples === 'number'
        ? new ShuffleTracker(samples, saved?.state.order ?? null)
        : null;
    if (!saved || !this.model) return;
    const { state, data } = saved;
    const initial = (this.params as { initialEpoch?: number } | undefined)?.initialEpoch ?? 0;
    if (initial !== state.epoch + 1) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `backupAndRestore: ${this.backupDir} holds a backup taken after epoch ${state.epoch + 1}, but fit() starts at ` +
          `epoch ${initial + 1}. Pass initialEpoch: await backup.initialEpoch() (= ${state.epoch + 1}) to fit(), ` +
          'use fitWithBackup(), or delete the backup directory to start afresh.',
      );
    }
    writeWeights(this.model, unpack(state.weights, data));
    const optimizer = modelOptimizer(this.model, 'backupAndRestore');
    await restoreOptimizerState(optimizer, {
      ...state.optimizer,
      slots: unpack(state.optimizer.slots, data),
    });
    if (state.randomState) setRandomState(state.randomState);
    this.resumedFrom = state.epoch + 1;
  }

  override async onEpochBegin(_epoch: number): Promise<void> {
    if (this.tracker && !this.tracker.beforeShuffle()) this.tracker = null;
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    this.tracker?.release();
    if (!this.model) return;
    const optimizer = modelOptimizer(this.model, 'backupAndRestore');
    const weights = await readWeights(this.model);
    const opt = await captureOptimizerState(optimizer);
    const chunks: Uint8Array[] = [];
    const offset = { n: 0 };
    const state: StateFile = {
      format: 'betterdl-backup',
      version: 2,
      epoch,
      randomState: getRandomState(),
      order: this.tracker ? this.tracker.order : null,
      weights: pack(weights, chunks, offset),
      optimizer: { ...opt, slots: pack(opt.slots, chunks, offset) },
    };
    const data = new Uint8Array(offset.n);
    let at = 0;
    for (const c of chunks) {
      data.set(c, at);
      at += c.byteLength;
    }
    await commitFileSet({
      dir: this.backupDir,
      manifest: MANIFEST,
      kind: KIND,
      who: 'backupAndRestore',
      overwrite: this.legacy,
      blobs: [{ label: 'data', data }],
      render: (names) => ({ ...state, files: names }) as unknown as Record<string, unknown>,
    });
    if (this.legacy) await removeLegacy(this.backupDir);
    this.legacy = false;
  }

  override async onTrainEnd(_logs?: tfl.Logs): Promise<void> {
    if (!this.deleteCheckpoint) return;
    await removeFileSet(this.backupDir, MANIFEST, KIND);
  }
}

async function removeLegacy(dir: string): Promise<void> {
  await rm(join(dir, 'data.bin'), { force: true });
}

/** Backs up training state every epoch so that a crashed run can resume exactly; see {@link BackupAndRestore}. */
export function backupAndRestore(backupDir: string, args: BackupAndRestoreArgs = {}): BackupAndRestore {
  return new BackupAndRestore(backupDir, args);
}

/**
 * `model.fit` that survives crashes: resumes from the backup in `backupDir` if one exists (at the right epoch,
 * with weights, optimizer and random state restored), backs up after every epoch, and deletes the backup when
 * training completes. Run the same script again after a crash.
 *
 * @example
 * setSeed(42);
 * const history = await fitWithBackup(model, x, y, { epochs: 100, validationSplit: 0.2 }, './backup');
 */
export async function fitWithBackup(
  model: tfl.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor | tf.Tensor[],
  fitArgs: tfl.ModelFitArgs,
  backupDir: string,
  args: BackupAndRestoreArgs = {},
): Promise<tfl.History> {
  const backup = backupAndRestore(backupDir, { shuffle: fitArgs.shuffle !== false, ...args });
  const given = fitArgs.callbacks;
  const others = given === undefined ? [] : Array.isArray(given) ? given : [given];
  return model.fit(x, y, {
    ...fitArgs,
    initialEpoch: await backup.initialEpoch(),
    callbacks: [
      ...others.map((c) =>
        typeof (c as tfl.Callback).setParams === 'function'
          ? (c as tfl.Callback)
          : new tfl.CustomCallback(c as tfl.CustomCallbackArgs),
      ),
      backup,
    ],
  });
}
