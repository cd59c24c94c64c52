/**
 * A Vega-Lite specification (https://vega.github.io/vega-lite/): a plain JSON object that `render` draws in a
 * browser and `saveFigure` renders to SVG / PNG in Node. Edit it freely before rendering.
 */
export interface VegaLiteSpec {
  /** The Vega-Lite schema URL (v6). */
  $schema: string;
  [key: string]: unknown;
}

/** The schema every spec of this package declares. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Fonts found on most systems (and by the PNG rasteriser), so text renders the same everywhere. */
export const FIGURE_FONT = 'DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif';

/** Shared look of every figure: white background, readable font sizes. */
export const FIGURE_CONFIG = {
  font: FIGURE_FONT,
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14 },
} as const;
