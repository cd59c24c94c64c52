/**
 * `@betterdl/callbacks/node`: everything from the main entry, plus the Node-only pieces (file system,
 * terminal). Its `modelCheckpoint` also writes `file://` URLs and plain paths, atomically.
 */

export * from './index';
export type { BackupAndRestoreArgs } from './node-backup-and-restore';
export { BackupAndRestore, backupAndRestore, fitWithBackup } from './node-backup-and-restore';
export type { CSVLoggerArgs } from './node-csv-logger';
export { CSVLogger, csvLogger } from './node-csv-logger';
export { fileSystemHandler, loadCheckpoint, loadWeights } from './node-file-io';
// Shadows the main entry's modelCheckpoint with one that also writes files (a superset of its behaviour).
export { modelCheckpoint } from './node-model-checkpoint';
