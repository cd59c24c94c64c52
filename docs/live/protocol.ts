// The messages between a lesson page's Run panel and its Web Worker (docs/live/worker.ts).
import type { LessonSummary, VariantResult } from '../../examples/_shared/host';

/** Page → worker: run one lesson. */
export interface RunRequest {
  type: 'run';
  /** A key of LIVE_LESSONS, e.g. `03-reduce-lr-on-plateau`. */
  example: string;
  quick: boolean;
  /** Defaults to 1, as `pnpm example` does. */
  seed: number;
  /** The site's base URL (VitePress `base`), where the data files are served. */
  base: string;
}

/** Worker → page. */
export type WorkerMessage =
  | { type: 'backend'; backend: string; summary: string }
  | { type: 'log'; line: string }
  | { type: 'epoch'; variant: string; epoch: number; logs: Record<string, number> }
  | { type: 'variant'; result: VariantResult }
  | { type: 'figure'; spec: { $schema: string; [key: string]: unknown } }
  | { type: 'result'; summary: LessonSummary }
  | { type: 'done'; seconds: number }
  | { type: 'error'; message: string };
