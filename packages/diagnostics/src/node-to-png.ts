import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BetterDLError, checkFinite, checkOptions } from '@betterdl/runtime';

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixel density: 2 draws every SVG pixel as 2×2 PNG pixels. Defaults to `2`. */
  scale?: number;
  /** Extra font files (.ttf / .otf) for text, in addition to the system fonts. Defaults to none. */
  fontFiles?: string[];
}

const FONT_DIRS = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  '/Library/Fonts',
  '/System/Library/Fonts',
  'C:\\Windows\\Fonts',
];
const PREFERRED: Array<[RegExp, string]> = [
  [/^DejaVuSans\.ttf$/i, 'DejaVu Sans'],
  [/^LiberationSans-Regular\.ttf$/i, 'Liberation Sans'],
  [/^Arial\.ttf$/i, 'Arial'],
  [/^Helvetica/i, 'Helvetica'],
];

let cachedFonts: { files: string[]; family: string | undefined } | undefined;

function findFonts(): { files: string[]; family: string | undefined } {
  if (cachedFonts) return cachedFonts;
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && depth < 4) walk(join(dir, e.name), depth + 1);
      else if (/\.(ttf|otf|ttc)$/i.test(e.name)) files.push(join(dir, e.name));
    }
  };
  for (const d of FONT_DIRS) if (existsSync(d)) walk(d, 0);
  const names = files.map((f) => f.split(/[\\/]/).pop() ?? '');
  const family = PREFERRED.find(([re]) => names.some((n) => re.test(n)))?.[1];
  cachedFonts = { files, family };
  return cachedFonts;
}

/**
 * Rasterises an SVG string to PNG bytes with @resvg/resvg-js (no browser). Text uses the system fonts;
 * throws when the machine has none, because the PNG would silently lose every label.
 */
export async function svgToPng(svg: string, opts: PngOptions = {}): Promise<Uint8Array> {
  checkOptions('svgToPng', opts, ['scale', 'fontFiles']);
  const scale = checkFinite('svgToPng', 'scale', opts.scale ?? 2, { gt: 0, max: 16 });
  const fonts = findFonts();
  const extra = opts.fontFiles ?? [];
  if (fonts.files.length === 0 && extra.length === 0) {
    throw new BetterDLError(
      'UNSUPPORTED',
      `svgToPng: no font files found (looked in ${FONT_DIRS.join(', ')}), so the PNG would have no text. ` +
        'Install a font (e.g. apt-get install fonts-dejavu-core) or pass fontFiles: ["/path/to/font.ttf"].',
    );
  }
  const { Resvg } = await import('@resvg/resvg-js');
  const family = fonts.family ?? 'sans-serif';
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: true,
      fontFiles: extra,
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
  });
  return resvg.render().asPng();
}
