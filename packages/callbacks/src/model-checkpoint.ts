import {
  BetterDLError,
  checkBoolean,
  checkFinite,
  checkInteger,
  checkOptions,
  checkString,
  formatPython,
  optionNames,
} from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  checkMode,
  isImprovement,
  type MonitorMode,
  missingMonitorMessage,
  readMonitor,
  resolveLogs,
  resolveMode,
  tfjsMonitorName,
} from './monitor';
import { fillTemplate, parseTemplate, type TemplateField } from './path-template';
import { type SaveTarget, saveModel } from './save-model';

/** Options of {@link modelCheckpoint}. */
export interface ModelCheckpointArgs {
  /** Quantity compared when `saveBestOnly`; Keras names (`val_accuracy`) work. Defaults to `'val_loss'`. */
  monitor?: string;
  /** `1` prints each save / non-improvement. Defaults to `0`. */
  verbose?: number;
  /** Save only when `monitor` improves. Defaults to `false`. */
  saveBestOnly?: boolean;
  /** Save the weights without the topology. Defaults to `false`. */
  saveWeightsOnly?: boolean;
  /** `'min'`, `'max'`, or `'auto'` (inferred from the monitor's name). Defaults to `'auto'`. */
  mode?: MonitorMode;
  /** `'epoch'`, or save every this many batches (this adds a batch hook). Defaults to `'epoch'`. */
  saveFreq?: 'epoch' | number;
  /** The best value to beat at the start (only with `saveBestOnly`). Defaults to `null` (none). */
  initialValueThreshold?: number | null;
  /**
   * Node entry only: replace a `model.json` that another program wrote at the checkpoint path (and the weights
   * it names) instead of failing. betterdl's own earlier checkpoints are always replaced. Defaults to `false`.
   */
  overwrite?: boolean;
}

const MODEL_CHECKPOINT_OPTIONS = optionNames<ModelCheckpointArgs>({
  overwrite: true,
  monitor: true,
  verbose: true,
  saveBestOnly: true,
  saveWeightsOnly: true,
  mode: true,
  saveFreq: true,
  initialValueThreshold: true,
});

/** Turns a filled-in path into a save target; the node entry supplies one that handles `file://`. */
export type TargetResolver = (path: string) => SaveTarget;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The browser-safe resolver: tfjs IO URLs only. */
export function urlResolver(path: string): SaveTarget {
  return path;
}

function checkBrowserPath(filepath: string): void {
  if (!SCHEME.test(filepath)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `modelCheckpoint: '${filepath}' is not a tfjs IO URL. In the browser use indexeddb://name, localstorage://name ` +
        "or downloads://name; for file paths in Node import modelCheckpoint from '@betterdl/callbacks/node'.",
    );
  }
  const scheme = (filepath.match(SCHEME) as RegExpMatchArray)[0];
  if (tf.io.getSaveHandlers(`${scheme}betterdl-probe`).length === 0) {
    throw new BetterDLError(
      'UNSUPPORTED',
      `modelCheckpoint: no tfjs save handler is registered for ${scheme} here. ` +
        (scheme === 'file://'
          ? "Import modelCheckpoint from '@betterdl/callbacks/node', which writes file:// checkpoints without tfjs-node."
          : 'Use indexeddb://, localstorage:// or downloads:// in the browser.'),
    );
  }
}

/**
 * Saves the model (or its weights) during training, like Keras `ModelCheckpoint`. The path is a Python
 * `str.format` template filled as Keras fills it: `{epoch}` is the 1-based epoch, `{batch}` (with a numeric
 * `saveFreq`) the 1-based batch within the epoch, both ints; log keys are floats formatted exactly as Python
 * does (`{val_loss:.4f}` of 0.90625 is `0.9062`, `{val_loss}` of 1 is `1.0`). Epoch-level unless `saveFreq` is
 * a number of batches.
 */
