import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBetterDLError } from '@betterdl/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { learningCurves } from './learning-curves';
import { saveFigure } from './node-save-figure';
import { svgToPng } from './node-to-png';
import { toSvg } from './to-svg';

const dir = await mkdtemp(join(tmpdir(), 'betterdl-fig-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const history = {
  loss: Array.from({ length: 50 }, (_, i) => Math.exp(-i / 10)),
  val_loss: Array.from({ length: 50 }, (_, i) => Math.exp(-i / 10) + 0.1),
  acc: Array.from({ length: 50 }, (_, i) => 1 - Math.exp(-i / 10) / 2),
  val_acc: Array.from({ length: 50 }, (_, i) => 0.95 - Math.exp(-i / 10) / 2),
};

function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

describe('saveFigure', () => {
  it('writes an SVG with the panels, axes and legend, and a PNG at twice the size', async () => {
    const spec = learningCurves({ baseline: history, dropout: history });
    const out = await saveFigure(spec, join(dir, 'sub', 'curves'));
    expect(out).toEqual({ svg: join(dir, 'sub', 'curves.svg'), png: join(dir, 'sub', 'curves.png') });
    const svg = await readFile(out.svg as string, 'utf8');
    for (const text of ['loss', 'acc', 'epoch', 'baseline', 'dropout', 'train', 'validation']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expect(svg).toMatch(/stroke-dasharray="6,3"/);
    const png = new Uint8Array(await readFile(out.png as string));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const w = Number(/width="(\d+)"/.exec(svg)?.[1]);
    expect(pngSize(png)[0]).toBe(2 * w);
  });

  it('renders text into the PNG (fonts found), so removing the text changes the pixels', async () => {
    const svg = await toSvg(learningCurves(history));
    const withText = await svgToPng(svg, { scale: 1 });
    const withoutText = await svgToPng(svg.replace(/<text[^>]*>[^<]*<\/text>/g, ''), { scale: 1 });
    expect(Buffer.from(withText).equals(Buffer.from(withoutText))).toBe(false);
  });

  it('writes only the formats asked for and rejects bad arguments', async () => {
    const out = await saveFigure(learningCurves(history), join(dir, 'only'), { formats: ['svg'] });
    expect(out).toEqual({ svg: join(dir, 'only.svg') });
    await expect(saveFigure(learningCurves(history), join(dir, 'x.png'))).rejects.toThrow(
      /without extension/,
    );
    await expect(
      saveFigure(learningCurves(history), join(dir, 'x'), { formats: ['pdf' as 'svg'] }),
    ).rejects.toThrow(/formats must be/);
    const err = await toSvg({ $schema: 'x', mark: 'nonsense' }).catch((e) => e);
    expect(isBetterDLError(err)).toBe(true);
  });
});
