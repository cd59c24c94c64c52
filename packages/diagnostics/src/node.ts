/** Node-only diagnostics: rendering to files, PNG rasterising, HTML reports, TensorBoard event files. */

export type { HistogramProto, SummaryValue } from './event-proto';
export * from './index';
export type { FigureFormat, SaveFigureOptions } from './node-save-figure';
export { saveFigure } from './node-save-figure';
export type { TensorBoardArgs } from './node-tensor-board';
export { EventFileWriter, TensorBoard, tensorBoard } from './node-tensor-board';
export type { PngOptions } from './node-to-png';
export { svgToPng } from './node-to-png';
export type { ReportOptions, ReportSection } from './node-write-report';
export { writeReport } from './node-write-report';
