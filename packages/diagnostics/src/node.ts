/** Node-only diagnostics: rendering to files, PNG rasterising, HTML reports, TensorBoard event files. */

export type { HistogramProto, SummaryValue } from './event-proto';
export * from './index';
export type { FigureFormat, SaveFigureOptions } from './save-figure';
export { saveFigure } from './save-figure';
export type { TensorBoardArgs } from './tensor-board';
export { EventFileWriter, TensorBoard, tensorBoard } from './tensor-board';
export type { PngOptions } from './to-png';
export { svgToPng } from './to-png';
export type { ReportOptions, ReportSection } from './write-report';
export { writeReport } from './write-report';
