import { BetterDLError, checkArgument } from '@betterdl/runtime';
import type { VegaLiteSpec } from './spec';

/**
 * Renders a Vega-Lite spec to an SVG string, without a browser (vega's headless renderer). Works in Node
 * and in browsers; vega and vega-lite are loaded on first use.
 */
export async function toSvg(spec: VegaLiteSpec): Promise<string> {
  checkArgument(
    typeof spec === 'object' && spec !== null && typeof spec.$schema === 'string',
    'toSvg',
    'spec must be a Vega-Lite spec object with a $schema, e.g. the result of learningCurves().',
  );
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  let view: InstanceType<typeof vega.View> | undefined;
  try {
    const compiled = vl.compile(spec as never).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    return await view.toSVG();
  } catch (err) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `toSvg: Vega-Lite could not render the spec: ${(err as Error).message}. Check fields you edited by hand.`,
      { cause: err },
    );
  } finally {
    view?.finalize();
  }
}
