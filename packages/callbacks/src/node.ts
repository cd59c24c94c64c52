/**
 * `@betterdl/callbacks/node`: everything from the main entry, plus the Node-only pieces (file system,
 * terminal). Its `modelCheckpoint` also writes `file://` URLs and plain paths, atomically.
 */

export type { BackupAndRestoreArgs } from './backup-and-restore';
export { BackupAndRestore, backupAndRestore, fitWithBackup } from './backup-and-restore';
export type { CSVLoggerArgs } from './csv-logger';
export { CSVLogger, csvLogger } from './csv-logger';
export { fileSystemHandler, loadCheckpoint, loadWeights } from './file-io';
export * from './index';
// Shadows the main entry's modelCheckpoint with one that also writes files (a superset of its behaviour).
export { modelCheckpoint } from './node-model-checkpoint';
