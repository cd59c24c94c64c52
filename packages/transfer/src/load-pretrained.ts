import { BetterDLError, checkOptions, requireBackend } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  checkLayersArtifacts,
  modelFromArtifacts,
  readLayersArtifacts,
  wrapLoadError,
} from './model-artifacts';

/** Where {@link loadPretrained} reads a model from: a URL string or a tfjs IO handler. */
export type PretrainedSource = string | tf.io.IOHandler;

/** Options of {@link loadPretrained}. */
export interface LoadPretrainedArgs {
  /** The `fetch` used for `http(s)://` URLs. Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Extra `fetch` options (headers, credentials) for `http(s)://` URLs. Defaults to none. */
  requestInit?: RequestInit;
}

async function fetchOrThrow(f: typeof fetch, url: string, init: RequestInit | undefined, what: string) {
  let res: Response;
  try {
    res = await f(url, init);
  } catch (err) {
    throw new BetterDLError(
      'IO_ERROR',
      `loadPretrained: cannot fetch ${what} ${url}: ${(err as Error).message}. Check the URL and that the server is reachable.`,
      { cause: err },
    );
  }
  if (!res.ok) {
    throw new BetterDLError(
      'IO_ERROR',
      `loadPretrained: ${what} ${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}. ${what === 'weights shard' ? 'The model.json names a shard the server does not have: upload every .bin file next to model.json.' : 'Check the URL: it must point at model.json.'}`,
    );
  }
  return res;
}

async function loadFromHttp(url: string, args: LoadPretrainedArgs): Promise<tfl.LayersModel> {
  const f = args.fetch ?? globalThis.fetch;
  if (typeof f !== 'function') {
    throw new BetterDLError('UNSUPPORTED', 'loadPretrained: no fetch() here; pass { fetch } in the options.');
  }
  const res = await fetchOrThrow(f, url, args.requestInit, 'model.json');
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BetterDLError(
      'INVALID_DATA',
      `loadPretrained: ${url} is not JSON (it starts with ${JSON.stringify(text.slice(0, 20))}). Point at the model.json of a tfjs Layers model; a Keras .h5/.keras file must be converted with tensorflowjs_converter first.`,
      { cause: err },
    );
  }
  const artifacts = await readLayersArtifacts(json, url, async (path) => {
    const shardUrl = new URL(path, url).href;
    const r = await fetchOrThrow(f, shardUrl, args.requestInit, 'weights shard');
    return r.arrayBuffer();
  });
  return modelFromArtifacts(artifacts, url);
}

/**
 * Loads a tfjs Layers model (the format `model.save()` writes: `model.json` plus `.bin` weights shards) from
 * an `http(s)://` URL, browser storage (`indexeddb://`, `localstorage://`) or any tfjs IO handler. Errors say
 * what went wrong: a missing weights shard, a file that is not a model.json, a graph model instead of a
 * Layers model. For `file://` paths use `loadPretrained` from `@betterdl/transfer/node`.
 *
 * @example
 * const base = await loadPretrained('https://example.com/models/base/model.json');
 */
export async function loadPretrained(
  source: PretrainedSource,
  args: LoadPretrainedArgs = {},
): Promise<tfl.LayersModel> {
  checkOptions('loadPretrained', args, ['fetch', 'requestInit']);
  requireBackend('loadPretrained');
  if (typeof source === 'string') {
    if (/^https?:\/\//i.test(source)) return loadFromHttp(source, args);
    if (/^file:\/\//i.test(source) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
      throw new BetterDLError(
        'UNSUPPORTED',
        `loadPretrained: '${source}' is a file path; the browser-safe entry cannot read files. In Node import { loadPretrained } from '@betterdl/transfer/node'.`,
      );
    }
  } else if (source === null || typeof source !== 'object' || typeof source.load !== 'function') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      'loadPretrained: source must be a URL string or a tfjs IO handler with a load() method.',
    );
  }
  const label = typeof source === 'string' ? source : 'the given IO handler';
  let handler: tf.io.IOHandler | undefined;
  if (typeof source === 'string') {
    handler = tf.io.getLoadHandlers(source)[0];
    if (!handler) {
      throw new BetterDLError(
        'UNSUPPORTED',
        `loadPretrained: no tfjs IO handler understands '${source}'. Use http(s)://, indexeddb://, localstorage:// or, in Node, a file path via '@betterdl/transfer/node'.`,
      );
    }
  } else {
    handler = source;
  }
  if (typeof handler.load !== 'function') {
    throw new BetterDLError('UNSUPPORTED', `loadPretrained: the IO handler for ${label} cannot load.`);
  }
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (err) {
    throw wrapLoadError(err, label);
  }
  checkLayersArtifacts(artifacts, label);
  return modelFromArtifacts(artifacts, label);
}
