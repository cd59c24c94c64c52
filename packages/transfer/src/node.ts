/** Node-only transfer helpers (loading models from disk). */
export { recommendStrategy } from './recommend-strategy';
