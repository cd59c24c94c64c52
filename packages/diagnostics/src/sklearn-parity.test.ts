import { readFileSync } from 'node:fs';
import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ClassificationReportOptions,
  type ClassScores,
  classificationReport,
} from './classification-report';
import { confusionMatrix } from './confusion-matrix';
import { topKAccuracy } from './top-k-accuracy';

/** References made by real scikit-learn (and Keras) with parity/sklearn/generate.py; CI does not run Python. */
const fx = JSON.parse(
  readFileSync(new URL('../../../parity/sklearn/fixtures/diagnostics.json', import.meta.url), 'utf8'),
);

type Num = number | 'nan';
interface SkScores {
  precision: Num;
  recall: Num;
  'f1-score': Num;
  support: number;
}
interface ReportCase {
  yTrue: number[];
  yPred: number[];
  args: { labels?: number[]; targetNames?: string[]; digits?: number; zeroDivision?: Num };
  text: string;
  classes: SkScores[];
  macroAvg: SkScores;
  weightedAvg: SkScores;
  micro: SkScores | number;
  confusion: number[][] | null;
}

const num = (v: Num) => (v === 'nan' ? Number.NaN : v);
/** Bit-for-bit equality, NaN included. */
const same = (a: number, b: Num) => expect(Object.is(a, num(b)) || a === num(b)).toBe(true);
const sameScores = (a: ClassScores, b: SkScores) => {
  same(a.precision, b.precision);
  same(a.recall, b.recall);
  same(a.f1, b['f1-score']);
  expect(a.support).toBe(b.support);
};

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe(`scikit-learn ${fx.versions['scikit-learn']} parity: classification_report / confusion_matrix`, () => {
  const cases = fx.reports as ReportCase[];
  it.each(cases.map((c, i) => [i, JSON.stringify(c.args), c] as const))(
    'case %i %s: same numbers and the same text',
    (_i, _a, c) => {
      const { zeroDivision, ...rest } = c.args;
      const opts: ClassificationReportOptions = {
        ...rest,
        ...(zeroDivision !== undefined ? { zeroDivision: num(zeroDivision) } : {}),
      };
      const r = classificationReport(c.yTrue, c.yPred, opts);
      expect(r.text).toBe(c.text);
      expect(r.classes.length).toBe(c.classes.length);
      r.classes.forEach((cls, k) => {
        sameScores(cls, c.classes[k] as SkScores);
      });
      sameScores(r.macroAvg, c.macroAvg);
      sameScores(r.weightedAvg, c.weightedAvg);
      if (typeof c.micro === 'number') same(r.accuracy, c.micro);
      else sameScores(r.microAvg, c.micro);
      if (c.confusion) {
        const cm = confusionMatrix(c.yTrue, c.yPred, {
          labels: c.args.labels,
          targetNames: c.args.targetNames,
        });
        expect(cm.matrix).toEqual(c.confusion);
      }
    },
  );

  it('reads tensors, one-hot rows and probabilities as their class indices', () => {
    const c = cases[0] as ReportCase;
    const k = Math.max(...c.yTrue, ...c.yPred) + 1;
    const t = tf.tidy(() => tf.oneHot(tf.tensor1d(c.yTrue, 'int32'), k));
    const p = tf.tidy(() => tf.softmax(tf.mul(tf.oneHot(tf.tensor1d(c.yPred, 'int32'), k), 4)));
    expect(classificationReport(t, p).text).toBe(c.text);
    tf.dispose([t, p]);
  });
});

describe(`scikit-learn ${fx.versions['scikit-learn']} parity: top_k_accuracy_score ties`, () => {
  const cases = fx.topK as Array<{ yTrue: number[]; scores: number[][]; sklearn: number[]; keras: number[] }>;
  it.each(cases.map((c, i) => [i, c.scores[0]?.length, c] as const))(
    'case %i (%i classes): every k, scikit-learn rule by default and Keras rule on request',
    (_i, _c, c) => {
      const y = tf.tensor1d(c.yTrue, 'int32');
      const s = tf.tensor2d(c.scores);
      c.sklearn.forEach((ref, j) => {
        expect(topKAccuracy(y, s, j + 1)).toBe(ref);
      });
      // Keras reports a float32 mean
      c.keras.forEach((ref, j) => {
        expect(Math.fround(topKAccuracy(y, s, j + 1, { ties: 'keras' }))).toBe(ref);
      });
      tf.dispose([y, s]);
    },
  );
});
