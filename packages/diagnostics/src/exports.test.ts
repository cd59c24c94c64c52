// Pins the public surface of both entries. Adding an export? Add its name to the sorted list below.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { testEntries } from '../../../scripts/entry-exports';
import * as main from './index';
import * as node from './node';

describe('@betterdl/diagnostics entries', () => {
  testEntries({
    dir: dirname(fileURLToPath(import.meta.url)),
    main,
    node,
    mainValues: [
      'DEFAULT_THRESHOLDS',
      'SUGGESTIONS',
      'WeightHistograms',
      'asciiCurves',
      'classificationReport',
      'confusionMatrix',
      'curvePoints',
      'diagnose',
      'learningCurves',
      'normalizeRuns',
      'plotConfusionMatrix',
      'plotWeightHistograms',
      'render',
      'summary',
      'summaryRows',
      'tensorHistogram',
      'toSvg',
      'topKAccuracy',
      'weightHistograms',
    ],
    mainTypes: [
      'AsciiCurvesOptions',
      'ClassLabels',
      'ClassScores',
      'ClassificationReport',
      'ClassificationReportOptions',
      'ConfusionMatrix',
      'ConfusionMatrixOptions',
      'CurvePoint',
      'DiagnoseOptions',
      'DiagnoseThresholds',
      'Diagnosis',
      'DiagnosisEvidence',
      'ElementLike',
      'Histogram',
      'HistoryLike',
      'HistoryRecord',
      'LayerSummary',
      'LearningCurvesOptions',
      'NamedRun',
      'PlotConfusionMatrixOptions',
      'PlotWeightHistogramsOptions',
      'RenderOptions',
      'RenderedFigure',
      'RunsInput',
      'SummaryOptions',
      'TopKAccuracyOptions',
      'VegaLiteSpec',
      'Verdict',
      'WeightHistogramRecord',
      'WeightHistogramsArgs',
    ],
    nodeValues: ['EventFileWriter', 'TensorBoard', 'saveFigure', 'svgToPng', 'tensorBoard', 'writeReport'],
    nodeTypes: [
      'FigureFormat',
      'HistogramProto',
      'PngOptions',
      'ReportOptions',
      'ReportSection',
      'SaveFigureOptions',
      'SummaryValue',
      'TensorBoardArgs',
    ],
  });
});
