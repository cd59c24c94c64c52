import { BetterDLError } from '@betterdl/runtime';
import { ModelCheckpoint, type ModelCheckpointArgs } from './model-checkpoint';
import { assertWritable, fileSystemHandler, toFsPath } from './node-file-io';
import { parseTemplate } from './path-template';
import type { SaveTarget } from './save-model';

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function resolver(path: string): SaveTarget {
  if (path.startsWith('file://') || !SCHEME.test(path)) return fileSystemHandler(path);
  return path;
}

/**
 * `modelCheckpoint` for Node: also takes `file://` URLs and plain paths (each save is a directory holding
 * `model.json` + `weights.bin`, written atomically, parent directories created). An unwritable location fails
 * here, at construction. Other tfjs IO URLs behave as in the main entry.
 *
 * @example
 * modelCheckpoint('file://./checkpoints/model-weights.{epoch:02d}-{val_acc:.6f}', { monitor: 'val_acc', saveBestOnly: true })
 */
export function modelCheckpoint(filepath: string, args: ModelCheckpointArgs = {}): ModelCheckpoint {
  if (
    typeof filepath === 'string' &&
    filepath.trim() !== '' &&
    (filepath.startsWith('file://') || !SCHEME.test(filepath))
  ) {
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
  return new ModelCheckpoint(filepath, args, resolver);
}
