import { describe, expect, it } from 'vitest';
import { fillTemplate, parseTemplate, pathSafe } from './path-template';

describe('bad input never becomes a path', () => {
  it('a metric value containing ../ cannot move a templated checkpoint out of its directory', () => {
    const parts = parseTemplate('file://./ckpt/model-{tag}-{val_loss:.2f}');
    const out = fillTemplate(parts, { tag: '../../../etc/evil', val_loss: 0.25 });
    expect(out).toBe(`file://./ckpt/model-${'_'.repeat(9)}etc_evil-0.25`);
    expect(out.startsWith('file://./ckpt/')).toBe(true);
    expect(out.slice('file://./ckpt/'.length)).not.toMatch(/[/\\]|\.\./);
    expect(fillTemplate(parseTemplate('ckpt/{tag}/model'), { tag: '..' })).toBe('ckpt/__/model');
    expect(pathSafe('C:\\x\u0000y')).toBe('C__x_y');
    expect(pathSafe('0.1234')).toBe('0.1234');
    expect(pathSafe('-1.5e-07')).toBe('-1.5e-07');
  });
});
