/**
 * `@betterdl/runtime/node`: everything from the main entry (which already works in Node), plus what only
 * makes sense there.
 */

export * from './index';

export type { FsPathOptions } from './node-files';
export {
  faultPoint,
  fsyncDir,
  isFileSource,
  mkdirDurable,
  toFsPath,
  writeFileAtomic,
  writeFileDurable,
} from './node-files';
export type { CommitFileSetArgs, FileSetBlob } from './node-files-commit';
export {
  assertNotAFile,
  cleanFileSet,
  commitFileSet,
  manifestKind,
  manifestReferences,
  removeFileSet,
} from './node-files-commit';
export type { FileSystemHandlerArgs } from './node-files-model';
export {
  fileSystemHandler,
  MODEL_KIND,
  modelLocation,
  readModelJson,
  readWeightShard,
  weightsByteLength,
} from './node-files-model';
