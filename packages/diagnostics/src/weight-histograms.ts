import { BetterDLError, checkArgument, checkBoolean, checkInteger, checkOptions } from '@betterdl/runtime';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Histogram, tensorHistogram } from './tensor-histogram';

/** Arguments of {@link weightHistograms}. */
export interface WeightHistogramsArgs {
  /** Record every `freq` epochs (after epochs freq, 2·freq, ...). Defaults to `1`. */
  freq?: number;
  /** Names of the layers to record. Defaults to every layer that has weights. */
  layers?: string[];
  /** Buckets per histogram. Defaults to `30`. */
  bins?: number;
  /** Also record the weights before training, as epoch 0. Defaults to `true`. */
  recordInitial?: boolean;
  /** Called with each new record, e.g. to stream them elsewhere. Defaults to none. */
  onRecord?: (record: WeightHistogramRecord) => void | Promise<void>;
}

/** One weight's histogram after one epoch. */
export interface WeightHistogramRecord {
  /** Epochs completed when recorded (0 = before training). */
  epoch: number;
  /** Layer name. */
  layer: string;
  /** Weight name, e.g. `dense_Dense1/kernel`. */
  weight: string;
  /** The distribution. */
  histogram: Histogram;
}

/**
 * A callback that records, every `freq` epochs, the distribution of each chosen layer's weights (bucket
 * counts computed on the device). Read `records` after `fit` and draw them with `plotWeightHistograms`.
 */
export class WeightHistograms extends tfl.Callback {
  /** Every histogram recorded so far, in order. */
  readonly records: WeightHistogramRecord[] = [];
  private readonly freq: number;
  private readonly bins: number;
  private readonly layerNames: string[] | undefined;
  private readonly recordInitial: boolean;
  private readonly onRecord: WeightHistogramsArgs['onRecord'];

  constructor(args: WeightHistogramsArgs = {}) {
    super();
    checkOptions('weightHistograms', args, ['freq', 'layers', 'bins', 'recordInitial', 'onRecord']);
    this.freq = checkInteger('weightHistograms', 'freq', args.freq ?? 1, { min: 1 });
    this.bins = checkInteger('weightHistograms', 'bins', args.bins ?? 30, { min: 1 });
    checkArgument(
      args.layers === undefined ||
        (Array.isArray(args.layers) && args.layers.every((l) => typeof l === 'string')),
      'weightHistograms',
      'layers must be an array of layer names.',
    );
    checkArgument(
      args.onRecord === undefined || typeof args.onRecord === 'function',
      'weightHistograms',
      'onRecord must be a function.',
    );
    this.layerNames = args.layers;
    this.recordInitial = checkBoolean('weightHistograms', 'recordInitial', args.recordInitial ?? true);
    this.onRecord = args.onRecord;
  }

  private chosenLayers(): tfl.layers.Layer[] {
    const model = this.model as unknown as tfl.LayersModel;
    if (!this.layerNames) return model.layers.filter((l) => l.weights.length > 0);
    return this.layerNames.map((name) => {
      const layer = model.layers.find((l) => l.name === name);
      if (!layer) {
        throw new BetterDLError(
          'INVALID_ARGUMENT',
          `weightHistograms: the model has no layer "${name}". Layers: ${model.layers.map((l) => l.name).join(', ')}.`,
        );
      }
      return layer;
    });
  }

  /** Records every chosen weight now, as `epoch`. */
  async record(epoch: number): Promise<void> {
    for (const layer of this.chosenLayers()) {
      for (const w of layer.weights) {
        // read() returns the variable itself (no copy); it must not be disposed here.
        const record = {
          epoch,
          layer: layer.name,
          weight: w.name,
          histogram: await tensorHistogram(w.read(), this.bins),
        };
        this.records.push(record);
        await this.onRecord?.(record);
      }
    }
  }

  override async onTrainBegin(): Promise<void> {
    this.chosenLayers();
    if (this.recordInitial) await this.record(0);
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    if ((epoch + 1) % this.freq === 0) await this.record(epoch + 1);
  }
}

/**
 * Creates a {@link WeightHistograms} callback: pass it to `model.fit({ callbacks: [...] })`, then plot its
 * `records` with `plotWeightHistograms`.
 *
 * @example
 * const hist = weightHistograms({ freq: 10 });
 * await model.fit(x, y, { epochs: 100, callbacks: [hist] });
 * await saveFigure(plotWeightHistograms(hist.records), 'weights');
 */
export function weightHistograms(args: WeightHistogramsArgs = {}): WeightHistograms {
  return new WeightHistograms(args);
}
