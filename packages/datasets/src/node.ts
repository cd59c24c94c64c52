/** Node-only dataset helpers (file system, downloads). */
export { toCategorical } from './to-categorical';
