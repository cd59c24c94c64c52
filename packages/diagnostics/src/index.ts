export { topKAccuracy } from './top-k-accuracy';
