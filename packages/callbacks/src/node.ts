/** Node-only callbacks (file system, terminal), plus everything from the main entry. */
export * from './index';
