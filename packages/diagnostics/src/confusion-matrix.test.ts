import { initRuntime, isBetterDLError, trackTensors } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { classificationReport } from './classification-report';
import { confusionMatrix, plotConfusionMatrix } from './confusion-matrix';
import { toSvg } from './to-svg';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

const yTrue = [0, 0, 1, 1, 2, 2, 2];
const yPred = [0, 1, 1, 1, 2, 0, 2];

describe('confusionMatrix', () => {
  it('counts true (rows) against predicted (columns) from indices, one-hot and probabilities alike', async () => {
    const cm = confusionMatrix(yTrue, yPred, { targetNames: ['cat', 'dog', 'bird'] });
    expect(cm.matrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
    expect(cm.accuracy).toBeCloseTo(5 / 7);
    const r = await trackTensors(() => {
      const t = tf.tidy(() => tf.oneHot(tf.tensor1d(yTrue, 'int32'), 3));
      const p = tf.tidy(() => tf.softmax(tf.mul(tf.oneHot(tf.tensor1d(yPred, 'int32'), 3), 3)));
      const m = confusionMatrix(t, p).matrix;
      tf.dispose([t, p]);
      return m;
    });
    expect(r.leaked).toBe(0);
    expect(r.result).toEqual(cm.matrix);
  });

  it('thresholds binary probabilities with > 0.5, as Keras does (0.5 itself is class 0)', () => {
    const t = tf.tensor2d([[0], [1], [1], [0], [0]]);
    const p = tf.tensor2d([[0.2], [0.7], [0.4], [0.1], [0.5]]);
    const cm = confusionMatrix(t, p);
    expect(cm.matrix).toEqual([
      [3, 0],
      [1, 1],
    ]);
    expect(confusionMatrix([1, 0], [0.5, 0.5000001]).matrix).toEqual([
      [0, 1],
      [1, 0],
    ]);
    tf.dispose([t, p]);
  });

  it("uses the sorted classes present, or labels to fix the set (scikit-learn's rule)", () => {
    const cm = confusionMatrix([1, 3, 3, 5], [1, 3, 5, 5]);
    expect(cm.classes).toEqual([1, 3, 5]);
    expect(cm.labels).toEqual(['1', '3', '5']);
    expect(cm.matrix).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const fixed = confusionMatrix([1, 3, 3, 5], [1, 3, 5, 5], {
      labels: [5, 3, 0],
      targetNames: ['e', 'c', 'z'],
    });
    expect(fixed.matrix).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(fixed.total).toBe(3);
    expect(fixed.labels).toEqual(['e', 'c', 'z']);
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [2] })).toThrow(
      /none of labels \[2\] occurs in yTrue/,
    );
  });

  it('rejects mismatched lengths, shapes and labels with the fix', () => {
    const err = (() => {
      try {
        confusionMatrix([0, 1, 2], [0, 1]);
      } catch (e) {
        return e;
      }
    })();
    expect(isBetterDLError(err)).toBe(true);
    expect((err as Error).message).toMatch(/yTrue has 3 samples but yPred has 2/);
    expect(() => confusionMatrix(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/3 classes .* yPred has 4/);
    expect(() => confusionMatrix([0, 3], [0, 1], { labels: ['a', 'b'] as unknown as number[] })).toThrow(
      /labels lists the class indices .* Pass names as targetNames/,
    );
    expect(() => confusionMatrix([0, 3], [0, 1], { targetNames: ['a', 'b'] })).toThrow(
      /2 targetNames for 3 classes \(0, 1, 3\)/,
    );
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [0, 0] })).toThrow(/repeats a class/);
    expect(() => confusionMatrix([0, 1.5], [0, 1])).toThrow(/neither class indices nor probabilities/);
    expect(() => confusionMatrix([-1, 1], [0, 1])).toThrow(/start at 0/);
    expect(() => confusionMatrix(tf.zeros([2, 2, 2]), [0, 1])).toThrow(/must be \[samples\]/);
  });

  it('draws a heat map with a count in every cell', async () => {
    const cm = confusionMatrix(yTrue, yPred, { targetNames: ['cat', 'dog', 'bird'] });
    const svg = await toSvg(plotConfusionMatrix(cm));
    expect(svg).toContain('Confusion matrix (accuracy 71.4%)');
    for (const label of ['cat', 'dog', 'bird', 'predicted', 'true'])
      expect(svg).toContain(`>${label}</text>`);
    expect(svg).toMatch(/class="mark-rect role-mark/);
    expect((svg.match(/class="mark-text role-mark[\s\S]*?<\/g>/)?.[0].match(/<text/g) ?? []).length).toBe(9);
    const normalized = plotConfusionMatrix(cm, { normalize: true });
    expect(JSON.stringify(normalized)).toContain('"field":"fraction"');
  });
});

describe('classificationReport', () => {
  it('computes precision, recall, F1, support and the averages', () => {
    const r = classificationReport(yTrue, yPred, { targetNames: ['cat', 'dog', 'bird'] });
    // cat: predicted 2, correct 1; dog: predicted 3, correct 2; bird: predicted 2, correct 2
    expect(r.classes.map((c) => [c.label, c.precision, c.recall, c.support])).toEqual([
      ['cat', 0.5, 0.5, 2],
      ['dog', 2 / 3, 1, 2],
      ['bird', 1, 2 / 3, 3],
    ]);
    expect(r.classes[1]?.f1).toBeCloseTo(0.8);
    expect(r.accuracy).toBeCloseTo(5 / 7);
    expect(r.macroAvg.recall).toBeCloseTo((0.5 + 1 + 2 / 3) / 3);
    expect(r.weightedAvg.recall).toBeCloseTo(r.accuracy);
    expect(r.text).toMatch(/ +cat +0\.50 +0\.50 +0\.50 +2/);
    expect(r.text).toMatch(/accuracy +0\.71 +7/);
  });
  it('gives zeroDivision (0 by default, 1 or NaN) to a class that is never predicted', () => {
    const r = classificationReport([0, 1, 1], [1, 1, 1]);
    expect(r.classes[0]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    const one = classificationReport([0, 1, 1], [1, 1, 1], { zeroDivision: 1 });
    expect(one.classes[0]).toMatchObject({ precision: 1, recall: 0, f1: 0 });
    const nan = classificationReport([0, 1, 1], [1, 1, 1], { zeroDivision: Number.NaN });
    expect(nan.classes[0]?.precision).toBeNaN();
    expect(nan.macroAvg.precision).toBeCloseTo(2 / 3);
    expect(nan.text).toContain('           0        nan      0.00      0.00         1\n');
    expect(() => classificationReport([0], [0], { digits: -1 })).toThrow(/digits/);
    expect(() => classificationReport([0], [0], { zeroDivision: 0.5 })).toThrow(
      /zeroDivision must be 0, 1 or NaN/,
    );
  });

  it("prints scikit-learn's text: sorted present classes, micro avg when labels leave some out", () => {
    const r = classificationReport([2, 2, 7, 7, 7], [2, 7, 7, 7, 2]);
    expect(r.text).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '           2       0.50      0.50      0.50         2',
        '           7       0.67      0.67      0.67         3',
        '',
        '    accuracy                           0.60         5',
        '   macro avg       0.58      0.58      0.58         5',
        'weighted avg       0.60      0.60      0.60         5',
        '',
      ].join('\n'),
    );
    const sub = classificationReport([0, 1, 2, 2], [0, 2, 2, 1], { labels: [2, 0], digits: 3 });
    expect(sub.text.split('\n')[5]).toBe('   micro avg      0.667     0.667     0.667         3');
    expect(sub.classes.map((c) => c.classIndex)).toEqual([2, 0]);
  });
});
