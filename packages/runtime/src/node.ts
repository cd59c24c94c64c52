/**
 * `@betterdl/runtime/node`: everything from the main entry (which already works in Node), plus what only
 * makes sense there.
 */

export * from './index';
export { writeFileAtomic } from './node-write-file-atomic';
