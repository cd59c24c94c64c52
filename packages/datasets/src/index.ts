export { toCategorical } from './to-categorical';
