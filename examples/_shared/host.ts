// Where a lesson runs. A lesson's training code (its variants, data, epochs, fits and diagnosis) is written once,
// in examples/<NN-slug>/lesson.ts, against this interface, and runs unchanged in Node (node-host.ts: lines on
// the terminal, the figure and result.json in the output folder) and in a Web Worker of the docs site
// (docs/live/worker.ts: progress, curves and results posted to the page). Nothing here touches Node.
import type { ImageDatasetOptions, ImageSplit } from '@betterdl/datasets';

/** A Vega-Lite spec, as `learningCurves` of @betterdl/diagnostics returns it. */
export interface FigureSpec {
  $schema: string;
  [key: string]: unknown;
}

/** One variant (model configuration) of a lesson as its example reports it in result.json. */
export interface VariantResult {
  name: string;
  /** Final accuracy on the training set (model.evaluate). */
  train: number;
  /** Final accuracy on the test set. */
  test: number;
  /** Epochs actually trained. */
  epochs: number;
  /** Wall time of the fit. */
  seconds: number;
  /** diagnose(history).verdict */
  verdict?: string;
  /** diagnose(history).reason: one sentence saying why. */
  reason?: string;
  /** diagnose(history).suggestions */
  suggestions?: string[];
}

/** The `result.json` every course example writes into its output directory (see examples/README.md). */
export interface LessonResult {
  example: string;
  title: string;
  backend: string;
  /** Whether betterdl's fast paths were on (absent in results written before the option existed). */
  fastPaths?: boolean;
  quick: boolean;
  seed: number;
  seconds: number;
  variants: VariantResult[];
  /** File names, relative to the result's directory, of the learning-curve figure. */
  figure: { svg?: string; png?: string };
  /** One or two sentences on what the run shows, written from the numbers. */
  takeaway: string;
}

/** What a finished course lesson reports: its result.json without the run's settings. */
export type LessonSummary = Pick<LessonResult, 'title' | 'variants' | 'figure' | 'takeaway'>;

/** 28×28 images for the cookbook recipes (`loadMnist`'s shape of data). */
export interface DigitsData {
  train: ImageSplit;
  test: ImageSplit;
}

/** What a lesson needs from the place it runs. */
export interface LessonHost {
  /** One line of output: printed in Node, shown in the page's log. */
  log(line: string): void;
  /**
   * Called after every epoch of every fit with its logs (the page draws its live curves from these). Unset
   * in Node, where no callback is added for it.
   */
  onEpochEnd?: (variant: string, epoch: number, logs: Record<string, number>) => void;
  /** Called when a variant's fit and accuracies are done (the page fills its table from these). */
  onVariantEnd?: (result: VariantResult) => void;
  /** Shows the run's learning-curve figure: Node saves curves.svg and curves.png and returns their paths. */
  figure(spec: FigureSpec): Promise<{ svg?: string; png?: string }>;
  /** A course lesson's result: Node writes it as result.json. */
  result(summary: LessonSummary): Promise<void>;
  /**
   * 28×28 digit images: MNIST, or Fashion-MNIST where MNIST is not at hand. Node reads the files (see
   * data.ts); the page fetches the subset served with the site. `limit` applies to both splits.
   */
  loadDigits(options: ImageDatasetOptions): Promise<{ data: DigitsData; dataset: 'MNIST' | 'Fashion-MNIST' }>;
}

/** A started run of a lesson: its settings, the backend initRuntime chose, and its host. */
export interface LessonRun {
  /** The example's directory name, e.g. `03-reduce-lr-on-plateau`. */
  example: string;
  /** Few epochs / a small subset. */
  quick: boolean;
  /** The seed of `initRuntime` and of every `setSeed`. */
  seed: number;
  backend: string;
  /** `performance.now()` when the run started. */
  t0: number;
  host: LessonHost;
}

/** A lesson: its training code, run by a host (Node: `runLesson` of node-host.ts; the docs site's worker). */
export type Lesson = (run: LessonRun) => Promise<void>;
