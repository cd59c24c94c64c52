import { BetterDLError, checkArgument, checkOptions } from '@betterdl/runtime';
import type { VegaLiteSpec } from './spec';

/** Options of {@link render}. */
export interface RenderOptions {
  /** Show vega-embed's action menu (export PNG / SVG, view source). Defaults to `false`. */
  actions?: boolean;
  /** Draw as `'svg'` or `'canvas'`. Defaults to `'svg'`. */
  renderer?: 'svg' | 'canvas';
}

/** What {@link render} returns: call `finalize()` before removing the element to release the view. */
export interface RenderedFigure {
  /** The vega View (see the vega docs) for interaction or export. */
  view: unknown;
  /** Releases the view's listeners and timers. */
  finalize(): void;
}

/** A DOM element (anything with a `nodeType`), so the package needs no DOM typings. */
export interface ElementLike {
  nodeType: number;
}

/**
 * Draws a spec (from `learningCurves`, `plotConfusionMatrix`, ...) into a page element, in a browser,
 * with vega-embed (loaded on first use). `element` is an element or a CSS selector.
 */
export async function render(
  spec: VegaLiteSpec,
  element: ElementLike | string,
  opts: RenderOptions = {},
): Promise<RenderedFigure> {
  checkOptions('render', opts, ['actions', 'renderer']);
  checkArgument(
    typeof spec === 'object' && spec !== null && typeof spec.$schema === 'string',
    'render',
    'spec must be a Vega-Lite spec object, e.g. the result of learningCurves().',
  );
  const doc = (globalThis as { document?: { querySelector(s: string): ElementLike | null } }).document;
  if (!doc) {
    throw new BetterDLError(
      'UNSUPPORTED',
      'render: there is no DOM here (Node?). In Node use saveFigure(spec, path) from "@betterdl/diagnostics/node".',
    );
  }
  const target = typeof element === 'string' ? doc.querySelector(element) : element;
  if (!target || typeof target.nodeType !== 'number') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `render: no element ${typeof element === 'string' ? `matches "${element}"` : 'given'}. Pass an element or a CSS selector of one.`,
    );
  }
  const { default: embed } = await import('vega-embed');
  const result = await embed(target as never, spec as never, {
    actions: opts.actions ?? false,
    renderer: opts.renderer ?? 'svg',
  });
  return { view: result.view, finalize: () => result.finalize() };
}