export class ModelCheckpoint extends tfl.Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: 'min' | 'max';
  readonly saveFreq: 'epoch' | number;
  /** Best monitored value so far. */
  best: number | undefined;
  /** Paths written during the last fit, in order. */
  readonly saved: string[] = [];
  private readonly parts: Array<string | TemplateField>;
  private readonly resolve: TargetResolver;
  private readonly initialBest: number | undefined;
  private currentEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatch = -1;

  constructor(filepath: string, args: ModelCheckpointArgs = {}, resolve?: TargetResolver) {
    super();
    const who = 'modelCheckpoint';
    if (typeof filepath !== 'string' || filepath.trim() === '') {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${who}: filepath is empty. Pass a path template such as 'file://./checkpoints/model-{epoch:02d}'.`,
      );
    }
    this.filepath = filepath;
    this.parts = parseTemplate(filepath);
    checkOptions(who, args, MODEL_CHECKPOINT_OPTIONS);
    const freq = args.saveFreq ?? 'epoch';
    this.saveFreq =
      freq === 'epoch'
        ? freq
        : checkInteger(who, 'saveFreq', freq, { min: 1 }, "Pass 'epoch' or a number of batches.");
    for (const p of this.parts) {
      if (typeof p !== 'string' && p.key === 'batch' && this.saveFreq === 'epoch') {
        throw new BetterDLError(
          'INVALID_ARGUMENT',
          `${who}: '{batch}' in '${filepath}' can never be filled when saveFreq is 'epoch'. ` +
            'Remove it or pass saveFreq: <number of batches>.',
        );
      }
    }
    this.monitor = checkString(
      who,
      'monitor',
      args.monitor ?? 'val_loss',
      "Pass a metric name such as 'val_loss'.",
    );
    const mode = args.mode ?? 'auto';
    checkMode(mode, who);
    this.saveBestOnly = checkBoolean(who, 'saveBestOnly', args.saveBestOnly ?? false);
    this.mode = this.saveBestOnly || mode !== 'auto' ? resolveMode(mode, this.monitor, who) : 'min';
    this.verbose = checkInteger(who, 'verbose', args.verbose ?? 0, { min: 0 });
    this.saveWeightsOnly = checkBoolean(who, 'saveWeightsOnly', args.saveWeightsOnly ?? false);
    const t =
      args.initialValueThreshold == null
        ? null
        : checkFinite(who, 'initialValueThreshold', args.initialValueThreshold, {}, 'Pass a number or null.');
    this.initialBest = t ?? undefined;
    this.best = this.initialBest;
    if (!resolve) checkBrowserPath(filepath);
    this.resolve = resolve ?? urlResolver;
    if (typeof this.saveFreq === 'number') {
      const onBatchEnd = async (batch: number, logs?: tfl.Logs) => this.batchEnd(batch, logs);
      Object.defineProperty(this, 'onBatchEnd', { value: onBatchEnd, writable: true, configurable: true });
    }
  }

  override async onTrainBegin(_logs?: tfl.Logs): Promise<void> {
    this.best = this.initialBest;
    this.saved.length = 0;
    this.batchesSinceSave = 0;
    this.lastBatch = -1;
    const metrics = (this.params as { metrics?: string[] } | undefined)?.metrics;
    if (!Array.isArray(metrics)) return;
    const known = new Set(['epoch', 'batch', 'lr', 'learning_rate', ...metrics]);
    for (const p of this.parts) {
      if (typeof p === 'string' || known.has(p.key) || known.has(tfjsMonitorName(p.key))) continue;
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `modelCheckpoint: '{${p.key}}' in '${this.filepath}' will never be in this fit's logs ` +
          `(they hold: epoch, ${metrics.join(', ')}). Use one of those names, or pass validation data for val_ keys.`,
      );
    }
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.currentEpoch = epoch;
  }

  override async onEpochEnd(epoch: number, logs?: tfl.Logs): Promise<void> {
    if (this.saveFreq !== 'epoch') return;
    await this.save(epoch, undefined, await resolveLogs(logs));
  }

  private async batchEnd(batch: number, logs?: tfl.Logs): Promise<void> {
    const add = batch <= this.lastBatch ? batch + 1 : batch - this.lastBatch;
    this.lastBatch = batch;
    this.batchesSinceSave += add;
    if (this.batchesSinceSave < (this.saveFreq as number)) return;
    this.batchesSinceSave = 0;
    await this.save(this.currentEpoch, batch, await resolveLogs(logs));
  }

  private async save(epoch: number, batch: number | undefined, logs: Record<string, number>): Promise<void> {
    const model = this.model;
    if (!model) return;
    // Keras fills `filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)`: both 1-based ints. tfjs adds its
    // own 0-based `batch` and `size` to batch logs; Keras's logs hold neither.
    const { batch: _tfjsBatch, size: _tfjsSize, ...metrics } = logs;
    const values: Record<string, unknown> =
      batch === undefined
        ? { ...logs, epoch: epoch + 1 }
        : { ...metrics, epoch: epoch + 1, batch: batch + 1 };
    // The path is filled only for a save: most epochs of a saveBestOnly run save nothing.
    const pathOf = () => fillTemplate(this.parts, values);
    const prefix = `Epoch ${epoch + 1}: `;
    let path: string | undefined;
    if (this.saveBestOnly) {
      const current = readMonitor(logs, this.monitor);
      if (current === undefined) {
        console.warn(`${missingMonitorMessage('modelCheckpoint', this.monitor, logs)} Saving anyway.`);
      } else {
        // Keras's wording and number text: `improved from None to 0.12346`.
        const best = () => (this.best === undefined ? 'None' : formatPython('.5f', this.best));
        if (isImprovement(current, this.best, this.mode, 0)) {
          if (this.verbose > 0) {
            path = pathOf();
            console.log(
              `${prefix}${this.monitor} improved from ${best()} to ${formatPython('.5f', current)}, saving model to ${path}`,
            );
          }
          this.best = current;
        } else {
          if (this.verbose > 0) console.log(`${prefix}${this.monitor} did not improve from ${best()}`);
          return;
        }
      }
    } else if (this.verbose > 0) console.log(`${prefix}saving model to ${(path = pathOf())}`);
    path ??= pathOf();
    await saveModel(model, this.resolve(path), this.saveWeightsOnly);
    this.saved.push(path);
    if (this.verbose > 0) console.log(`${prefix}finished saving model to ${path}`);
  }
}

/**
 * Saves the model during training (Keras `ModelCheckpoint`). This browser-safe entry takes tfjs IO URLs
 * (`indexeddb://`, `localstorage://`, `downloads://`, or `file://` when tfjs-node is loaded); the
 * `@betterdl/callbacks/node` entry's `modelCheckpoint` adds atomic `file://` and plain-path checkpoints.
 *
 * @example
 * modelCheckpoint('indexeddb://model-{epoch:02d}-{val_acc:.4f}', { monitor: 'val_acc', saveBestOnly: true })
 */
export function modelCheckpoint(filepath: string, args: ModelCheckpointArgs = {}): ModelCheckpoint {
  return new ModelCheckpoint(filepath, args);
}
