/** Node-only callbacks (file system, terminal). */
export { readMonitor } from './monitor';
