/**
 * Node-only dataset helpers: MNIST-family loaders, IDX files on disk, downloads into the cache.
 * Re-exports everything from the main entry.
 */

export * from './index';
export type { DownloadOptions, DownloadProgress } from './node-download';
export { consoleProgress, dataHome, downloadFile } from './node-download';
// Shadows the main entry's loadCsv with one that also reads files.
export { loadCsv } from './node-load-csv';
export type { IdxDatasetSpec, LoadMnistOptions, MnistData } from './node-load-mnist';
export {
  FASHION_MNIST,
  loadFashionMnist,
  loadIdxDataset,
  loadMnist,
  MNIST,
  readIdxFile,
} from './node-load-mnist';
