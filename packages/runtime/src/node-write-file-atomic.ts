import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BetterDLError } from './errors';

/**
 * Writes `data` to `path` atomically: to a temporary file beside it, then renamed over it, so a crash never
 * leaves a half-written file in place of a good one. Creates missing directories.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new BetterDLError(
      'IO_ERROR',
      `Cannot write ${path}: ${(err as Error).message}. Check that the directory exists or can be created and is writable.`,
      { cause: err },
    );
  }
}
