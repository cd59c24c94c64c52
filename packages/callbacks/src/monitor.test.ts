import { describe, expect, it } from 'vitest';
import { readMonitor, tfjsMonitorName } from './monitor';

describe('monitor names', () => {
  it('maps Keras accuracy names to the tfjs log keys', () => {
    expect(tfjsMonitorName('val_accuracy')).toBe('val_acc');
    expect(tfjsMonitorName('accuracy')).toBe('acc');
    expect(tfjsMonitorName('val_loss')).toBe('val_loss');
  });
  it('reads a monitor from tfjs logs under either name', () => {
    expect(readMonitor({ val_acc: 0.9 }, 'val_accuracy')).toBe(0.9);
    expect(readMonitor({ val_acc: 0.9 }, 'val_acc')).toBe(0.9);
    expect(readMonitor({ loss: 1 }, 'val_loss')).toBeUndefined();
  });
});
