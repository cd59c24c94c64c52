/**
 * Node-only helpers of `@betterdl/runtime`. The main entry already works in Node; this subpath holds what
 * only makes sense there: the one file layer every betterdl package uses (`file://` forms, durable atomic
 * writes, the crash-safe commit protocol of checkpoints and backups, a tfjs IO handler).
 */

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
