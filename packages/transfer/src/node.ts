/**
 * Node entry of `@betterdl/transfer`: everything from the main entry, with `loadPretrained` that also reads
 * `file://` URLs and paths, plus `savePretrained` (both without `@tensorflow/tfjs-node`).
 */

export * from './index';
// Shadows the main entry's loadPretrained with one that also reads files (a superset of its behaviour).
export type { SavePretrainedArgs } from './node-file-io';
export { loadPretrained, savePretrained } from './node-file-io';
