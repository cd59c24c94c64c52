import { BetterDLError, checkOptions } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';
import { type PngOptions, svgToPng } from './node-to-png';
import type { VegaLiteSpec } from './spec';
import { toSvg } from './to-svg';

/** A file format {@link saveFigure} writes. */
export type FigureFormat = 'svg' | 'png';

/** Options of {@link saveFigure}. */
export interface SaveFigureOptions extends PngOptions {
  /** Which files to write. Defaults to `['svg', 'png']`. */
  formats?: FigureFormat[];
}

/**
 * Renders a Vega-Lite spec (e.g. from `learningCurves`) to `<pathWithoutExt>.svg` and/or `.png` in Node,
 * with no browser: vega draws the SVG, @resvg/resvg-js rasterises it. Creates missing directories and
 * returns the paths written.
 */
export async function saveFigure(
  spec: VegaLiteSpec,
  pathWithoutExt: string,
  opts: SaveFigureOptions = {},
): Promise<{ svg?: string; png?: string }> {
  checkOptions('saveFigure', opts, ['formats', 'scale', 'fontFiles']);
  const formats = opts.formats ?? ['svg', 'png'];
  if (!Array.isArray(formats) || formats.length === 0 || formats.some((f) => f !== 'svg' && f !== 'png')) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `saveFigure: formats must be a non-empty list of 'svg' and 'png', got ${JSON.stringify(formats)}.`,
    );
  }
  if (typeof pathWithoutExt !== 'string' || pathWithoutExt === '' || /\.(svg|png)$/i.test(pathWithoutExt)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `saveFigure: pass the path without extension (e.g. "out/curves"), got ${JSON.stringify(pathWithoutExt)}.`,
    );
  }
  const svg = await toSvg(spec);
  const out: { svg?: string; png?: string } = {};
  if (formats.includes('svg')) {
    out.svg = `${pathWithoutExt}.svg`;
    await writeFileAtomic(out.svg, svg);
  }
  if (formats.includes('png')) {
    out.png = `${pathWithoutExt}.png`;
    await writeFileAtomic(out.png, await svgToPng(svg, { scale: opts.scale, fontFiles: opts.fontFiles }));
  }
  return out;
}
