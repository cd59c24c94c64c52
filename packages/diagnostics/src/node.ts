/** Node-only diagnostics (rendering to files, reports). */
export { topKAccuracy } from './top-k-accuracy';
