import { describe, expect, it } from 'vitest';
import { metricDirectionOf, metricLogKeys, pickMetric, resolveMetricDirection } from './metric-names';

describe('metric names', () => {
  it('reads Keras and tfjs spellings of accuracy from either key', () => {
    expect(metricLogKeys('val_accuracy')).toEqual(['val_accuracy', 'val_acc']);
    expect(metricLogKeys('acc')).toEqual(['acc', 'accuracy']);
    expect(metricLogKeys('val_loss')).toEqual(['val_loss']);
    expect(pickMetric({ val_acc: 0.9 }, 'val_accuracy')).toBe(0.9);
    expect(pickMetric({ accuracy: [1] }, 'acc')).toEqual([1]);
    expect(pickMetric({ loss: 1 }, 'val_loss')).toBeUndefined();
    expect(pickMetric({}, 'toString')).toBeUndefined();
  });

  it('knows the direction of Keras and tfjs metric names', () => {
    const max = [
      'acc',
      'val_accuracy',
      'auc',
      'val_auc_1',
      'prc',
      'val_prc',
      'precision',
      'recall',
      'binaryAccuracy',
      'categorical_accuracy',
      'top_k_categorical_accuracy',
      'sparse_top_k_categorical_accuracy',
      'f1_score',
      'mean_iou',
      'r2_score',
      'cosine_similarity',
      'true_positives',
    ];
    const min = [
      'loss',
      'val_loss',
      'mse',
      'val_mae',
      'meanSquaredError',
      'binary_crossentropy',
      'categoricalCrossentropy',
      'mean_absolute_percentage_error',
      'hinge',
      'kl_divergence',
      'poisson',
      'logcosh',
      'false_positives',
      'cosineProximity',
      'root_mean_squared_error',
      'classifier_loss',
    ];
    for (const m of max) expect([m, metricDirectionOf(m)]).toEqual([m, 'max']);
    for (const m of min) expect([m, metricDirectionOf(m)]).toEqual([m, 'min']);
    expect(metricDirectionOf('lr')).toBeUndefined();
    expect(metricDirectionOf('my_score')).toBeUndefined();
  });

  it('resolveMetricDirection: explicit mode wins, auto reads the name, unknown names throw', () => {
    expect(resolveMetricDirection('f', 'val_prc')).toBe('max');
    expect(resolveMetricDirection('f', 'lr', 'max')).toBe('max');
    expect(() => resolveMetricDirection('diagnose', 'lr')).toThrow(
      /diagnose: cannot tell whether a higher or a lower 'lr' is better\. Pass mode: 'min' or mode: 'max'\./,
    );
    expect(() => resolveMetricDirection('f', 'loss', 'minimum')).toThrow(/mode must be one of/);
    expect(() => resolveMetricDirection('f', '', 'min')).toThrow(/monitor must be a non-empty string/);
  });
});
