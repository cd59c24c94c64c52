import type * as tfl from '@tensorflow/tfjs-layers';
import { BetterDLError } from '../errors';
import { env, importOptional } from '../platform';
import { applyEngineCloneFastPath, removeEngineCloneFastPath } from './engine-clone';
import { applyFitFastPaths, removeFitFastPaths } from './fit';
import { applyRegularizerFastPath, removeRegularizerFastPath } from './regularizer';

/**
 * The `fastPaths` setting: the option when given, else the environment variable `BETTERDL_FAST_PATHS`
 * (`0`/`false` off, `1`/`true` on), else on.
 */
export function fastPathsSetting(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  const v = env('BETTERDL_FAST_PATHS')?.trim().toLowerCase();
  if (v === undefined || v === '') return true;
  if (v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw new BetterDLError(
    'INVALID_ARGUMENT',
    `initRuntime: the environment variable BETTERDL_FAST_PATHS must be 0, 1, true or false, got '${v}'.`,
  );
}

/**
 * Installs (`on`) or removes betterdl's fast paths: the kernel-free engine clone, and the `fit` fast paths
 * and tfjs-layers' fit loop and L1/L2 penalty (without tfjs-layers there is nothing there to speed up). Returns whether the `fit` ones are installed.
 */
export async function setFastPaths(on: boolean): Promise<boolean> {
  if (!on) {
    removeFitFastPaths();
    removeRegularizerFastPath();
    removeEngineCloneFastPath();
    return false;
  }
  applyEngineCloneFastPath();
  let layers: typeof tfl;
  try {
    layers = await importOptional<typeof tfl>('@tensorflow/tfjs-layers');
  } catch {
    return false;
  }
  applyFitFastPaths(layers);
  applyRegularizerFastPath(layers);
  return true;
}
