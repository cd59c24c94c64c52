/** Node-only dataset helpers (file system, downloads), plus everything from the main entry. */
export * from './index';
