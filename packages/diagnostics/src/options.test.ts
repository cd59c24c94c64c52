import { describe, expect, it } from 'vitest';
import { testUnknownOptions, type UnknownOptionCase } from '../../../scripts/test-support/unknown-options';
import {
  asciiCurves,
  classificationReport,
  confusionMatrix,
  diagnose,
  learningCurves,
  plotConfusionMatrix,
  plotWeightHistograms,
  summary,
  weightHistograms,
} from './index';
import { saveFigure, svgToPng, tensorBoard, writeReport } from './node';

const history = { loss: [1, 0.5, 0.3], val_loss: [1.1, 0.6, 0.4] };
const cm = { matrix: [[1]], labels: ['a'] } as never;

/** Every public function taking an options object rejects unknown names, naming the camelCase option. */
const cases: UnknownOptionCase[] = [
  ['asciiCurves', (o) => asciiCurves(history, o), 'Width', 'width'],
  ['learningCurves', (o) => learningCurves(history, o), 'max_points', 'maxPoints'],
  ['diagnose', (o) => diagnose(history, o), 'Mode', 'mode'],
  ['confusionMatrix', (o) => confusionMatrix([0, 1], [0, 1], o), 'label', 'labels'],
  ['classificationReport', (o) => classificationReport([0, 1], [0, 1], o), 'digit', 'digits'],
  ['plotConfusionMatrix', (o) => plotConfusionMatrix(cm, o), 'normalise', 'normalize'],
  ['plotWeightHistograms', (o) => plotWeightHistograms([], o), 'weight', 'weights'],
  ['summary', (o) => summary({ layers: [] } as never, o), 'line_length', 'lineLength'],
  ['weightHistograms', (o) => weightHistograms(o), 'record_initial', 'recordInitial'],
  ['tensorBoard', (o) => tensorBoard('logs', o), 'update_freq', 'updateFreq'],
];

describe('unknown options', () => {
  testUnknownOptions(cases);

  it('async functions reject the same way', async () => {
    await expect(writeReport('r.html', { title: 't', section: [] } as never)).rejects.toThrow(
      /writeReport: unknown option 'section'.*Did you mean sections\?/,
    );
    await expect(saveFigure({ $schema: 'x' } as never, 'fig', { format: ['svg'] } as never)).rejects.toThrow(
      /saveFigure: unknown option 'format'.*Did you mean formats\?/,
    );
    await expect(svgToPng('<svg/>', { font_files: [] } as never)).rejects.toThrow(/Did you mean fontFiles\?/);
  });
});
