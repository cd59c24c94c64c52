import { BetterDLError } from '@betterdl/runtime';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs-layers layer. */
export type Layer = tfl.layers.Layer;

/**
 * Which layers {@link freeze} and {@link unfreeze} act on:
 * - `'all'`: every layer, nested models included;
 * - a number `n >= 0`: the first `n` entries of `model.layers` (a nested model counts as one entry and is
 *   affected as a whole); a negative number `-n`: the last `n` entries, like Python's `model.layers[-n:]`;
 * - a layer name or an array of names: matched at any depth, so a name may be a nested model or a layer
 *   inside one;
 * - a RegExp tested against every layer name at any depth;
 * - a predicate `(layer, path) => boolean` called for every layer at any depth, where `path` lists the
 *   names of the enclosing nested models.
 */
export type LayerSelector =
  | 'all'
  | number
  | string
  | readonly string[]
  | RegExp
  | ((layer: Layer, path: readonly string[]) => boolean);

/** A layer found by walking a model, with the names of the nested models that enclose it. */
export interface LayerEntry {
  /** The layer. */
  layer: Layer;
  /** Names of the enclosing nested models, outermost first (empty for top-level layers). */
  path: readonly string[];
}

/** True for a nested model (a `LayersModel` or `Sequential` used as a layer). */
export function isContainer(layer: Layer): layer is Layer & { layers: Layer[] } {
  return Array.isArray((layer as unknown as { layers?: unknown }).layers);
}

/** Every layer of `model` in order, depth-first, nested models listed before their own layers. */
export function walkLayers(model: { layers: Layer[] }, path: readonly string[] = []): LayerEntry[] {
  const out: LayerEntry[] = [];
  for (const layer of model.layers) {
    out.push({ layer, path });
    if (isContainer(layer)) out.push(...walkLayers(layer, [...path, layer.name]));
  }
  return out;
}

/** The leaf layers (not nested models) of `model`, depth-first. */
export function leafLayers(model: { layers: Layer[] }): LayerEntry[] {
  return walkLayers(model).filter((e) => !isContainer(e.layer));
}

function expand(layer: Layer): Layer[] {
  return isContainer(layer) ? leafLayers(layer).map((e) => e.layer) : [layer];
}

/**
 * Resolves a {@link LayerSelector} to the leaf layers it covers (a selected nested model contributes all of
 * its layers). Throws an `INVALID_ARGUMENT` BetterDLError for an unknown name, an out-of-range count or a
 * selector of the wrong type.
 */
export function selectLayers(
  model: { layers: Layer[]; name: string },
  which: LayerSelector,
  caller = 'selectLayers',
): Layer[] {
  const picked = new Set<Layer>();
  const add = (l: Layer) => {
    for (const x of expand(l)) picked.add(x);
  };
  const all = walkLayers(model);
  if (which === 'all') {
    for (const e of all) add(e.layer);
  } else if (typeof which === 'number') {
    const n = model.layers.length;
    if (!Number.isInteger(which) || Math.abs(which) > n) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `${caller}: a layer count must be an integer between -${n} and ${n} (model '${model.name}' has ${n} top-level layers), got ${which}.`,
      );
    }
    const slice = which >= 0 ? model.layers.slice(0, which) : model.layers.slice(n + which);
    for (const l of slice) add(l);
  } else if (typeof which === 'string' || Array.isArray(which)) {
    const names: readonly string[] = typeof which === 'string' ? [which] : which;
    for (const name of names) {
      const hits = all.filter((e) => e.layer.name === name);
      if (hits.length === 0) {
        const known = all.map((e) => e.layer.name).join(', ');
        throw new BetterDLError(
          'INVALID_ARGUMENT',
          `${caller}: no layer named '${name}' in model '${model.name}'. Its layers are: ${known}.`,
        );
      }
      for (const h of hits) add(h.layer);
    }
  } else if (which instanceof RegExp) {
    const re = new RegExp(which.source, which.flags.replace(/[gy]/g, ''));
    for (const e of all) if (re.test(e.layer.name)) add(e.layer);
  } else if (typeof which === 'function') {
    for (const e of all) if (which(e.layer, e.path)) add(e.layer);
  } else {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${caller}: 'which' must be 'all', a number, a layer name, an array of names, a RegExp or a predicate, got ${String(which)}.`,
    );
  }
  return [...picked];
}
