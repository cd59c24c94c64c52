import { BetterDLError, checkInteger, checkOptions } from '@betterdl/runtime';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One row of {@link summaryRows}. */
export interface LayerSummary {
  /** Layer name, e.g. `dense_Dense1`. */
  name: string;
  /** Layer class, e.g. `Dense`. */
  type: string;
  /** Output shape with `null` for the batch dimension; several for multi-output layers. */
  outputShape: Array<number | null> | Array<Array<number | null>>;
  /** Parameters (trainable + non-trainable). */
  params: number;
  /** Trainable parameters (0 for a frozen layer). */
  trainable: number;
}

/** Options of {@link summary}. */
export interface SummaryOptions {
  /** Total width of the table in characters. Defaults to `65`. */
  lineLength?: number;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The layers of `model` with their output shapes and parameter counts. */
export function summaryRows(model: tfl.LayersModel): LayerSummary[] {
  if (!model || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      'summary: pass a tfjs LayersModel (tf.sequential() or tf.model()).',
    );
  }
  return model.layers.map((layer) => {
    const outputShape = layer.outputShape as LayerSummary['outputShape'];
    const trainable = layer.trainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0);
    const frozen = layer.nonTrainableWeights.reduce((s, w) => s + size(w.shape as number[]), 0);
    return {
      name: layer.name,
      type: layer.getClassName(),
      outputShape,
      params: trainable + frozen,
      trainable,
    };
  });
}

const shapeText = (s: LayerSummary['outputShape']): string =>
  Array.isArray(s[0])
    ? (s as Array<Array<number | null>>).map((x) => shapeText(x)).join(', ')
    : `(${(s as Array<number | null>).map((d) => (d === null ? 'None' : d)).join(', ')})`;
const thousands = (n: number) => n.toLocaleString('en-US');

/**
 * A Keras-style summary table of `model`: each layer's name and type, output shape and parameter count,
 * then total, trainable and non-trainable parameters. Returns the text (print it with `console.log`).
 */
export function summary(model: tfl.LayersModel, opts: SummaryOptions = {}): string {
  const rows = summaryRows(model);
  checkOptions('summary', opts, ['lineLength']);
  const width = checkInteger('summary', 'lineLength', opts.lineLength ?? 65, { min: 40 });
  const c1 = Math.floor(width * 0.45);
  const c2 = Math.floor(width * 0.35);
  const cell = (text: string, w: number) => (text.length >= w ? `${text.slice(0, w - 2)}… ` : text.padEnd(w));
  const line = (a: string, b: string, c: string) => `${cell(a, c1)}${cell(b, c2)}${c}`.trimEnd();
  const total = rows.reduce((s, r) => s + r.params, 0);
  const trainable = rows.reduce((s, r) => s + r.trainable, 0);
  return [
    `Model: "${model.name}"`,
    '_'.repeat(width),
    line('Layer (type)', 'Output Shape', 'Param #'),
    '='.repeat(width),
    ...rows.flatMap((r, i) => [
      line(`${r.name} (${r.type})`, shapeText(r.outputShape), thousands(r.params)),
      i < rows.length - 1 ? '_'.repeat(width) : '='.repeat(width),
    ]),
    `Total params: ${thousands(total)}`,
    `Trainable params: ${thousands(trainable)}`,
    `Non-trainable params: ${thousands(total - trainable)}`,
    '_'.repeat(width),
  ].join('\n');
}
