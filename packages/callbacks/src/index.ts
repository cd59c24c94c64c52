export { readMonitor, tfjsMonitorName } from './monitor';
