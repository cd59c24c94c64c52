import { BetterDLError } from '@betterdl/runtime';
import { fileSystemHandler, isFileSource, toFsPath } from '@betterdl/runtime/node';
import { ModelCheckpoint, type ModelCheckpointArgs } from './model-checkpoint';
import { assertWritable } from './node-file-io';
import { parseTemplate } from './path-template';
import type { SaveTarget } from './save-model';

function resolver(overwrite: boolean | undefined): (path: string) => SaveTarget {
  return (path) =>
    isFileSource(path) ? fileSystemHandler(path, { overwrite, who: 'modelCheckpoint' }) : path;
}

/**
 * `modelCheckpoint` for Node: also takes `file://` URLs (absolute or `file://./relative`) and plain paths. Each
 * save is a directory holding `model.json` and a uniquely named weights shard, committed crash-safely: at every
 * instant `<dir>/model.json` names a complete set of weights (the previous save's or the new one's), other files
 * in the directory are never touched, and leftovers of killed saves are removed by the next save. A path that is
 * an existing file, or a directory whose `model.json` another program wrote, is an error (unless
 * `overwrite: true`). An unwritable location fails here, at construction. Other tfjs IO URLs behave as in the
 * main entry.
 *
 * @example
 * modelCheckpoint('file://./checkpoints/model-weights.{epoch:02d}-{val_acc:.6f}', { monitor: 'val_acc', saveBestOnly: true })
 */
export function modelCheckpoint(filepath: string, args: ModelCheckpointArgs = {}): ModelCheckpoint {
  if (typeof filepath === 'string' && filepath.trim() !== '' && isFileSource(filepath)) {
    const parts = parseTemplate(filepath);
    const fixed = parts[0];
    const prefix = typeof fixed === 'string' ? fixed : '';
    const staticDir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '.';
    const dir = staticDir === 'file://' ? '.' : staticDir;
    try {
      assertWritable(toFsPath(dir || '.'), 'modelCheckpoint');
    } catch (err) {
      throw new BetterDLError('IO_ERROR', (err as Error).message, { cause: err });
    }
  }
  return new ModelCheckpoint(filepath, args, resolver(args.overwrite));
}
